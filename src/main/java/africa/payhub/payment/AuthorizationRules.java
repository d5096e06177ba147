package africa.payhub.payment;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.stereotype.Service;

/**
 * A transfer the provider holds for an authorization code (an OTP): who may authorize it, and the call that
 * submits the code, for one payment or a batch's waiting items, and the provider's answer, recorded as the
 * authorizer's. The code itself never passes through here.
 */
@Service
public class AuthorizationRules {

    private final PaymentStore store;
    private final BatchStore batches;
    private final PaymentViews views;
    private final CallInputs inputs;
    private final OutcomeRules outcomes;

    public AuthorizationRules(PaymentStore store, BatchStore batches, PaymentViews views, CallInputs inputs,
                              OutcomeRules outcomes) {
        this.store = store;
        this.batches = batches;
        this.views = views;
        this.inputs = inputs;
        this.outcomes = outcomes;
    }

    /**
     * A payment waiting for the provider's authorization (PENDING, AWAITING_AUTHORIZATION) about to be
     * authorized by {@code caller}: the call to make with {@code flow}, after checking who may authorize.
     * The code itself never passes through here: the provider layer adds it to the call and forgets it.
     */
    @Transactional
    public Call authorization(String id, String clientScope, boolean operator, String flow, String allowed) {
        Payment p = views.visible(id, clientScope);
        requireAuthorizer(operator, allowed);
        if (p.status() != PaymentStatus.PENDING || !AWAITING_AUTHORIZATION.equals(p.reasonCode())) {
            throw Refusal.conflict("payment " + id + " is " + p.status()
                    + (p.reasonCode() == null ? "" : " (" + p.reasonCode() + ")") + ": it is not waiting for authorization");
        }
        store.addEvent(id, "AUTHORIZATION_SUBMITTED", authorizer(p, operator), null, null,
                Json.write(Json.object().put("flow", flow)));
        return inputs.call(p, Phase.AUTHORIZE, flow);
    }

    /**
     * The provider's answer to an authorization code that {@code authorizer} submitted (see
     * {@link #authorization}): applied as a status query's answer would be, and recorded as that person's
     * (AUTHORIZATION_OUTCOME, and every move it makes, by the authorizer).
     */
    @Transactional
    public Decision applyAuthorization(String id, Outcome outcome, String authorizer) {
        return outcomes.applyOutcome(store.lock(id).orElseThrow(() -> new IllegalStateException("no payment " + id)),
                Phase.AUTHORIZE, authorizer, outcome, List.of(), 0);
    }

    /** Who submits an authorization code, as the timeline names them. */
    public static String authorizer(Payment p, boolean operator) {
        return operator ? "operator" : "client:" + p.clientId();
    }

    /**
     * A batch whose items wait for the provider's authorization code: the call for {@code flow} carrying
     * the batch and its waiting items (BatchSend.items), after checking who may authorize.
     */
    @Transactional
    public Decision.BatchSend batchAuthorization(String batchId, String clientScope, boolean operator, String flow,
                                                 String allowed) {
        Batch batch = batch(batchId, clientScope);
        requireAuthorizer(operator, allowed);
        // the waiting items locked in one statement, in id order, as every locker of several payments takes them
        // (the poller's group commits): an event written for one item never waits in a circle with them
        java.util.Map<String, Payment> locked = store.lockAll(batches.items(batchId).stream()
                .filter(i -> i.status() == PaymentStatus.PENDING && AWAITING_AUTHORIZATION.equals(i.reasonCode()))
                .map(BatchStore.Item::paymentId).toList());
        List<Payment> waiting = locked.values().stream()
                .filter(p -> p.status() == PaymentStatus.PENDING && AWAITING_AUTHORIZATION.equals(p.reasonCode()))
                .sorted(java.util.Comparator.comparing(Payment::itemId)).toList();
        if (waiting.isEmpty()) {
            throw Refusal.conflict("batch " + batchId + " has no item waiting for authorization");
        }
        ArrayNode items = Json.NODES.arrayNode();
        for (Payment p : waiting) {
            store.addEvent(p.id(), "AUTHORIZATION_SUBMITTED", operator ? "operator" : "client:" + batch.clientId(), null, null,
                    Json.write(Json.object().put("flow", flow).put("batchId", batchId)));
            items.add(inputs.call(p, Phase.POLL, flow).input().without("config"));
        }
        return new Decision.BatchSend(batchId, inputs.batchCall(batch, items, flow, Phase.POLL),
                waiting.stream().map(Payment::id).toList(), List.of());
    }

    /** Who may authorize a held transfer on this hub ({@code hub.payments.authorization-by}). */
    private static void requireAuthorizer(boolean operator, String allowed) {
        boolean mayAuthorize = "both".equals(allowed) || ("operator".equals(allowed) ? operator : !operator);
        if (!mayAuthorize) {
            throw Refusal.forbidden("transfers are authorized by " + ("operator".equals(allowed) ? "an operator"
                    : "the client that sent them") + " on this hub");
        }
    }

    /** The batch if the caller may see it. */
    private Batch batch(String batchId, String clientScope) {
        return batches.find(batchId).filter(b -> clientScope == null || b.clientId().equals(clientScope))
                .orElseThrow(() -> Refusal.notFound("no batch of this caller has this id"));
    }

    /** The reason code of a payment the provider holds until it is authorized (e.g. an OTP). */
    public static final String AWAITING_AUTHORIZATION = "AWAITING_AUTHORIZATION";
}
