package africa.payhub.payment;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.stereotype.Service;

/**
 * An operator's decision on a payment in NEEDS_REVIEW, refused where the provider's evidence shows the money moved
 * and the decision would tell the client otherwise.
 */
@Service
public class ResolutionRules {

    private final PaymentStore store;
    private final StatusChanges statusChanges;
    private final Carriers carriers;
    private final CallInputs inputs;

    public ResolutionRules(PaymentStore store, StatusChanges statusChanges, Carriers carriers, CallInputs inputs) {
        this.store = store;
        this.statusChanges = statusChanges;
        this.carriers = carriers;
        this.inputs = inputs;
    }

    /** An operator's decision on a payment in NEEDS_REVIEW. */
    @Transactional
    public Payment resolve(String paymentId, PaymentStatus decision, String reason, String operator) {
        Payment p = store.lock(paymentId).orElseThrow(() -> Refusal.notFound("no payment has this id"));
        if (p.status() != PaymentStatus.NEEDS_REVIEW) {
            throw Refusal.conflict("payment " + paymentId + " is " + p.status()
                    + "; only a NEEDS_REVIEW payment can be resolved by an operator");
        }
        if (decision == PaymentStatus.FAILED) {
            postedEvidence(p).ifPresent(evidence -> {
                throw Refusal.conflict("payment " + paymentId + " cannot be marked FAILED: the provider's evidence shows it"
                        + " was made (" + evidence + "); a client told FAILED would pay again. Resolve SUCCEEDED, or"
                        + " reverse it with the provider first");
            });
        }
        statusChanges.changeStatus(p, decision, reason, "OPERATOR_DECISION", "operator:" + operator,
                Json.object().put("decision", decision.name()).put("operator", operator));
        return store.find(paymentId).orElseThrow();
    }

    /**
     * What the provider said that shows the payment was made: a status it reported that means SUCCEEDED
     * (e.g. held back for another amount), or an answer that our reference is already posted.
     */
    Optional<String> postedEvidence(Payment p) {
        for (Timeline.Event e : store.events(p.id())) {
            if (!e.type().endsWith("_OUTCOME") || e.detail() == null) {
                continue;
            }
            JsonNode d = Json.toNode(e.detail());
            String providerStatus = d.path("providerStatus").asText(null);
            if ("STATUS".equals(d.path("outcome").asText()) && providerStatus != null
                    && carriers.status(p.provider(), providerStatus).status() == PaymentStatus.SUCCEEDED) {
                return Optional.of(p.provider() + " reported " + providerStatus + " at " + e.occurredAt());
            }
            if ("DUPLICATE_REFERENCE".equals(d.path("reasonCode").asText())) {
                return Optional.of(p.provider() + " answered that reference " + inputs.referenceAt(p) + " exists, at "
                        + e.occurredAt());
            }
        }
        return Optional.empty();
    }
}
