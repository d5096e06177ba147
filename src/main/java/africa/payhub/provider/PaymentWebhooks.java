package africa.payhub.provider;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Sensitive;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.HubProperties;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.payment.InboundEventRules;
import africa.payhub.payment.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Verified webhooks about money: a payment's status, a notice, or money reported into a recorded thing (a
 * reserved account), handed to the money rules ({@link InboundEventRules}).
 */
@Component("paymentWebhooks")
public class PaymentWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentWebhooks.class);

    private final ProviderCatalog providers;
    private final InboundEventRules rules;
    private final ProviderResources resources;
    private final ClientRegistry clients;

    public PaymentWebhooks(ProviderCatalog providers, InboundEventRules rules, ProviderResources resources,
                           ClientRegistry clients) {
        this.providers = providers;
        this.rules = rules;
        this.resources = resources;
        this.clients = clients;
    }

    /** Applies a verified webhook's outcome (the mapping's) to the payment it concerns. */
    InboundEventRules.WebhookResult apply(String provider, Outcome outcome) {
        return outcome.json().path("into").isObject() ? reported(provider, outcome)
                : outcome.kind() == Outcome.Kind.NOTICE ? rules.applyNotice(provider, outcome)
                : rules.applyWebhook(provider, outcome);
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
}
