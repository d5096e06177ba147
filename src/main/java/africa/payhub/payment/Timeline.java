package africa.payhub.payment;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import org.springframework.stereotype.Component;

/** Appends to a payment's timeline. Details are redacted here, on the way in, so nothing sensitive is stored. */
@Component("timeline")
public class Timeline {

    private final PaymentStore store;

    public Timeline(PaymentStore store) {
        this.store = store;
    }

    public void record(String paymentId, String type, String actor, JsonNode detail) {
        store.addEvent(paymentId, type, actor, null, null, detail == null ? null : Json.write(Redactor.redact(detail)));
    }
}
