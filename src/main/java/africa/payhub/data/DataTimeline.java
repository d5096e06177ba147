package africa.payhub.data;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import org.springframework.stereotype.Component;

/** Appends to a data request's timeline, redacted on the way in. */
@Component("dataTimeline")
public class DataTimeline {

    private final DataRequestStore store;

    public DataTimeline(DataRequestStore store) {
        this.store = store;
    }

    public void record(String dataRequestId, String type, String actor, JsonNode detail) {
        store.addEvent(dataRequestId, type, actor, null, null, detail == null ? null : Json.write(Redactor.redact(detail)));
    }
}
