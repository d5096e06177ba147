package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.Decision;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.Payment;
import africa.payhub.payment.CardChargeRules;
import africa.payhub.payment.OutcomeRules;
import africa.payhub.payment.PaymentViews;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * A card posted to a collection that waits for one ({@code POST /api/v1/payments/{id}/card}), charged at the
 * provider by the operation's declared {@code card} call and forgotten. PCI DSS: the card travels only in
 * this call's memory and in the exchange that carries it ({@link HubKeys#TRANSIENT}, filled into the
 * request after the request was recorded with placeholders); it never reaches a mapping, the timeline, a
 * table, a log or an error message. A payment is charged once: an unknown outcome is resolved by status
 * query with our reference, never by sending the card again (a second post is refused). A provider that asks
 * for the same card once more (3-D Secure authorized through a call of its own, the operation's declared
 * {@code cardNext}) gets it in the same request, before the card is forgotten.
 */
@Component("cardCharges")
public class CardCharges {

    private final CardChargeRules rules;
    private final OutcomeRules outcomeRules;
    private final PaymentViews views;
    private final ProviderCatalog providers;
    private final ProducerTemplate template;

    public CardCharges(CardChargeRules rules, OutcomeRules outcomeRules, PaymentViews views, ProviderCatalog providers,
                       ProducerTemplate template) {
        this.rules = rules;
        this.outcomeRules = outcomeRules;
        this.views = views;
        this.providers = providers;
        this.template = template;
    }

    /** A card as posted; checked here, its values never repeated in an answer. */
    public record Card(String number, String expiryMonth, String expiryYear, String cvv, String pin) {
        @Override
        public String toString() {
            return "Card[****]";
        }
    }

    /** Charges the card; the payment as it is afterwards (SUCCEEDED, PENDING for an OTP or 3-D Secure, FAILED, ...). */
    public Payment charge(String paymentId, String clientScope, Card card) {
        check(card);
        Payment p = views.visible(paymentId, clientScope);
        String flow = providers.cardFlow(p.provider(), p.operation()).orElseThrow(() ->
                Refusal.conflict(p.provider() + " takes no cards for " + p.operation()));
        Call call = rules.cardCharge(paymentId, clientScope, flow);
        ObjectNode values = Json.object();
        values.set("card", Json.object().put("number", card.number()).put("expiryMonth", card.expiryMonth())
                .put("expiryYear", card.expiryYear()).put("cvv", card.cvv()).put("pin", card.pin()));
        try {
            Outcome outcome = send(flow, call, values, "the card charge ended without an answer");
            if (outcome.kind() == Outcome.Kind.NOT_SENT) {
                rules.cardNotSent(paymentId, outcome.reason());
                throw Refusal.unavailable(p.provider() + " could not be reached; the card was not sent, post it again");
            }
            Optional<ProviderCatalog.CardNext> next = providers.cardNext(p.provider(), p.operation())
                    .filter(n -> n.when().equals(outcome.providerStatus()));
            outcomeRules.applyOutcome(paymentId, Decision.Phase.SEND, outcome);
            if (next.isPresent()) {
                // the provider asks for the same card again (3-D Secure through a call of its own): now, while the
                // card is still in memory; the charge reached it, so a call that never left leaves the payment
                // waiting as the charge's answer said, for its status query
                Outcome then = send(next.get().flow(), call, values, "the card's next call ended without an answer");
                if (then.kind() != Outcome.Kind.NOT_SENT) {
                    outcomeRules.applyOutcome(paymentId, Decision.Phase.SEND, then);
                }
            }
        } finally {
            values.removeAll();
        }
        return views.visible(paymentId, clientScope);
    }

    /** One card call through {@code flow} with the card as transient values: its outcome. */
    private Outcome send(String flow, Call call, ObjectNode values, String noAnswer) {
        Exchange result = template.send("direct:" + flow, ex -> {
            ex.setProperty(HubKeys.PAYMENT_ID, call.paymentId());
            ex.setProperty(HubKeys.TRANSIENT, values);
            ex.getMessage().setBody(call.input().deepCopy());
        });
        return result.getException() != null ? Outcome.from(Outcome.of(Outcome.Kind.UNKNOWN, noAnswer))
                : Outcome.from(Json.toNode(result.getMessage().getBody()));
    }

    /** The card's shape: each problem names the field, never its value. */
    static void check(Card card) {
        // the provider checks the number itself (its test cards include one that fails the Luhn check)
        if (card.number() == null || !card.number().matches("[0-9]{12,19}")) {
            throw Refusal.invalid("pan", "must be the card's 12-19 digit number");
        }
        if (card.expiryMonth() == null || !card.expiryMonth().matches("0[1-9]|1[0-2]")) {
            throw Refusal.invalid("expiryMonth", "must be two digits, 01-12");
        }
        if (card.expiryYear() == null || !card.expiryYear().matches("20[0-9]{2}")) {
            throw Refusal.invalid("expiryYear", "must be four digits, e.g. 2029");
        }
        if (card.cvv() == null || !card.cvv().matches("[0-9]{3,4}")) {
            throw Refusal.invalid("cvv", "must be 3 or 4 digits");
        }
        if (card.pin() != null && !card.pin().matches("[0-9]{4}")) {
            throw Refusal.invalid("pin", "must be 4 digits when given");
        }
    }
}
