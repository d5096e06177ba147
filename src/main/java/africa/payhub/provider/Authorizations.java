package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.Batch;
import africa.payhub.payment.Batches;
import africa.payhub.payment.Decision;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.Payment;
import africa.payhub.payment.AuthorizationRules;
import africa.payhub.payment.PaymentViews;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Transfers a provider holds until they are authorized with a code (Monnify's OTP): the code is added to
 * the provider's authorization call ({@code authorize} in the operation's declaration) and forgotten; it
 * never reaches the timeline, a table or a log. A code the provider refuses leaves the payment waiting
 * (422); a code it accepts moves the payment by the provider's answer, as a status query would.
 * Who may authorize: {@code hub.payments.authorization-by} ({@code client}, {@code operator} or {@code both}).
 */
@Component("authorizations")
public class Authorizations {

    private final AuthorizationRules rules;
    private final PaymentViews views;
    private final Batches batches;
    private final ProviderCatalog providers;
    private final Outcomes outcomes;
    private final ProducerTemplate template;
    private final String allowed;

    public Authorizations(AuthorizationRules rules, PaymentViews views, Batches batches, ProviderCatalog providers,
                          Outcomes outcomes,
                          ProducerTemplate template,
                          @Value("${hub.payments.authorization-by:client}") String allowed) {
        this.rules = rules;
        this.views = views;
        this.batches = batches;
        this.providers = providers;
        this.outcomes = outcomes;
        this.template = template;
        this.allowed = allowed;
    }

    /** Submits the code; the payment as it is afterwards. */
    public Payment authorize(String paymentId, String clientScope, boolean operator, String code) {
        if (code == null || !code.matches("[A-Za-z0-9]{4,12}")) {
            throw Refusal.invalid("otp", "is required: the 4-12 letters or digits the provider sent");
        }
        String flow = flow(paymentId, clientScope, false);
        Call call = rules.authorization(paymentId, clientScope, operator, flow, allowed);
        ObjectNode input = call.input().deepCopy();
        input.set("authorization", Json.object().put("code", code));
        JsonNode answer = send(call, flow, input);
        // the answer is the authorizer's doing: its moves are recorded as theirs, not a status query's
        rules.applyAuthorization(paymentId, Outcome.from(answer),
                AuthorizationRules.authorizer(views.visible(paymentId, clientScope), operator));
        return views.visible(paymentId, clientScope);
    }

    /** Submits a batch's code; every item that waited takes the provider's answer. The batch as it is afterwards. */
    public Batch authorizeBatch(String batchId, String clientScope, boolean operator, String code) {
        if (code == null || !code.matches("[A-Za-z0-9]{4,12}")) {
            throw Refusal.invalid("otp", "is required: the 4-12 letters or digits the provider sent");
        }
        Batch batch = batches.visible(batchId, clientScope);
        String flow = providers.authorizationFlow(batch.provider(), batch.operation(), false).orElseThrow(() ->
                Refusal.conflict(batch.provider() + " takes no authorization codes for " + batch.operation()));
        Decision.BatchSend send = rules.batchAuthorization(batchId, clientScope, operator, flow, allowed);
        ObjectNode input = send.call().input().deepCopy();
        input.set("authorization", Json.object().put("code", code));
        JsonNode answer = send(send.call(), flow, input);
        Outcome outcome = Outcome.from(answer);
        for (String id : send.items()) {
            rules.applyAuthorization(id, outcome, AuthorizationRules.authorizer(views.visible(id, clientScope), operator));
        }
        return batches.visible(batchId, clientScope);
    }

    /** Asks the provider to send a new code; its message. */
    public String resend(String paymentId, String clientScope, boolean operator) {
        String flow = flow(paymentId, clientScope, true);
        Call call = rules.authorization(paymentId, clientScope, operator, flow, allowed);
        JsonNode answer = send(call, flow, call.input());
        return answer.path("message").asText("a new code was requested");
    }

    private String flow(String paymentId, String clientScope, boolean resend) {
        Payment p = views.visible(paymentId, clientScope);
        return providers.authorizationFlow(p.provider(), p.operation(), resend).orElseThrow(() -> Refusal.conflict(
                p.provider() + " takes no authorization codes for " + p.operation()));
    }

    private JsonNode send(Call call, String flow, JsonNode input) {
        boolean batch = call.input().has("batch");
        Exchange result = template.send("direct:" + flow, ex -> {
            if (!batch) {
                ex.setProperty(HubKeys.PAYMENT_ID, call.paymentId());
            }
            ex.getMessage().setBody(input);
        });
        Exception e = result.getException();
        if (e instanceof ProviderRejectedException refused) {
            Outcomes.Rejection r = outcomes.classify(refused);
            throw Refusal.unprocessable(call.provider() + " did not accept it"
                    + (r.message() == null ? "" : ": " + r.message()) + "; the payment still waits for authorization");
        }
        if (e != null) {
            throw Refusal.unavailable(call.provider() + " could not be reached (" + Outcomes.describe(e)
                    + "); the payment still waits for authorization, try again");
        }
        return Json.toNode(result.getMessage().getBody());
    }
}
