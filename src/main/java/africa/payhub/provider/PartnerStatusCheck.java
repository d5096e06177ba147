package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import africa.payhub.config.ProviderDeclaration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.payment.Payment;
import africa.payhub.payment.PaymentViews;
import africa.payhub.payment.PaymentStore;
import africa.payhub.payment.Timeline;
import africa.payhub.security.BasicCredentials;
import africa.payhub.security.LoginAttempts;
import africa.payhub.canonical.Refusal;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The Status Check endpoint a provider calls on the hub to reconcile (Connect's "what we expect from you"):
 * HTTP Basic with the credentials configured for the provider's calls, the reference read through
 * {@code <provider>/status-check.request.jslt}, the answer shaped by {@code status-check.response.jslt}
 * from the hub's own record. An unknown reference is a clear "not found" answer; every call on a known
 * payment goes into its timeline.
 */
@Component("partnerStatusCheck")
public class PartnerStatusCheck {

    private final ProviderCatalog providers;
    private final PaymentStore store;
    private final PaymentViews views;
    private final Mappings mappings;
    private final Timeline timeline;
    private final Webhooks webhooks;

    /** A partner may ask as often as it likes; its questions are recorded this many times per payment. */
    static final int MAX_RECORDED = 20;

    private final LoginAttempts attempts;

    public PartnerStatusCheck(ProviderCatalog providers, PaymentStore store, PaymentViews views, Mappings mappings,
                              Timeline timeline, Webhooks webhooks, LoginAttempts attempts) {
        this.attempts = attempts;
        this.webhooks = webhooks;
        this.providers = providers;
        this.store = store;
        this.views = views;
        this.mappings = mappings;
        this.timeline = timeline;
    }

    public void check(String provider, Exchange exchange) {
        authenticate(provider, exchange.getMessage().getHeader("Authorization", String.class),
                WebhookSenders.remoteAddress(exchange));
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        JsonNode request;
        try {
            request = mappings.transform(provider + "/status-check.request", raw);
        } catch (RuntimeException e) {
            throw Refusal.invalid("body", "must be JSON naming a reference");
        }
        String reference = request.path("reference").asText("");
        if (reference.isBlank()) {
            throw Refusal.invalid("reference", "is required");
        }
        if (request.path("confirmation").isObject()) {
            // a transaction confirmation, from the authenticated provider: applied like a verified webhook
            // (de-duplicated, applied and recorded in one transaction)
            Webhooks.received(exchange, null, raw == null ? new byte[0] : raw);
            exchange.getMessage().setBody(request.get("confirmation"));
            webhooks.eventKey(provider, exchange);
            webhooks.apply(provider, exchange);
        }
        Payment p = store.findByProviderReference(provider, reference).orElse(null);
        ObjectNode record = Json.object();
        record.put("reference", reference);
        record.put("found", p != null);
        if (p != null) {
            record.set("payment", views.view(p));
            ObjectNode detail = Json.object().put("reference", reference).put("answeredStatus", p.status().name());
            if (request.path("confirmation").isObject()) {
                detail.put("confirmed", request.path("confirmation").path("providerStatus").asText());
                String result = exchange.getProperty(HubKeys.WEBHOOK, InboundWebhook.class).result();
                detail.put("result", result == null ? "DUPLICATE" : result);
            }
            timeline.recordAtMost(p.id(), "PARTNER_STATUS_CHECK", provider + ":status-check", detail, MAX_RECORDED);
        }
        JsonNode answer = mappings.transform(provider + "/status-check.response", record);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(answer));
    }

    /**
     * The credentials the provider's declaration names under {@code inbound.basic}, compared in constant time.
     * Failures lock out as the API's logins do ({@link LoginAttempts}, realm {@code partner:<provider>}): after
     * {@code hub.limits.failed-logins} wrong passwords for one name from one address, that name is refused there
     * (429, even with the right password) for {@code hub.limits.lockout}, and so is any name from an address with
     * {@code failed-logins-per-address} failures.
     */
    private void authenticate(String provider, String header, String address) {
        String realm = "partner:" + provider;
        String user = BasicCredentials.user(header);
        LoginAttempts.Admission admission = null;
        if (user != null) {
            try {
                attempts.requireNotLockedOut(realm, user, address);
                admission = attempts.admit(address);
            } catch (LoginAttempts.Refused e) {
                throw Refusal.tooMany(e.getMessage(), e.retryAfterSeconds());
            }
        }
        try {
            Provider p = providers.provider(provider).orElse(null);
            ProviderDeclaration.Basic inbound = p == null || p.declaration().inbound() == null ? null
                    : p.declaration().inbound().basic();
            if (inbound == null || !BasicCredentials.matches(header, p.credential(inbound.username()).reveal(),
                    p.credential(inbound.password()))) {
                if (user != null) {
                    attempts.failed(realm, user, address, admission);
                }
                throw Refusal.unauthenticated("status check credentials are missing or wrong");
            }
        } finally {
            if (admission != null) {
                admission.close();
            }
        }
        attempts.succeeded(realm, user, address);
    }
}
