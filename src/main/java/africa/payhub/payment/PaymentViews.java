package africa.payhub.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import org.springframework.stereotype.Component;

/**
 * The read side: payments, batches and timelines as the API shows them (JSON views), and which payments a
 * caller may see.
 */
@Component("paymentViews")
public class PaymentViews {

    private final PaymentStore store;
    private final BatchStore batches;
    private final NotificationStore notifications;

    public PaymentViews(PaymentStore store, BatchStore batches, NotificationStore notifications) {
        this.store = store;
        this.batches = batches;
        this.notifications = notifications;
    }

    /** The payment if the caller may see it; a client never learns that another client's payment exists. */
    public Payment visible(String paymentId, String clientScope) {
        return store.find(paymentId)
                .filter(p -> clientScope == null || p.clientId().equals(clientScope))
                .orElseThrow(() -> Refusal.notFound("no payment of this caller has this id"));
    }

    /** The payment as the API shows it. */
    public ObjectNode view(Payment p) {
        ObjectNode v = Json.object();
        v.put("paymentId", p.id());
        v.put("messageId", p.messageId());
        v.put("operation", p.operation());
        v.put("provider", p.provider());
        v.put("status", p.status().name());
        if (p.amountValue() != null) {
            v.set("amount", Json.object().put("value", p.amountValue().toPlainString()).put("currency", p.amountCurrency()));
        } else {
            v.putNull("amount");
        }
        // every field is always there: an optional one that does not apply is null, never left out
        v.put("reversalOf", p.reversalOf());
        v.put("batchId", p.batchId()).put("itemId", p.itemId());
        v.set("routing", p.routing() == null ? Json.NODES.nullNode() : Json.toNode(p.routing()));
        v.put("providerReference", p.providerReference());
        v.put("statusReason", p.statusReason());
        v.put("reasonCode", p.reasonCode());
        v.set("result", p.result() == null ? Json.NODES.nullNode() : Json.toNode(p.result()));
        v.put("createdAt", format(p.createdAt()));
        v.put("updatedAt", format(p.updatedAt()));
        return v;
    }

    /** The timeline: every event, with callback deliveries and their outcome. Details were redacted on write. */
    public ObjectNode timeline(Payment p) {
        return timeline(p, 0, DEFAULT_PAGE);
    }

    /** Events in a timeline page unless the caller asks for fewer ({@code limit}, at most {@link #MAX_PAGE}). */
    public static final int DEFAULT_PAGE = 200;
    public static final int MAX_PAGE = 1000;

    /**
     * A page of the timeline: at most {@code limit} events after the event numbered {@code after}, and
     * {@code next} (the query for the following page) when there may be more; the callbacks in full.
     */
    public ObjectNode timeline(Payment p, long after, int limit) {
        if (limit < 1 || limit > MAX_PAGE || after < 0) {
            throw Refusal.invalid("limit", "limit must be 1 to " + MAX_PAGE + " and after a sequence number from a page");
        }
        ObjectNode out = Json.object();
        out.put("paymentId", p.id());
        ArrayNode events = out.putArray("events");
        List<Timeline.Event> page = store.events(p.id(), after, limit);
        if (page.size() == limit) {
            out.put("next", "?after=" + page.get(page.size() - 1).id() + "&limit=" + limit);
        }
        for (Timeline.Event e : page) {
            TimelineJson.event(events, e.id(), e.type(), e.occurredAt(), e.actor(), e.statusFrom(), e.statusTo(), e.detail());
        }
        ArrayNode callbacks = out.putArray("callbacks");
        for (NotificationStore.Notification n : notifications.forPayment(p.id())) {
            ObjectNode c = TimelineJson.callback(callbacks, n.eventId(), n.status(), n.attempts(), n.url(), n.createdAt(),
                    n.lastStatusCode(), n.lastError(), n.deliveredAt());
            if ("PENDING".equals(n.status())) {
                c.put("nextAttemptAt", format(n.nextAttemptAt()));
            }
        }
        return out;
    }

    public List<Payment> listByMessage(String clientScope, String messageId) {
        if (clientScope == null) {
            throw Refusal.invalid("clientId", "operators search by messageId with a clientId query parameter");
        }
        return store.findByMessage(clientScope, messageId).stream().toList();
    }

    /** A batch as the API shows it: counts per status, totals per currency, and (optionally) every item. */
    public ObjectNode batchView(Batch b, boolean withItems) {
        ObjectNode v = Json.object();
        v.put("batchId", b.id());
        v.put("messageId", b.messageId());
        v.put("operation", b.operation());
        v.put("provider", b.provider());
        v.put("status", b.status());
        v.put("providerReference", b.providerReference());
        v.put("itemCount", b.itemCount());
        List<BatchStore.Item> items = batches.items(b.id());
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, BigDecimal> total = new TreeMap<>();
        Map<String, BigDecimal> paid = new TreeMap<>();
        for (BatchStore.Item i : items) {
            counts.merge(i.status().name(), 1, Integer::sum);
            total.merge(i.amountCurrency(), i.amountValue(), BigDecimal::add);
            if (i.status() == PaymentStatus.SUCCEEDED) {
                paid.merge(i.amountCurrency(), i.amountValue(), BigDecimal::add);
            }
        }
        ObjectNode c = v.putObject("counts");
        counts.forEach(c::put);
        ObjectNode t = v.putObject("total");
        total.forEach((currency, sum) -> t.put(currency, sum.toPlainString()));
        ObjectNode pd = v.putObject("paid");
        paid.forEach((currency, sum) -> pd.put(currency, sum.toPlainString()));
        v.put("createdAt", format(b.createdAt()));
        v.put("completedAt", format(b.completedAt()));
        if (withItems) {
            ArrayNode list = v.putArray("items");
            for (BatchStore.Item i : items) {
                ObjectNode n = list.addObject();
                n.put("itemId", i.itemId());
                n.put("paymentId", i.paymentId());
                n.put("status", i.status().name());
                n.put("reasonCode", i.reasonCode());
                n.set("amount", Json.object().put("value", i.amountValue().toPlainString()).put("currency", i.amountCurrency()));
            }
        }
        return v;
    }

    static String format(Instant instant) {
        return TimelineJson.format(instant);
    }
}
