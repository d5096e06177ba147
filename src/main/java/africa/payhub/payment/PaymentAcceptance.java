package africa.payhub.payment;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.springframework.dao.DuplicateKeyException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.HubProperties;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Acceptance: a payment stored exactly once per message id. The same message id with the same content returns
 * the stored answer; with different content it is refused (422). Also the payments the hub stores without a
 * client's post of their own: a batch's items and the money a provider reports arriving.
 */
@Service("paymentAcceptance")
public class PaymentAcceptance {

    private final PaymentStore store;
    private final OriginalPayments originals;
    private final ClientRegistry clients;
    private final HubProperties properties;
    private final Clock clock;
    private final PaymentLog log;

    public PaymentAcceptance(PaymentStore store, OriginalPayments originals, ClientRegistry clients,
                             HubProperties properties, Clock clock, PaymentLog log) {
        this.store = store;
        this.originals = originals;
        this.clients = clients;
        this.properties = properties;
        this.clock = clock;
        this.log = log;
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
    public Accepted accept(String clientId, ObjectNode message, Supplier<Carrier> carrier) {
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
    public Prepared prepare(String clientId, ObjectNode message, Supplier<Carrier> carrier) {
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
                                Supplier<Carrier> carrier) {
        Carrier chosen = carrier.get();
        String id = UUID.randomUUID().toString();
        JsonNode amount = message.path("amount");
        BigDecimal value = amount.hasNonNull("value") ? new BigDecimal(amount.get("value").asText()) : null;
        String currency = amount.hasNonNull("currency") ? amount.get("currency").asText()
                : message.hasNonNull("currency") ? message.get("currency").asText() : null;
        String reversalOf = null;
        if (message.hasNonNull("reversalOf")) {
            Payment original = originals.reversible(clientId, message.get("reversalOf").asText(), chosen.provider());
            reversalOf = original.id();
            value = original.amountValue();
            currency = original.amountCurrency();
        }
        String refundOf = null;
        if (message.hasNonNull("refundOf")) {
            OriginalPayments.Refund refund = originals.refundable(clientId, message.get("refundOf").asText(),
                    chosen.provider(), value, currency);
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
        log.accepted(c);
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

    /**
     * Our reference for the payment at the provider: derived from the payment id alone, stored before any
     * call, and the same on every send and status query.
     */
    public static String providerReference(String paymentId) {
        return "HUB" + paymentId.replace("-", "").toUpperCase(java.util.Locale.ROOT);
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
}
