package africa.payhub.payment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

    /** An event noted during a provider call, with the time it happened; written later, with the call's outcome. */
    public record Entry(String type, String actor, Instant at, String detailJson) {
    }

    /**
     * The events of one provider call (its requests and answers), kept until the call's outcome is applied
     * and written in that outcome's transaction: one commit for the call instead of one per event. The
     * claim before the call is committed on its own, as ever; these events only describe the call.
     */
    public static final class Pending {

        private final String paymentId;
        private final List<Entry> entries = new ArrayList<>();

        public Pending(String paymentId) {
            this.paymentId = paymentId;
        }

        public String paymentId() {
            return paymentId;
        }

        public synchronized void add(String type, String actor, JsonNode detail) {
            entries.add(new Entry(type, actor, Instant.now(), detail == null ? null : Json.write(Redactor.redact(detail))));
        }

        /** The entries so far, oldest first; the buffer is empty afterwards. */
        public synchronized List<Entry> drain() {
            List<Entry> out = List.copyOf(entries);
            entries.clear();
            return out;
        }
    }
}
