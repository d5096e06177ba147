package africa.payhub.data;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.payment.Timeline;
import org.springframework.stereotype.Component;

/** A data request's timeline: the one {@link Timeline} machinery payments use, for this resource. */
@Component("dataTimeline")
public class DataTimeline {

    private final Timeline timeline;

    public DataTimeline(Timeline timeline) {
        this.timeline = timeline;
    }

    public void record(String dataRequestId, String type, String actor, JsonNode detail) {
        timeline.record(Timeline.Subject.DATA_REQUEST, dataRequestId, type, actor, detail);
    }
}
