package africa.payhub.web;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.Batch;
import africa.payhub.payment.Batches;
import africa.payhub.payment.Payment;
import africa.payhub.payment.PaymentViews;
import africa.payhub.provider.Authorizations;
import africa.payhub.security.Caller;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/payments/{paymentId}/authorization {"otp": "..."}} releases a transfer the provider
 * holds for an authorization code; {@code .../authorization/resend} asks the provider for a new code.
 */
@Component("authorizationApi")
public class AuthorizationApi {

    private final Authorizations authorizations;
    private final PaymentViews views;
    private final Batches batches;

    public AuthorizationApi(Authorizations authorizations, PaymentViews views, Batches batches) {
        this.authorizations = authorizations;
        this.views = views;
        this.batches = batches;
    }

    public void authorize(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        String code = otp(exchange);
        Payment p = authorizations.authorize(paymentId(exchange), caller.clientScope(), caller.operator(), code);
        PaymentApi.respond(exchange, 200, views.view(p));
    }

    public void authorizeBatch(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        String code = otp(exchange);
        String batchId = exchange.getMessage().getHeader("batchId", String.class);
        Batch batch = authorizations.authorizeBatch(batchId, caller.clientScope(), caller.operator(), code);
        PaymentApi.respond(exchange, 200, batches.view(batch, true));
    }

    public void resend(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        String message = authorizations.resend(paymentId(exchange), caller.clientScope(), caller.operator());
        PaymentApi.respond(exchange, 202, Json.object().put("message", message));
    }

    /** The code in the body, {"otp": "..."}; its shape is checked where it is used. */
    private static String otp(Exchange exchange) {
        JsonNode body;
        try {
            body = Json.parse(exchange.getMessage().getBody(byte[].class));
        } catch (Exception e) {
            throw Refusal.invalid("body", "must be JSON: {\"otp\": \"...\"}");
        }
        return body == null || !body.path("otp").isTextual() ? null : body.path("otp").asText();
    }

    private static String paymentId(Exchange exchange) {
        String id = exchange.getMessage().getHeader("paymentId", String.class);
        if (id == null || id.isBlank()) {
            throw Refusal.invalid("paymentId", "is required");
        }
        return id;
    }
}
