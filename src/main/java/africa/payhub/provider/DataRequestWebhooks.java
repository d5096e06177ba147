package africa.payhub.provider;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.data.DataRequestService;
import africa.payhub.data.DataTimeline;
import africa.payhub.data.EchoedTokens;
import africa.payhub.payment.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Webhooks that answer a data request: verified by the token the hub sent with the request, which the
 * provider echoes ({@code webhooks.verification: echoed-token}), and applied to that request.
 */
@Component("dataRequestWebhooks")
public class DataRequestWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(DataRequestWebhooks.class);

    private final EchoedTokens tokens;
    private final DataTimeline dataTimeline;
    private final DataRequestService dataRequests;
    private final WebhookRecords records;

    public DataRequestWebhooks(EchoedTokens tokens, DataTimeline dataTimeline, DataRequestService dataRequests,
                               WebhookRecords records) {
        this.tokens = tokens;
        this.dataTimeline = dataTimeline;
        this.dataRequests = dataRequests;
        this.records = records;
    }

    /**
     * {@code echoed-token}: the body field the declaration names carries the token the hub sent with the
     * request; hashed and compared in constant time with the hash stored for the request it names. An
     * unknown token is refused (401), as is a used one, unless the body is exactly the one that settled the
     * request (a duplicate delivery: acknowledged, changes nothing). Names the request in {@code webhook}.
     */
    void verifyEchoedToken(String provider, Provider account, byte[] body, InboundWebhook webhook) {
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
            records.refused(provider, false, "REJECTED_TOKEN", webhook);
            LOG.warn("Refused a {} webhook with a missing or unknown echoed token from {}", provider, webhook.remote());
            throw Refusal.unauthenticated("webhook token missing or unknown");
        }
        webhook.dataRequestId(claim.get().dataRequestId());
        if (claim.get().used() && !webhook.sha256().equals(claim.get().webhookSha256())) {
            records.refused(provider, false, "REJECTED_TOKEN_USED", webhook);
            dataTimeline.record(claim.get().dataRequestId(), "WEBHOOK_REFUSED", provider + ":webhook",
                    Json.object().put("reason", "its token was already used"));
            LOG.warn("Refused a {} webhook reusing the token of settled data request {}", provider, claim.get().dataRequestId());
            throw Refusal.unauthenticated("webhook token already used");
        }
    }

    /** Settles the data request the webhook's token named with its outcome; what it did. */
    String apply(InboundWebhook webhook, Outcome outcome) {
        return dataRequests.applyWebhook(webhook.dataRequestId(), outcome, webhook.sha256());
    }
}
