package africa.payhub.payment;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.payment.NotificationStore;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.HubProperties;
import africa.payhub.canonical.Refusal;
import africa.payhub.logging.LogContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Payments as the enterprise systems see them: acceptance exactly once per message id, the views, the
 * timeline, and the single path through which any status changes (with its callback written to the
 * outbox in the same transaction).
 */
@Service("paymentService")
public class PaymentService {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentService.class);

    private final PaymentStore store;
    private final BatchStore batches;
    private final NotificationStore notifications;
    private final ClientRegistry clients;
    private final HubProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;

    public PaymentService(PaymentStore store, BatchStore batches, NotificationStore notifications, ClientRegistry clients,
                          HubProperties properties, Clock clock, MeterRegistry meters) {
        this.meters = meters;
        this.store = store;
        this.batches = batches;
        this.notifications = notifications;
        this.clients = clients;
        this.properties = properties;
        this.clock = clock;
    }

    /** The answer to a posted message: the payment, and whether this call created it. */
    public record Accepted(Payment payment, boolean created) {
    }

    /**
     * Stores the message once. The same message id with the same content returns the stored payment;
     * with different content it is refused (422). Concurrent posts of one message serialise on the
     * unique key, so exactly one payment exists whatever the timing.
     */
    @Transactional
    public Accepted accept(String clientId, ObjectNode message) {
        return accept(clientId, message, () -> new Carrier(message.path("provider").asText(), null));
    }

    /** Which provider carries a new payment, and (when routing chose it) how it was chosen. */
    public record Carrier(String provider, ObjectNode routing) {
    }

    /**
     * As {@link #accept(String, ObjectNode)}, with the provider decided by {@code carrier} (a replay keeps what
     * was decided then: the stored answer, whatever {@code carrier} says now).
     */
    @Transactional
    public Accepted accept(String clientId, ObjectNode message, java.util.function.Supplier<Carrier> carrier) {
        Prepared prepared = prepare(clientId, message, carrier);
        if (prepared.replay() != null) {
            return prepared.replay();
        }
        Optional<Accepted> stored = store(prepared);
        if (stored.isPresent()) {
            return stored.get();
        }
        return replayOf(prepared.candidate());
    }

    /**
     * A message made ready to store: the stored answer when this client sent it before ({@code replay}), else
     * the new payment's row ({@code candidate}, not stored yet).
     */
    public record Prepared(Accepted replay, Payment candidate, Instant due, ObjectNode routing, String refundOf) {
    }

    /**
     * Everything acceptance decides before the row is written: the provider (asked of {@code carrier}), the
     * reversed or refunded payment's checks, the row to insert; or the stored answer of a known message id that
     * these checks would refuse now.
     */
    public Prepared prepare(String clientId, ObjectNode message, java.util.function.Supplier<Carrier> carrier) {
        String messageId = message.path("messageId").asText();
        String hash = Json.sha256(Json.canonical(message));
        // no read first: a new message (the common case) costs no round trip of its own. A message sent before is
        // answered from what was stored, whatever this acceptance would decide now: when its insert meets the
        // stored row (replayOf), or here, when a check would refuse it today (its provider no longer carries the
        // operation, the payment it reverses is REVERSED by it, ...)
        try {
            return prepareNew(clientId, messageId, hash, message, carrier);
        } catch (Refusal refused) {
            Optional<Payment> earlier = store.findByMessage(clientId, messageId);
            if (earlier.isPresent()) {
                return new Prepared(replay(earlier.get(), hash, messageId), null, null, null, null);
            }
            throw refused;
        }
    }

    private Prepared prepareNew(String clientId, String messageId, String hash, ObjectNode message,
                                java.util.function.Supplier<Carrier> carrier) {
        Carrier chosen = carrier.get();
        String id = UUID.randomUUID().toString();
        JsonNode amount = message.path("amount");
        BigDecimal value = amount.hasNonNull("value") ? new BigDecimal(amount.get("value").asText()) : null;
        String currency = amount.hasNonNull("currency") ? amount.get("currency").asText()
                : message.hasNonNull("currency") ? message.get("currency").asText() : null;
        String reversalOf = null;
        if (message.hasNonNull("reversalOf")) {
            Payment original = reversible(clientId, message.get("reversalOf").asText(), chosen.provider());
            reversalOf = original.id();
            value = original.amountValue();
            currency = original.amountCurrency();
        }
        String refundOf = null;
        if (message.hasNonNull("refundOf")) {
            Refund refund = refundable(clientId, message.get("refundOf").asText(), chosen.provider(), value, currency);
            refundOf = refund.original().id();
            value = refund.amount();
            currency = refund.original().amountCurrency();
        }
        String callbackUrl = message.hasNonNull("callbackUrl") ? message.get("callbackUrl").asText()
                : clients.client(clientId).map(HubProperties.Client::callbackUrl).orElse(null);
        Payment candidate = new Payment(id, clientId, messageId, hash,
                message.path("operation").asText(), chosen.provider(), PaymentStatus.ACCEPTED,
                value, currency, providerReference(id), null, null, null, Json.write(message), null, callbackUrl,
                0, null, 0, null, null, null, reversalOf, null, chosen.routing() == null ? null : Json.write(chosen.routing()),
                null, null);
        return new Prepared(null, candidate, clock.instant().plus(properties.polling().acceptedGrace()), chosen.routing(),
                refundOf);
    }

    /**
     * Writes a prepared payment (in the caller's transaction): the row and its ACCEPTED event; empty when
     * the message id was taken meanwhile (see {@link #replayOf}).
     */
    public Optional<Accepted> store(Prepared prepared) {
        Payment candidate = prepared.candidate();
        Optional<Instant> stored;
        try {
            // the row and its ACCEPTED event in one statement
            stored = store.insertAccepted(candidate, prepared.due(), "client:" + candidate.clientId(),
                    Json.write(Json.object().put("messageId", candidate.messageId()).put("contentSha256", candidate.contentHash())));
        } catch (DuplicateKeyException e) {
            // the only other unique index: a second live reversal of the same payment
            throw Refusal.unprocessable("payment " + candidate.reversalOf() + " already has a reversal that did not fail");
        }
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(accepted(prepared, stored.get()));
    }

    /** What follows a stored payment, in its transaction: its refund link, the log line, its routing; the answer. */
    private Accepted accepted(Prepared prepared, Instant storedAt) {
        Payment c = prepared.candidate();
        if (prepared.refundOf() != null) {
            store.linkRefund(c.id(), prepared.refundOf());
        }
        // said once the row is on disk: a line for a payment its transaction lost would tell operators of a
        // payment that does not exist
        AfterCommit.say(() -> {
            try (LogContext log = LogContext.payment(c.id(), c.messageId(), c.clientId())) {
                LOG.info("Payment {} accepted: {} for {}", c.id(), c.operation(), c.provider());
            }
        }, () -> {
            try (LogContext log = LogContext.payment(c.id(), c.messageId(), c.clientId())) {
                LOG.info("Payment {} rolled back: its acceptance ({} for {}) was not stored", c.id(), c.operation(),
                        c.provider());
            }
        });
        if (prepared.routing() == null) {
            return new Accepted(c.storedAt(storedAt, prepared.due()), true);
        }
        store.addEvent(c.id(), "ROUTED", "hub:router", null, null,
                Json.write(prepared.routing().deepCopy().put("provider", c.provider())));
        // read back: its routing as the database renders it, as a replay will show it
        return new Accepted(store.find(c.id()).orElseThrow(), true);
    }

    /**
     * As {@link #store(Prepared)} for many payments at once (none a reversal), in one statement: for each, in
     * order, its answer, or empty when its message id was taken (by an earlier one of the list too).
     */
    public List<Optional<Accepted>> storeAll(List<GroupCommit.Piece<Prepared>> group) {
        int n = group.size();
        List<Payment> rows = new java.util.ArrayList<>(n);
        List<Instant> dues = new java.util.ArrayList<>(n);
        String[] actors = new String[n];
        String[] details = new String[n];
        for (int i = 0; i < n; i++) {
            Payment c = group.get(i).item().candidate();
            rows.add(c);
            dues.add(group.get(i).item().due());
            actors[i] = "client:" + c.clientId();
            details[i] = Json.write(Json.object().put("messageId", c.messageId()).put("contentSha256", c.contentHash()));
        }
        List<Instant> stored = store.insertAcceptedAll(rows, dues, actors, details);
        List<Optional<Accepted>> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            GroupCommit.Piece<Prepared> piece = group.get(i);
            Instant storedAt = stored.get(i);
            // the request's log context, on the writer's thread
            out.add(storedAt == null ? Optional.empty() : piece.within(() -> Optional.of(accepted(piece.item(), storedAt))));
        }
        return out;
    }

    /**
     * The answer to a message whose id another request took first: the stored answer for the same content,
     * a 422 for other content.
     */
    public Accepted replayOf(Payment candidate) {
        Payment existing = store.findByMessage(candidate.clientId(), candidate.messageId()).orElseThrow(
                () -> Refusal.conflict("message " + candidate.messageId() + " is being accepted by another request; retry"));
        return replay(existing, candidate.contentHash(), candidate.messageId());
    }

    private static Accepted replay(Payment existing, String hash, String messageId) {
        if (!existing.contentHash().equals(hash)) {
            throw Refusal.unprocessable("messageId " + messageId + " was already used for a different message"
                    + " (payment " + existing.id() + "); a message id can be used once, for one content");
        }
        return new Accepted(existing, false);
    }

    /** The payment a REVERSAL names, if this client may reverse it now; otherwise a 422 saying why. */
    private Payment reversible(String clientId, String originalId, String provider) {
        Payment original = store.find(originalId).filter(p -> p.clientId().equals(clientId))
                .orElseThrow(() -> Refusal.notFound("reversalOf: no payment of this client has this id"));
        if (!original.provider().equals(provider)) {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " was carried by " + original.provider()
                    + ", not " + provider);
        }
        if (original.status() != PaymentStatus.SUCCEEDED) {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " is " + original.status()
                    + "; only a SUCCEEDED payment can be reversed");
        }
        if (original.providerTransactionId() == null) {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " has no provider transaction to reverse");
        }
        if ("REVERSAL".equals(original.operation())) {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " is itself a reversal");
        }
        store.findReversalOf(originalId).ifPresent(r -> {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " already has reversal " + r.id()
                    + " (" + r.status() + ")");
        });
        return original;
    }

    /** A refund that fits: the collection it gives money back from, and its amount. */
    private record Refund(Payment original, BigDecimal amount) {
    }

    /**
     * The collection a REFUND names, if this client may refund {@code amount} of it now (no amount: all that
     * is left); otherwise a 422 saying why. The collection's row is locked and its refunds summed in the
     * transaction that stores this one, so concurrent refunds never add up to more than was collected:
     * the amount the collection reported paid ({@code result.amountPaid}, e.g. an overpayment), else its amount.
     */
    private Refund refundable(String clientId, String originalId, String provider, BigDecimal amount, String currency) {
        Payment original = store.lock(originalId).filter(p -> p.clientId().equals(clientId))
                .orElseThrow(() -> Refusal.notFound("refundOf: no payment of this client has this id"));
        if (!original.provider().equals(provider)) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " was carried by " + original.provider()
                    + ", not " + provider);
        }
        if (!"COLLECTION".equals(original.operation())) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " is a " + original.operation()
                    + "; only a COLLECTION can be refunded");
        }
        if (original.status() != PaymentStatus.SUCCEEDED) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " is " + original.status()
                    + "; only a SUCCEEDED collection can be refunded");
        }
        if (currency != null && !currency.equals(original.amountCurrency())) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " was collected in " + original.amountCurrency()
                    + ", not " + currency);
        }
        BigDecimal collected = original.amountValue();
        JsonNode paid = original.result() == null ? null : Json.toNode(original.result()).get("amountPaid");
        if (paid != null && paid.isTextual() && paid.asText().matches("[0-9]{1,15}(\\.[0-9]{1,4})?")) {
            collected = new BigDecimal(paid.asText());
        }
        BigDecimal left = collected.subtract(store.refundedTotal(originalId));
        if (left.signum() <= 0) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " is refunded in full already ("
                    + collected.toPlainString() + " " + original.amountCurrency() + ")");
        }
        BigDecimal value = amount == null ? left : amount;
        if (value.compareTo(left) > 0) {
            throw Refusal.unprocessable("refund of " + value.toPlainString() + " " + original.amountCurrency()
                    + " exceeds what is left to refund of payment " + originalId + ": " + left.toPlainString()
                    + " of " + collected.toPlainString() + " collected (refunds that did not fail count)");
        }
        return new Refund(original, value);
    }

    /**
     * Our reference for the payment at the provider: derived from the payment id alone, stored before any
     * call, and the same on every send and status query.
     */
    public static String providerReference(String paymentId) {
        return "HUB" + paymentId.replace("-", "").toUpperCase(java.util.Locale.ROOT);
    }

    /** The payment if the caller may see it; a client never learns that another client's payment exists. */
    public Payment visible(String paymentId, String clientScope) {
        return store.find(paymentId)
                .filter(p -> clientScope == null || p.clientId().equals(clientScope))
                .orElseThrow(() -> Refusal.notFound("no payment of this caller has this id"));
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
            AfterCommit.say(() -> LOG.info("Payment {} stays {}: {} refused (from {})", locked.id(), from, to, actor),
                    () -> LOG.info("Payment {} rolled back: its refused move to {} was not recorded", locked.id(), to));
            return false;
        }
        ObjectNode detail = Json.object();
        if (reason != null) {
            detail.put("reason", reason);
        }
        if (reasonCode != null) {
            detail.put("reasonCode", reasonCode);
        }
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
        AfterCommit.say(() -> {
            meters.counter("hub.payment.transitions", "provider", after.provider(), "operation", after.operation(),
                    "status", after.status().name()).increment();
            try (LogContext log = LogContext.payment(after.id(), after.messageId(), after.clientId())) {
                LOG.info("Payment {} {} -> {} ({}){}", after.id(), from, after.status(), actor,
                        after.statusReason() == null ? "" : ": " + after.statusReason());
            }
        }, () -> {
            try (LogContext log = LogContext.payment(after.id(), after.messageId(), after.clientId())) {
                LOG.info("Payment {} rolled back: its move from {} to {} ({}) was not stored", after.id(), from,
                        after.status(), actor);
            }
        });
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
        java.util.Map<String, Payment> submitted = store.submitAll(locked.stream().map(Payment::id).toList(), reasons, details,
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
        AfterCommit.say(() -> LOG.info("Batch {} completed ({} items)", batchId, done.itemCount()),
                () -> LOG.info("Batch {} rolled back: its completion was not stored", batchId));
        if (done.callbackUrl() == null || done.callbackUrl().isBlank()) {
            return;
        }
        UUID eventId = UUID.randomUUID();
        ObjectNode payload = Json.object();
        payload.put("eventId", eventId.toString());
        payload.put("eventType", "payment.batch.completed");
        payload.put("occurredAt", now());
        payload.set("batch", batchView(done, false));
        notifications.insert(eventId, last, done.clientId(), done.callbackUrl(), Json.write(payload));
    }

    /**
     * Stores one item of a batch as a payment of its own (ACCEPTED), inside the batch's transaction: the
     * item's canonical message, our reference derived from its id, linked to the batch.
     */
    public Payment acceptItem(String clientId, ObjectNode itemMessage, String provider, String batchId, String itemId) {
        String id = UUID.randomUUID().toString();
        String hash = Json.sha256(Json.canonical(itemMessage));
        JsonNode amount = itemMessage.path("amount");
        Payment candidate = new Payment(id, clientId, itemMessage.path("messageId").asText(), hash,
                itemMessage.path("operation").asText(), provider, PaymentStatus.ACCEPTED,
                new BigDecimal(amount.path("value").asText()), amount.path("currency").asText(), providerReference(id),
                null, null, null, Json.write(itemMessage), null,
                itemMessage.hasNonNull("callbackUrl") ? itemMessage.get("callbackUrl").asText() : null,
                0, null, 0, null, null, null, null, null, null, batchId, itemId);
        if (!store.insertIfAbsent(candidate, clock.instant().plus(properties.polling().acceptedGrace()))) {
            throw Refusal.conflict("item " + itemId + " of batch " + batchId + " could not be stored: its message id is taken");
        }
        store.addEvent(id, "ACCEPTED", "client:" + clientId, null, PaymentStatus.ACCEPTED,
                Json.write(Json.object().put("batchId", batchId).put("itemId", itemId).put("contentSha256", hash)));
        return store.find(id).orElseThrow();
    }

    /**
     * Stores a payment the provider reported rather than one a client sent (money that arrived in an account
     * the client owns), SUBMITTED, inside the caller's transaction: its message id is derived from the
     * provider's transaction id, so the same arrival reported twice is one payment. Empty when it exists.
     */
    public Optional<Payment> acceptReported(String clientId, String provider, ObjectNode message, String callbackUrl) {
        String id = UUID.randomUUID().toString();
        String hash = Json.sha256(Json.canonical(message));
        JsonNode amount = message.path("amount");
        Payment candidate = new Payment(id, clientId, message.path("messageId").asText(), hash,
                message.path("operation").asText(), provider, PaymentStatus.SUBMITTED,
                amount.hasNonNull("value") ? new BigDecimal(amount.get("value").asText()) : null,
                amount.path("currency").asText(null), providerReference(id), null, null, null, Json.write(message), null,
                callbackUrl, 0, null, 0, null, null, null, null, null, null, null, null);
        if (!store.insertIfAbsent(candidate, clock.instant().plus(properties.polling().firstDelay()))) {
            return Optional.empty();
        }
        store.addEvent(id, "REPORTED", provider + ":webhook", null, PaymentStatus.SUBMITTED,
                Json.write(Json.object().put("messageId", candidate.messageId()).set("into", message.path("into"))));
        return store.find(id);
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
        java.util.List<BatchStore.Item> items = batches.items(b.id());
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        java.util.Map<String, BigDecimal> total = new java.util.TreeMap<>();
        java.util.Map<String, BigDecimal> paid = new java.util.TreeMap<>();
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
        payload.set("payment", view(payment));
        notifications.insert(eventId, payment.id(), payment.clientId(), payment.callbackUrl(), Json.write(payload));
        store.addEvent(payment.id(), "CALLBACK_QUEUED", "hub", null, null,
                Json.write(Json.object().put("eventId", eventId.toString()).put(queuedKey, queuedValue)));
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
        List<PaymentStore.PaymentEvent> page = store.events(p.id(), after, limit);
        if (page.size() == limit) {
            out.put("next", "?after=" + page.get(page.size() - 1).id() + "&limit=" + limit);
        }
        for (PaymentStore.PaymentEvent e : page) {
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

    private String now() {
        return format(clock.instant());
    }

    static String format(Instant instant) {
        return TimelineJson.format(instant);
    }
}
