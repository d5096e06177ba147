package africa.payhub.web;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.Payment;
import africa.payhub.payment.PaymentService;
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
    private final PaymentService payments;

    public AuthorizationApi(Authorizations authorizations, PaymentService payments) {
        this.authorizations = authorizations;
        this.payments = payments;
    }

    public void authorize(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        JsonNode body;
        try {
            body = Json.parse(exchange.getMessage().getBody(byte[].class));
        } catch (Exception e) {
            throw Refusal.invalid("body", "must be JSON: {\"otp\": \"...\"}");
        }
        String code = body == null || !body.path("otp").isTextual() ? null : body.path("otp").asText();
        Payment p = authorizations.authorize(paymentId(exchange), caller.clientScope(), caller.operator(), code);
        PaymentApi.respond(exchange, 200, payments.view(p));
    }

    public void resend(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        String message = authorizations.resend(paymentId(exchange), caller.clientScope(), caller.operator());
        PaymentApi.respond(exchange, 202, Json.object().put("message", message));
    }

    private static String paymentId(Exchange exchange) {
        String id = exchange.getMessage().getHeader("paymentId", String.class);
        if (id == null || id.isBlank()) {
            throw Refusal.invalid("paymentId", "is required");
        }
        return id;
    }
}
