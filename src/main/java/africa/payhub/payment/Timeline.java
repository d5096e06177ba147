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

    /**
     * Records an event someone outside the hub can cause as often as they like (a partner's status check) only
     * while the payment has fewer than {@code max} of that type: a caller cannot grow a timeline without end.
     */
    public boolean recordAtMost(String paymentId, String type, String actor, JsonNode detail, int max) {
        if (store.countEvents(paymentId, type) >= max) {
            return false;
        }
        record(paymentId, type, actor, detail);
        return true;
    }
}
