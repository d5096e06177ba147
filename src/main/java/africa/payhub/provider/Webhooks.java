package africa.payhub.provider;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.canonical.Refusal;
import africa.payhub.canonical.Sensitive;
import africa.payhub.config.HubProperties;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.config.Secret;
import africa.payhub.data.DataRequestService;
import africa.payhub.data.DataTimeline;
import africa.payhub.data.EchoedTokens;
import africa.payhub.payment.Timeline;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.InboundEventRules;

/**
 * Provider webhooks: verified over the raw request bytes as the provider's declaration says (constant-time
 * comparison), then recorded in {@code provider_webhooks} with what they did.
 */
@Component("webhooks")
public class Webhooks {

    static final String SHA = "hubWebhookSha";
    static final String REMOTE = "hubWebhookRemote";

    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

    private final ProviderCatalog providers;
    private final JdbcClient jdbc;
    private final Timeline timeline;
    private final Environment env;
    private final africa.payhub.payment.PaymentStore payments;
    private final ApplicationContext context;
    private final EchoedTokens tokens;
    private final DataTimeline dataTimeline;
    private final InboundEventRules rules;
    private final DataRequestService dataRequests;
    private final ProviderResources resources;
    private final africa.payhub.config.ClientRegistry clients;

    public Webhooks(ProviderCatalog providers, JdbcClient jdbc, Timeline timeline, Environment env,
                    africa.payhub.payment.PaymentStore payments, ApplicationContext context, EchoedTokens tokens,
                    DataTimeline dataTimeline, InboundEventRules rules, DataRequestService dataRequests,
                    ProviderResources resources, africa.payhub.config.ClientRegistry clients) {
        this.resources = resources;
        this.clients = clients;
        this.providers = providers;
        this.tokens = tokens;
        this.dataTimeline = dataTimeline;
        this.rules = rules;
        this.dataRequests = dataRequests;
        this.context = context;
        this.payments = payments;
        this.jdbc = jdbc;
        this.timeline = timeline;
        this.env = env;
    }

    /** Verifies the signature over the exact bytes received; a forged or unsigned webhook is refused with 401. */
    public void verify(String provider, Exchange exchange) {
        Message msg = exchange.getMessage();
        byte[] body = msg.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        String remote = remoteAddress(exchange);
        exchange.setProperty(REMOTE, remote);
        exchange.setProperty(SHA, Json.sha256(body));
        Map<String, String> headers = new TreeMap<>();
        msg.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v == null ? null : v.toString()));
        Provider account = providers.provider(provider)
                .orElseThrow(() -> Refusal.notFound("no provider " + provider));
        Set<String> allowed = allowedIps(provider);
        if (!allowed.isEmpty() && !allowed.contains(remote)) {
            save(provider, false, "REJECTED_SOURCE", null, null, exchange, null);
            throw Refusal.forbidden("webhooks for " + provider + " are not accepted from this address");
        }
        if ("echoed-token".equals(account.declaration().webhooks().verification())) {
            verifyEchoedToken(provider, account, body, exchange);
        } else if (!verified(account, body, headers)) {
            save(provider, false, "REJECTED_SIGNATURE", null, null, exchange, null);
            LOG.warn("Refused a {} webhook with a missing or wrong signature from {}", provider, remote);
            throw Refusal.unauthenticated("webhook signature missing or invalid");
        }
        JsonNode event;
        try {
            event = Json.answer(body); // what the provider signed, read as its document reads it
        } catch (java.io.IOException e) {
            event = null;
        }
        if (event == null || !event.isObject()) {
            save(provider, true, "REJECTED_MALFORMED", null, null, exchange, null);
            throw Refusal.invalid("body", "a signed " + provider + " webhook must be a JSON object");
        }
        // verified: from here on the parsed event travels, the bytes were only needed for the signature
        msg.setBody(event);
    }

    /**
     * {@code echoed-token}: the body field the declaration names carries the token the hub sent with the
     * request; hashed and compared in constant time with the hash stored for the request it names. An
     * unknown token is refused (401), as is a used one, unless the body is exactly the one that settled the
     * request (a duplicate delivery: acknowledged, changes nothing). Sets {@code hubDataRequestId}.
     */
    private void verifyEchoedToken(String provider, Provider account, byte[] body, Exchange exchange) {
        JsonNode parsed;
        try {
            parsed = Json.answer(body);
        } catch (java.io.IOException | RuntimeException e) {
            parsed = null;
        }
        String field = account.declaration().webhooks().token() == null ? "signature"
                : account.declaration().webhooks().token().field();
        JsonNode presented = parsed == null ? null : parsed.get(field);
        Optional<EchoedTokens.Claim> claim = presented == null || !presented.isTextual() ? Optional.empty()
                : tokens.verify(provider, presented.textValue());
        if (claim.isEmpty()) {
            save(provider, false, "REJECTED_TOKEN", null, null, exchange, null);
            LOG.warn("Refused a {} webhook with a missing or unknown echoed token from {}", provider, exchange.getProperty(REMOTE));
            throw Refusal.unauthenticated("webhook token missing or unknown");
        }
        exchange.setProperty(DataSteps.DATA_REQUEST_ID, claim.get().dataRequestId());
        if (claim.get().used() && !exchange.getProperty(SHA, String.class).equals(claim.get().webhookSha256())) {
            save(provider, false, "REJECTED_TOKEN_USED", null, null, exchange, null);
            dataTimeline.record(claim.get().dataRequestId(), "WEBHOOK_REFUSED", provider + ":webhook",
                    Json.object().put("reason", "its token was already used"));
            LOG.warn("Refused a {} webhook reusing the token of settled data request {}", provider, claim.get().dataRequestId());
            throw Refusal.unauthenticated("webhook token already used");
        }
    }

    /** Sets {@code hubEventKey}: the mapping's eventKey, or the body's hash when the mapping gives none. */
    public void eventKey(String provider, Exchange exchange) {
        JsonNode outcome = Json.toNode(exchange.getMessage().getBody());
        String key = outcome.path("eventKey").asText("");
        if (key.isBlank()) {
            key = "sha256:" + exchange.getProperty(SHA, String.class);
        }
        // the repository keeps at most 100 characters per key
        exchange.setProperty("hubEventKey", key.length() > 90 || Sensitive.containsPan(key)
                ? provider + ":" + Json.sha256(key) : provider + ":" + key);
    }

    /** An event key as a table keeps it: one holding something shaped like a card number only as its digest. */
    private static String storable(String eventKey) {
        return eventKey != null && Sensitive.containsPan(eventKey) ? "sha256:" + Json.sha256(eventKey) : eventKey;
    }

    /**
     * De-duplicates, applies and records a verified webhook (body: the mapping's outcome) in one
     * transaction: its event key, the payment's change (with its callback) and the record of what it did
     * commit together or not at all. A concurrent copy waits on the key and then finds it taken.
     */
    @Transactional
    public void apply(String provider, Exchange exchange) {
        String key = exchange.getProperty("hubEventKey", String.class);
        boolean first = jdbc.sql("""
                        INSERT INTO camel_messageprocessed (processorname, messageid, createdat)
                        VALUES ('provider-webhooks', :key, now()) ON CONFLICT DO NOTHING""")
                .param("key", key).update() == 1;
        String dataRequestId = exchange.getProperty(DataSteps.DATA_REQUEST_ID, String.class);
        if (first && dataRequestId != null) {
            // its echoed token named a data request: the webhook settles that request
            exchange.setProperty(PaymentSteps.WEBHOOK_RESULT, dataRequests.applyWebhook(dataRequestId,
                    Outcome.from(exchange.getMessage().getBody()), exchange.getProperty(SHA, String.class)));
        } else if (first) {
            Outcome outcome = Outcome.from(exchange.getMessage().getBody());
            InboundEventRules.WebhookResult result = outcome.json().path("into").isObject() ? reported(provider, outcome)
                    : outcome.kind() == Outcome.Kind.NOTICE ? rules.applyNotice(provider, outcome)
                    : rules.applyWebhook(provider, outcome);
            exchange.setProperty(PaymentSteps.WEBHOOK_RESULT, result.result());
            if (result.paymentId() != null) {
                exchange.setProperty(PaymentSteps.PAYMENT_ID, result.paymentId());
            }
        } else {
            exchange.setProperty(Exchange.DUPLICATE_MESSAGE, true);
        }
        record(provider, exchange);
    }

    /**
     * Money arriving into a recorded thing ({@code into: {record, key}}): a payment of its own for the thing's
     * client, of the operation its declaration names ({@code records.<record>.payments}), called back where
     * the thing's recorded {@code callbackUrl} (or the client's configured one) says. An unknown thing, or one
     * whose declaration makes no payments, is UNMATCHED: recorded for an operator.
     */
    private InboundEventRules.WebhookResult reported(String provider, Outcome outcome) {
        JsonNode into = outcome.json().get("into");
        String record = into.path("record").asText("");
        ProviderDeclaration.Recorded declared = providers.require(provider).declaration().records().get(record);
        Optional<ProviderResources.Row> row = declared == null || declared.payments() == null ? Optional.empty()
                : resources.findAnyOwner(provider, record, into.path("key").asText(""));
        if (row.isEmpty()) {
            LOG.warn("Verified {} webhook for money into unknown {} {}", provider, record, Sensitive.maskPans(into.path("key").asText()));
            return new InboundEventRules.WebhookResult("UNMATCHED", null);
        }
        String callbackUrl = row.get().detail() == null ? null : row.get().detail().path("callbackUrl").asText(null);
        if (callbackUrl == null) {
            callbackUrl = clients.client(row.get().owner()).map(HubProperties.Client::callbackUrl).orElse(null);
        }
        return rules.applyReported(provider, row.get().owner(), declared.payments(), callbackUrl, into, outcome);
    }

    /** Records the verified webhook (body: the mapping's outcome) and what it did to the payment. */
    void record(String provider, Exchange exchange) {
        boolean duplicate = exchange.getProperty(Exchange.DUPLICATE_MESSAGE, false, Boolean.class);
        String result = duplicate ? "DUPLICATE" : exchange.getProperty(PaymentSteps.WEBHOOK_RESULT, "IGNORED", String.class);
        JsonNode outcome = Json.toNode(exchange.getMessage().getBody());
        String paymentId = exchange.getProperty(PaymentSteps.PAYMENT_ID, String.class);
        if (paymentId == null && outcome.hasNonNull("reference")) {
            paymentId = payments.findByProviderReference(provider, outcome.get("reference").asText())
                    .map(africa.payhub.payment.Payment::id).orElse(null);
        }
        String eventKey = storable(outcome.path("eventKey").asText(null));
        String dataRequestId = exchange.getProperty(DataSteps.DATA_REQUEST_ID, String.class);
        if (dataRequestId != null && outcome.isObject()) {
            // a data result is kept once, with its request, not in every record of its delivery
            ObjectNode brief = ((ObjectNode) outcome).deepCopy();
            brief.remove("result");
            outcome = brief;
        }
        save(provider, true, result, eventKey, paymentId, exchange, outcome);
        if (paymentId != null) {
            timeline.record(paymentId, "WEBHOOK", provider + ":webhook", Json.object().put("result", result)
                    .put("eventKey", eventKey).set("outcome", outcome));
        }
        if (dataRequestId != null) {
            dataTimeline.record(dataRequestId, "WEBHOOK", provider + ":webhook", Json.object().put("result", result)
                    .put("eventKey", eventKey).set("outcome", outcome));
        }
        Message msg = exchange.getMessage();
        msg.removeHeaders("*");
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
        msg.setBody("{\"received\":true,\"result\":\"" + result + "\"}");
    }

    /** Verified webhooks no payment matched in full (UNMATCHED, PARTLY_MATCHED), newest first: an operator's list. */
    public com.fasterxml.jackson.databind.node.ArrayNode unmatched(String provider, int limit) {
        com.fasterxml.jackson.databind.node.ArrayNode out = Json.NODES.arrayNode();
        jdbc.sql("""
                        SELECT id, provider, received_at, outcome, event_key, payment_id, CAST(detail AS text) AS detail
                        FROM provider_webhooks
                        WHERE signature_valid AND outcome IN ('UNMATCHED', 'PARTLY_MATCHED')
                          AND (CAST(:provider AS text) IS NULL OR provider = :provider)
                        ORDER BY id DESC LIMIT :limit""")
                .param("provider", provider).param("limit", limit)
                .query((rs, n) -> {
                    ObjectNode w = out.addObject();
                    w.put("webhookId", rs.getLong("id"));
                    w.put("provider", rs.getString("provider"));
                    w.put("receivedAt", rs.getTimestamp("received_at").toInstant().toString());
                    w.put("outcome", rs.getString("outcome"));
                    w.put("eventKey", rs.getString("event_key"));
                    if (rs.getString("payment_id") != null) {
                        w.put("paymentId", rs.getString("payment_id"));
                    }
                    if (rs.getString("detail") != null) {
                        w.set("detail", Json.toNode(rs.getString("detail")));
                    }
                    return w;
                }).list();
        return out;
    }

    private void save(String provider, boolean valid, String outcome, String eventKey, String paymentId,
                      Exchange exchange, JsonNode detail) {
        jdbc.sql("""
                        INSERT INTO provider_webhooks (provider, signature_valid, outcome, event_key, payment_id, remote_addr,
                            body_sha256, detail, data_request_id)
                        VALUES (:provider, :valid, :outcome, :key, :payment, :remote, :sha, CAST(:detail AS jsonb), :dataRequest)""")
                .param("dataRequest", exchange.getProperty(DataSteps.DATA_REQUEST_ID, String.class))
                .param("provider", provider).param("valid", valid).param("outcome", outcome).param("key", eventKey)
                .param("payment", paymentId).param("remote", exchange.getProperty(REMOTE, String.class))
                .param("sha", exchange.getProperty(SHA, String.class))
                .param("detail", detail == null ? null : Json.write(Redactor.redact(detail)))
                .update();
    }

    /**
     * The declared check ({@code webhooks.verification}): an HMAC of the raw bytes with a setting as key,
     * compared in constant time; a named bean; or none, when the provider sends no webhooks.
     */
    private boolean verified(Provider provider, byte[] body, Map<String, String> headers) {
        ProviderDeclaration.Webhooks w = provider.declaration().webhooks();
        switch (w.verification()) {
            case "hmac" -> {
                ProviderDeclaration.Hmac h = w.hmac();
                String presented = headers.get(h.header().toLowerCase(Locale.ROOT));
                if (presented == null || presented.isBlank()) {
                    return false;
                }
                presented = presented.trim();
                String prefix = h.prefix() == null ? "" : h.prefix();
                if (!presented.startsWith(prefix)) {
                    return false;
                }
                byte[] given;
                try {
                    given = "base64".equals(h.encoding()) ? Base64.getDecoder().decode(presented.substring(prefix.length()))
                            : HexFormat.of().parseHex(presented.substring(prefix.length()).toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    return false;
                }
                Secret key = provider.credential(h.key());
                if (key.isBlank()) {
                    return false;
                }
                return MessageDigest.isEqual(hmac(h.algorithm(), key.bytes(), body), given);
            }
            case "bean" -> {
                return context.getBean(w.bean(), WebhookVerifier.class).verify(provider, body, headers);
            }
            default -> {
                return false;
            }
        }
    }

    static byte[] hmac(String algorithm, byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }

    private Set<String> allowedIps(String provider) {
        String list = env.getProperty("hub.webhooks." + provider + ".allowed-ips", "");
        return list.isBlank() ? Set.of() : Set.of(list.trim().split("\\s*,\\s*"));
    }

    /**
     * The addresses a provider's webhooks come from, as configured ({@code hub.webhooks.<provider>.allowed-ips})
     * or declared ({@code webhooks.senders}); empty for an unknown provider or one that names none.
     */
    public Set<String> senders(String provider) {
        Set<String> configured = allowedIps(provider);
        List<String> declared = providers.provider(provider).map(p -> p.declaration().webhooks())
                .map(ProviderDeclaration.Webhooks::senders).orElse(List.of());
        if (declared.isEmpty()) {
            return configured;
        }
        Set<String> all = new java.util.HashSet<>(configured);
        all.addAll(declared);
        return all;
    }

    static String remoteAddress(Exchange exchange) {
        if (exchange.getIn() instanceof PlatformHttpMessage m && m.getRequest() != null) {
            return m.getRequest().getRemoteAddr();
        }
        HttpServletRequest request = exchange.getIn().getHeader("CamelHttpServletRequest", HttpServletRequest.class);
        return request == null ? null : request.getRemoteAddr();
    }
}
