package africa.payhub.provider;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.canonical.Sensitive;
import africa.payhub.exchange.HubKeys;
import africa.payhub.payment.InboundEventRules;
import africa.payhub.payment.Outcome;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The steps of a provider's webhook route ({@code provider-webhook}): {@link #verify} (its source, then its
 * signature over the raw bytes: {@link WebhookSenders}, {@link WebhookSignatures}, or the echoed token of
 * {@link DataRequestWebhooks}), {@link #eventKey}, and {@link #apply}, which de-duplicates, applies
 * ({@link PaymentWebhooks} or {@link DataRequestWebhooks}) and records it ({@link WebhookRecords}) in one
 * transaction, then answers the provider. What the steps learn travels in one {@link InboundWebhook}
 * ({@code hubWebhook}).
 */
@Component("webhooks")
public class Webhooks {

    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

    private final ProviderCatalog providers;
    private final WebhookSenders senders;
    private final WebhookSignatures signatures;
    private final WebhookRecords records;
    private final PaymentWebhooks payments;
    private final DataRequestWebhooks dataRequests;

    public Webhooks(ProviderCatalog providers, WebhookSenders senders, WebhookSignatures signatures,
                    WebhookRecords records, PaymentWebhooks payments, DataRequestWebhooks dataRequests) {
        this.providers = providers;
        this.senders = senders;
        this.signatures = signatures;
        this.records = records;
        this.payments = payments;
        this.dataRequests = dataRequests;
    }

    /** Verifies the signature over the exact bytes received; a forged or unsigned webhook is refused with 401. */
    public void verify(String provider, Exchange exchange) {
        Message msg = exchange.getMessage();
        byte[] body = msg.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        String remote = WebhookSenders.remoteAddress(exchange);
        InboundWebhook webhook = received(exchange, remote, body);
        Map<String, String> headers = new TreeMap<>();
        msg.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v == null ? null : v.toString()));
        Provider account = providers.provider(provider)
                .orElseThrow(() -> Refusal.notFound("no provider " + provider));
        if (!senders.accepts(provider, remote)) {
            records.refused(provider, false, "REJECTED_SOURCE", webhook);
            throw Refusal.forbidden("webhooks for " + provider + " are not accepted from this address");
        }
        if ("echoed-token".equals(account.declaration().webhooks().verification())) {
            dataRequests.verifyEchoedToken(provider, account, body, webhook);
        } else {
            HmacSignature.Verdict verdict = signatures.verified(account, body, headers);
            if (verdict == HmacSignature.Verdict.STALE) {
                records.refused(provider, false, "REJECTED_TIMESTAMP", webhook);
                LOG.warn("Refused a {} webhook signed outside its tolerance window from {}", provider, remote);
                throw Refusal.unauthenticated("webhook timestamp outside the tolerance window");
            }
            if (verdict != HmacSignature.Verdict.VALID) {
                records.refused(provider, false, "REJECTED_SIGNATURE", webhook);
                LOG.warn("Refused a {} webhook with a missing or wrong signature from {}", provider, remote);
                throw Refusal.unauthenticated("webhook signature missing or invalid");
            }
        }
        JsonNode event;
        try {
            event = Json.answer(body); // what the provider signed, read as its document reads it
        } catch (java.io.IOException e) {
            event = null;
        }
        if (event == null || !event.isObject()) {
            records.refused(provider, true, "REJECTED_MALFORMED", webhook);
            throw Refusal.invalid("body", "a signed " + provider + " webhook must be a JSON object");
        }
        // verified: from here on the parsed event travels, the bytes were only needed for the signature
        msg.setBody(event);
    }

    /** A webhook (or a partner's confirmation) just received: its source and the digest of its bytes. */
    static InboundWebhook received(Exchange exchange, String remote, byte[] body) {
        InboundWebhook webhook = new InboundWebhook(remote, Json.sha256(body));
        exchange.setProperty(HubKeys.WEBHOOK, webhook);
        return webhook;
    }

    /** Its event key: the mapping's eventKey, or the body's hash when the mapping gives none. */
    public void eventKey(String provider, Exchange exchange) {
        InboundWebhook webhook = exchange.getProperty(HubKeys.WEBHOOK, InboundWebhook.class);
        JsonNode outcome = Json.toNode(exchange.getMessage().getBody());
        String key = outcome.path("eventKey").asText("");
        if (key.isBlank()) {
            key = "sha256:" + webhook.sha256();
        }
        // the repository keeps at most 100 characters per key
        webhook.eventKey(key.length() > 90 || Sensitive.containsPan(key)
                ? provider + ":" + Json.sha256(key) : provider + ":" + key);
    }

    /**
     * De-duplicates, applies and records a verified webhook (body: the mapping's outcome) in one
     * transaction: its event key, the payment's change (with its callback) and the record of what it did
     * commit together or not at all. A concurrent copy waits on the key and then finds it taken.
     */
    @Transactional
    public void apply(String provider, Exchange exchange) {
        InboundWebhook webhook = exchange.getProperty(HubKeys.WEBHOOK, InboundWebhook.class);
        boolean first = records.firstOf(webhook.eventKey());
        if (first && webhook.dataRequestId() != null) {
            // its echoed token named a data request: the webhook settles that request
            webhook.result(dataRequests.apply(webhook, Outcome.from(exchange.getMessage().getBody())));
        } else if (first) {
            InboundEventRules.WebhookResult result = payments.apply(provider, Outcome.from(exchange.getMessage().getBody()));
            webhook.result(result.result());
            if (result.paymentId() != null) {
                webhook.paymentId(result.paymentId());
            }
        } else {
            exchange.setProperty(Exchange.DUPLICATE_MESSAGE, true);
        }
        String result = !first ? "DUPLICATE" : webhook.result() == null ? "IGNORED" : webhook.result();
        records.recorded(provider, result, Json.toNode(exchange.getMessage().getBody()), webhook);
        answer(exchange.getMessage(), result);
    }

    /** The provider's answer: 200 once the webhook is recorded, with what it did. */
    private static void answer(Message msg, String result) {
        msg.removeHeaders("*");
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
        msg.setBody("{\"received\":true,\"result\":\"" + result + "\"}");
    }
}
