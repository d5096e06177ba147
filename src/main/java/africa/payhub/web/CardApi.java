package africa.payhub.web;

import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.Payment;
import africa.payhub.payment.PaymentViews;
import africa.payhub.provider.CardCharges;
import africa.payhub.security.Caller;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/payments/{paymentId}/card {"pan", "expiryMonth", "expiryYear", "cvv", "pin"}}: the card
 * for a card collection, charged at once and forgotten (never stored, logged or repeated in an answer);
 * the answer is the payment afterwards. Once per payment: a second post is a 409.
 */
@Component("cardApi")
public class CardApi {

    private final CardCharges cards;
    private final PaymentViews views;

    public CardApi(CardCharges cards, PaymentViews views) {
        this.cards = cards;
        this.views = views;
    }

    public void charge(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        if (caller.clientScope() == null) {
            throw Refusal.forbidden("a card is posted by the client whose customer pays");
        }
        String paymentId = exchange.getMessage().getHeader("paymentId", String.class);
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        exchange.getMessage().setBody(null);
        CardCharges.Card card;
        try {
            JsonNode body;
            try {
                body = Json.parse(raw);
            } catch (Exception e) {
                throw Refusal.invalid("body", "must be JSON: {\"pan\", \"expiryMonth\", \"expiryYear\", \"cvv\", \"pin\"}");
            }
            if (body == null || !body.isObject()) {
                throw Refusal.invalid("body", "must be a JSON object");
            }
            card = new CardCharges.Card(text(body, "pan"), text(body, "expiryMonth"), text(body, "expiryYear"),
                    text(body, "cvv"), text(body, "pin"));
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
        Payment p = cards.charge(paymentId, caller.clientScope(), card);
        PaymentApi.respond(exchange, 200, views.view(p));
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || !v.isTextual() ? null : v.asText();
    }
}
