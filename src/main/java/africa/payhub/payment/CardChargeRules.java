package africa.payhub.payment;

import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.stereotype.Service;

/**
 * A card posted to a collection waiting for one: charged once per payment, whatever comes of the first charge.
 * The card itself never passes through here.
 */
@Service
public class CardChargeRules {

    private final PaymentStore store;
    private final PaymentViews views;
    private final CallInputs inputs;

    public CardChargeRules(PaymentStore store, PaymentViews views, CallInputs inputs) {
        this.store = store;
        this.views = views;
        this.inputs = inputs;
    }

    /** The reason code of a collection waiting for the card its client posts to it. */
    public static final String AWAITING_CARD = "AWAITING_CARD";

    /**
     * A card about to be charged for a payment ({@code POST /api/v1/payments/{id}/card}): the call to make
     * with {@code flow}. Once per payment: under the payment's row lock, a payment that waits for a card and
     * had none sent is marked ({@code CARD_SUBMITTED} in its timeline; {@code CARD_NOT_SENT} when the call
     * certainly never left) before the call, so a second post, a
     * concurrent one included, is refused (409) whatever came of the first: an unknown outcome is resolved by
     * status query, never by sending the card again. The card itself never passes through here.
     */
    @Transactional
    public Call cardCharge(String id, String clientScope, String flow) {
        views.visible(id, clientScope);
        Payment p = store.lock(id).orElseThrow();
        if (store.countEvents(id, "CARD_SUBMITTED") > store.countEvents(id, "CARD_NOT_SENT")) {
            throw Refusal.conflict("payment " + id + " had a card sent to " + p.provider() + " already; its outcome"
                    + " comes from the provider (a card is never sent twice for one payment): create a new payment to try another card");
        }
        if (p.status() != PaymentStatus.PENDING || p.providerTransactionId() == null
                || !"CARD".equals(Json.toNode(p.message()).path("method").asText())) {
            throw Refusal.conflict("payment " + id + " is " + p.status() + (p.reasonCode() == null ? "" : " (" + p.reasonCode() + ")")
                    + ": it is not a card collection waiting for its card");
        }
        store.addEvent(id, "CARD_SUBMITTED", clientScope == null ? "operator" : "client:" + clientScope, null, null,
                Json.write(Json.object().put("flow", flow)));
        store.updateReason(id, "the card was sent to " + p.provider() + "; waiting for its answer", null);
        return inputs.call(store.find(id).orElseThrow(), Phase.POLL, flow);
    }

    /** The card charge certainly never left the hub: the payment waits for a card again (the card may be posted again). */
    @Transactional
    public void cardNotSent(String id, String reason) {
        Payment p = store.lock(id).orElseThrow();
        if (p.status() == PaymentStatus.PENDING) {
            store.addEvent(id, "CARD_NOT_SENT", "hub", null, null, Json.write(Json.object().put("reason", reason)));
            store.updateReason(id, "waiting for the card: POST /api/v1/payments/" + id + "/card", AWAITING_CARD);
        }
    }
}
