package africa.payhub.payment;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.payment.Decision.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.stereotype.Service;

/**
 * What a provider tells the hub on its own: a verified webhook's outcome for the payment it names, money it reports
 * arriving into something a client owns (a payment of its own), and notices (a settlement, a rejected transfer).
 */
@Service
public class InboundEventRules {

    private static final Logger LOG = LoggerFactory.getLogger(InboundEventRules.class);

    private final PaymentStore store;
    private final PaymentAcceptance acceptance;
    private final StatusChanges statusChanges;
    private final OutcomeRules outcomes;

    public InboundEventRules(PaymentStore store, PaymentAcceptance acceptance, StatusChanges statusChanges,
                             OutcomeRules outcomes) {
        this.store = store;
        this.acceptance = acceptance;
        this.statusChanges = statusChanges;
        this.outcomes = outcomes;
    }

    /** What a verified webhook did: APPLIED, NO_CHANGE, UNMATCHED or IGNORED, and to which payment. */
    public record WebhookResult(String result, String paymentId) {
    }

    /** Applies a verified provider webhook's outcome (it names our reference). */
    @Transactional
    public WebhookResult applyWebhook(String provider, Outcome outcome) {
        if (outcome.kind() == Outcome.Kind.IGNORED || outcome.reference() == null) {
            return new WebhookResult("IGNORED", null);
        }
        Payment found = store.findByProviderReference(provider, outcome.reference()).orElse(null);
        if (found == null) {
            LOG.warn("Verified {} webhook for unknown reference {}", provider, africa.payhub.canonical.Sensitive.maskPans(outcome.reference()));
            return new WebhookResult("UNMATCHED", null);
        }
        // the status before is read under the payment's lock: another event applied meanwhile (two webhooks at
        // once) is not taken for this one's change
        Payment p = store.lock(found.id()).orElseThrow(() -> new IllegalStateException("no payment " + found.id()));
        PaymentStatus before = p.status();
        outcomes.applyOutcome(p, Phase.WEBHOOK, outcome, List.of(), 0);
        PaymentStatus after = store.find(p.id()).orElseThrow().status();
        return new WebhookResult(before == after ? "NO_CHANGE" : "APPLIED", p.id());
    }

    /**
     * Money the provider reports arriving into something a client owns (a reserved account): a payment of its
     * own for that client ({@code operation}), made once per provider transaction (its message id is derived
     * from the provider's transaction id) and resolved by the outcome at once, with its callback.
     */
    @Transactional
    public WebhookResult applyReported(String provider, String clientId, String operation, String callbackUrl,
                                       JsonNode into, Outcome outcome) {
        if (outcome.providerTransactionId() == null || outcome.providerTransactionId().isBlank()) {
            return new WebhookResult("UNMATCHED", null);
        }
        ObjectNode message = Json.object();
        message.put("messageId", reportedMessageId(provider, outcome.providerTransactionId()));
        message.put("operation", operation);
        message.put("provider", provider);
        if (outcome.amount() != null && outcome.amount().isObject()) {
            message.set("amount", outcome.amount());
        }
        message.set("into", into);
        message.put("providerTransactionId", outcome.providerTransactionId());
        Optional<Payment> made = acceptance.acceptReported(clientId, provider, message, callbackUrl);
        if (made.isEmpty()) {
            return new WebhookResult("NO_CHANGE", store.findByMessage(clientId, message.path("messageId").asText())
                    .map(Payment::id).orElse(null));
        }
        outcomes.applyOutcome(made.get().id(), Phase.WEBHOOK, outcome);
        return new WebhookResult("CREATED", made.get().id());
    }

    /** The message id of a reported payment: the provider's transaction id, as a message id may be written. */
    static String reportedMessageId(String provider, String providerTransactionId) {
        String id = provider + ":" + providerTransactionId;
        if (id.matches("[A-Za-z0-9._:-]{1,64}")) {
            return id;
        }
        String readable = id.replaceAll("[^A-Za-z0-9._:-]", ".");
        String digest = Json.sha256(providerTransactionId).substring(0, 12);
        return (readable.length() > 50 ? readable.substring(0, 50) : readable) + "." + digest;
    }

    /**
     * A provider's notice (a settlement, a rejected transfer): each payment it names, by our reference or the
     * provider's transaction id, gets it on its timeline and in a callback. NOTIFIED when every one was
     * found, PARTLY_MATCHED or UNMATCHED otherwise (an operator sees those webhooks).
     */
    @Transactional
    public WebhookResult applyNotice(String provider, Outcome outcome) {
        JsonNode json = outcome.json();
        String notice = json.path("notice").asText("NOTICE");
        int found = 0;
        int missing = 0;
        String first = null;
        for (JsonNode m : json.path("matches")) {
            Optional<Payment> p = Optional.empty();
            if (m.hasNonNull("reference")) {
                p = store.findByProviderReference(provider, m.get("reference").asText());
            }
            if (p.isEmpty() && m.hasNonNull("providerTransactionId")) {
                p = store.findByProviderTransactionId(provider, m.get("providerTransactionId").asText());
            }
            if (p.isEmpty()) {
                missing++;
                continue;
            }
            found++;
            first = first == null ? p.get().id() : first;
            JsonNode detail = m.has("detail") ? m.get("detail") : json.get("detail");
            statusChanges.notice(store.lock(p.get().id()).orElseThrow(), notice, detail, provider + ":webhook");
        }
        if (found == 0) {
            LOG.warn("Verified {} {} webhook names no payment of the hub", provider, notice);
            return new WebhookResult("UNMATCHED", null);
        }
        return new WebhookResult(missing == 0 ? "NOTIFIED" : "PARTLY_MATCHED", first);
    }
}
