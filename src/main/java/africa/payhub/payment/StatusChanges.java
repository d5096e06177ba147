package africa.payhub.payment;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import org.springframework.stereotype.Service;

/**
 * The single path through which a payment's status changes, and what tells its client: every move (or note, or
 * provider notice) writes its timeline event and its signed callback to the outbox in the caller's transaction.
 */
@Service("statusChanges")
public class StatusChanges {

    private final PaymentStore store;
    private final BatchStore batches;
    private final NotificationStore notifications;
    private final PaymentViews views;
    private final Clock clock;
    private final PaymentLog log;

    public StatusChanges(PaymentStore store, BatchStore batches, NotificationStore notifications, PaymentViews views,
                         Clock clock, PaymentLog log) {
        this.store = store;
        this.batches = batches;
        this.notifications = notifications;
        this.views = views;
        this.clock = clock;
        this.log = log;
    }

    /**
     * The one way a payment's status changes. Runs inside the caller's transaction on a row it locked;
     * refuses (and records) any move the state machine does not allow, writes the timeline and the callback.
     *
     * @return whether the status changed
     */
    public boolean changeStatus(Payment locked, PaymentStatus to, String reason, String reasonCode, String actor,
                                JsonNode evidence) {
        return changeStatus(locked, to, reason, reasonCode, actor, evidence, null);
    }

    /**
     * {@link #changeStatus(Payment, PaymentStatus, String, String, String, JsonNode)} that also keeps the
     * provider's details in the same statement when the payment moves (when it does not, they are not written).
     */
    public boolean changeStatus(Payment locked, PaymentStatus to, String reason, String reasonCode, String actor,
                                JsonNode evidence, PaymentStore.ProviderDetails details) {
        PaymentStatus from = locked.status();
        if (from == to) {
            return false;
        }
        if (!from.canMoveTo(to)) {
            store.addEvent(locked.id(), "TRANSITION_REFUSED", actor, from, to, Json.write(Json.object()
                    .put("reason", "a " + from + " payment cannot become " + to)
                    .set("evidence", Redactor.redact(evidence))));
            log.refused(locked, to, actor);
            return false;
        }
        ObjectNode detail = Timeline.statusDetail(reason, reasonCode);
        if (evidence != null) {
            detail.set("evidence", Redactor.redact(evidence));
        }
        Payment after = store.moveStatus(locked.id(), from, to, reason, reasonCode, actor, Json.write(detail), details)
                .orElseThrow(() -> new IllegalStateException("payment " + locked.id() + " changed under a row lock"));
        moved(after, from, actor);
        return true;
    }

    /**
     * What follows every status move: the client's callback (in the move's transaction), and, once that
     * transaction committed, the transitions count and the log line; a move rolled back is logged as such.
     */
    private void moved(Payment after, PaymentStatus from, String actor) {
        enqueueCallback(after, from);
        log.moved(after, from, actor);
    }

    /**
     * ACCEPTED -> SUBMITTED for payments about to be sent (the caller holds their rows), in one statement
     * with their STATUS_CHANGED events and the send's bookkeeping (one more send, the first status query
     * due at {@code firstPoll}); then, for each, what {@link #changeStatus} does after a move: its callback,
     * its count and its log line.
     */
    public void submitAll(List<Payment> locked, Instant firstPoll) {
        submitAll(locked, locked.stream().map(p -> (String) null).toList(), firstPoll);
    }

    /**
     * As {@link #submitAll(List, Instant)}, each send starting with what it has come to so far ({@code sendStates},
     * one per payment: PREPARING for a multi-step send, whose own request has not left; else null).
     */
    public void submitAll(List<Payment> locked, List<String> sendStates, Instant firstPoll) {
        if (locked.isEmpty()) {
            return;
        }
        for (Payment p : locked) {
            if (p.status() != PaymentStatus.ACCEPTED) {
                throw new IllegalStateException("payment " + p.id() + " is " + p.status() + ", not ACCEPTED");
            }
        }
        List<String> reasons = locked.stream().map(p -> "sent to " + p.provider()).toList();
        List<String> details = reasons.stream().map(r -> Json.write(Json.object().put("reason", r))).toList();
        Map<String, Payment> submitted = store.submitAll(locked.stream().map(Payment::id).toList(), reasons, details,
                sendStates, "hub", firstPoll);
        for (Payment before : locked) {
            Payment after = submitted.get(before.id());
            if (after == null) {
                throw new IllegalStateException("payment " + before.id() + " changed under a row lock");
            }
            moved(after, PaymentStatus.ACCEPTED, "hub");
        }
    }

    /**
     * A PENDING payment whose reason changes while its status stays (e.g. a collection partly paid): the
     * note in the timeline and, when the provider's status rule asks for it ({@code notify}), a callback
     * with the same status, so the client learns of it. The caller holds the payment's row.
     */
    public void noteReason(Payment locked, String reason, String reasonCode, String actor, JsonNode evidence,
                           boolean notify) {
        store.updateReason(locked.id(), reason, reasonCode);
        if (!notify) {
            return;
        }
        ObjectNode detail = Json.object().put("reason", reason);
        if (reasonCode != null) {
            detail.put("reasonCode", reasonCode);
        }
        if (evidence != null) {
            detail.set("evidence", Redactor.redact(evidence));
        }
        store.addEvent(locked.id(), "REASON_CHANGED", actor, locked.status(), locked.status(), Json.write(detail));
        enqueueCallback(store.find(locked.id()).orElseThrow(), locked.status());
    }

    /**
     * Completes a batch whose items are all final (the caller holds its row): COMPLETED, and one callback
     * to its client with the batch's counts and totals, delivered after the last item's own callbacks (the
     * outbox keeps a payment's callbacks in order, and this one goes with the last item to finish).
     */
    public void completeBatch(String batchId) {
        if (!batches.completeIfDone(batchId)) {
            return;
        }
        Batch done = batches.find(batchId).orElseThrow();
        String last = batches.lastFinished(batchId);
        store.addEvent(last, "BATCH_COMPLETED", "hub", null, null, Json.write(Json.object().put("batchId", batchId)));
        log.batchCompleted(batchId, done.itemCount());
        if (done.callbackUrl() == null || done.callbackUrl().isBlank()) {
            return;
        }
        UUID eventId = UUID.randomUUID();
        ObjectNode payload = Json.object();
        payload.put("eventId", eventId.toString());
        payload.put("eventType", "payment.batch.completed");
        payload.put("occurredAt", now());
        payload.set("batch", views.batchView(done, false));
        notifications.insert(eventId, last, done.clientId(), done.callbackUrl(), Json.write(payload));
    }

    /**
     * A provider's notice about a payment that changes no status (a settlement, a transfer it turned away):
     * on its timeline, and a signed callback ({@code payment.notice}) to its client with what it said.
     */
    public void notice(Payment payment, String notice, JsonNode detail, String actor) {
        ObjectNode d = Json.object().put("notice", notice);
        if (detail != null && !detail.isNull()) {
            d.set("detail", Redactor.redact(detail));
        }
        store.addEvent(payment.id(), "PROVIDER_NOTICE", actor, null, null, Json.write(d));
        ObjectNode fields = Json.object();
        fields.set("notice", d);
        queueCallback(payment, "payment.notice", fields, "notice", notice);
    }

    private void enqueueCallback(Payment payment, PaymentStatus previous) {
        queueCallback(payment, "payment.status.changed", Json.object().put("previousStatus", previous.name()),
                "status", payment.status().name());
    }

    /**
     * One signed callback to the payment's client, in the caller's transaction: its outbox row (event id, type,
     * time, {@code fields}, the payment as the API shows it) and a CALLBACK_QUEUED event naming it.
     */
    private void queueCallback(Payment payment, String eventType, ObjectNode fields, String queuedKey, String queuedValue) {
        if (payment.callbackUrl() == null || payment.callbackUrl().isBlank()) {
            return;
        }
        UUID eventId = UUID.randomUUID();
        ObjectNode payload = Json.object();
        payload.put("eventId", eventId.toString());
        payload.put("eventType", eventType);
        payload.put("occurredAt", now());
        payload.setAll(fields);
        payload.set("payment", views.view(payment));
        notifications.insert(eventId, payment.id(), payment.clientId(), payment.callbackUrl(), Json.write(payload));
        store.addEvent(payment.id(), "CALLBACK_QUEUED", "hub", null, null,
                Json.write(Json.object().put("eventId", eventId.toString()).put(queuedKey, queuedValue)));
    }

    private String now() {
        return TimelineJson.format(clock.instant());
    }
}
