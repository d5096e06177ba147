package africa.payhub.provider.waas;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.WaasProperties;
import africa.payhub.payment.PaymentFlow;
import africa.payhub.provider.ProviderResources;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * What the Wallet-as-a-Service needs in place before a wallet or a transaction: the customer's client
 * profile (once per enterprise client and customer) and the client service whose rules govern transactions
 * (configured, or created once). Both are made through the provider's routes ({@code waas-client-create},
 * {@code waas-client-service-create}) and recorded in {@code provider_resources}.
 */
@Component("waasSetup")
public class WaasSetup {

    private static final String PROVIDER = "waas";

    private final ProviderResources resources;
    private final ProducerTemplate template;
    private final WaasProperties properties;

    public WaasSetup(ProviderResources resources, ProducerTemplate template, WaasProperties properties) {
        this.resources = resources;
        this.template = template;
        this.properties = properties;
    }

    /** Adds {@code profile.clientCode} to the call input: the customer's client profile, created if new. */
    public void clientProfile(Exchange exchange) {
        ObjectNode input = (ObjectNode) Json.toNode(exchange.getMessage().getBody());
        String owner = input.path("payment").path("clientId").asText();
        exchange.setProperty("hubClientId", owner);
        JsonNode customer = input.path("message").path("customer");
        String key = customer.hasNonNull("email") ? customer.get("email").asText().toLowerCase(Locale.ROOT)
                : customer.path("phone").asText();
        String code = resources.ensure(PROVIDER, "client-profile", owner, key,
                () -> create("direct:waas-client-create", input, exchange));
        input.set("profile", Json.object().put("clientCode", code));
        exchange.getMessage().setBody(input);
    }

    /** Adds {@code config.clientServiceCode}: the configured client service, or the one the hub created. */
    public void clientService(Exchange exchange) {
        ObjectNode input = (ObjectNode) Json.toNode(exchange.getMessage().getBody());
        String code = properties.clientServiceCode();
        if (code == null || code.isBlank()) {
            code = resources.ensure(PROVIDER, "client-service", "hub", "default", () -> {
                ObjectNode service = Json.object();
                service.set("profile", Json.object().put("clientCode", hubProfile(exchange)));
                service.set("clientService", Json.MAPPER.valueToTree(properties.clientService()));
                return create("direct:waas-client-service-create", service, exchange);
            });
        }
        ((ObjectNode) input.with("config")).put("clientServiceCode", code);
        exchange.getMessage().setBody(input);
    }

    /** After a wallet is opened: remembers its currency, so money in another currency never reaches it. */
    public void rememberWallet(Exchange exchange) {
        JsonNode outcome = Json.toNode(exchange.getMessage().getBody());
        JsonNode result = outcome.path("result");
        String owner = exchange.getProperty("hubClientId", String.class);
        if (owner != null && result.hasNonNull("accountNumber") && result.hasNonNull("currency")) {
            resources.ensure(PROVIDER, "wallet", owner, result.get("accountNumber").asText(),
                    () -> new ProviderResources.Created(result.get("currency").asText(), result));
        }
        exchange.getMessage().setBody(outcome);
    }

    /**
     * Before money moves: the provider's transaction request carries no currency, so a wallet the hub
     * opened in another currency than the payment's is refused here, before anything is posted.
     */
    public void checkCurrency(Exchange exchange) {
        ObjectNode input = (ObjectNode) Json.toNode(exchange.getMessage().getBody());
        String owner = input.path("payment").path("clientId").asText();
        exchange.setProperty("hubClientId", owner);
        String currency = input.path("message").path("amount").path("currency").asText();
        for (String side : new String[] {"source", "destination"}) {
            JsonNode account = input.path("message").path(side);
            if (!account.hasNonNull("accountNumber")) {
                continue;
            }
            String number = account.get("accountNumber").asText();
            resources.find(PROVIDER, "wallet", owner, number).ifPresent(walletCurrency -> {
                if (!walletCurrency.equals(currency)) {
                    throw new africa.payhub.provider.ProviderRejectedException(PROVIDER, 422, Json.write(Json.object()
                            .put("error_code", "CURRENCY_MISMATCH")
                            .put("message", "wallet " + number + " holds " + walletCurrency + ", the payment is in " + currency)));
                }
            });
        }
        exchange.getMessage().setBody(input);
    }

    /** The hub's own client profile at the provider, owner of the client service it creates. */
    private String hubProfile(Exchange exchange) {
        WaasProperties.HubProfile hub = properties.hubProfile();
        ObjectNode input = Json.object();
        input.set("message", Json.object().set("customer", Json.object()
                .put("name", hub.name()).put("email", hub.email()).put("phone", hub.phone())));
        input.set("config", Json.object().put("customerCountry", hub.country()).put("customerBusinessPin", hub.businessPin()));
        return resources.ensure(PROVIDER, "client-profile", "hub", hub.email().toLowerCase(Locale.ROOT),
                () -> create("direct:waas-client-create", input, exchange));
    }

    /** Runs a creation route (which answers {"code", ...}); its failure fails the calling flow, unchanged. */
    private ProviderResources.Created create(String route, JsonNode input, Exchange caller) {
        Exchange result = template.send(route, ex -> {
            ex.setProperty(PaymentFlow.PAYMENT_ID, caller.getProperty(PaymentFlow.PAYMENT_ID));
            ex.getMessage().setBody(input);
        });
        if (result.getException() != null) {
            Exception e = result.getException();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        JsonNode created = Json.toNode(result.getMessage().getBody());
        String code = created.path("code").asText("");
        if (code.isBlank()) {
            throw new africa.payhub.provider.MappingException(route + " answered without a code: "
                    + Json.write(africa.payhub.canonical.Redactor.redact(created)));
        }
        return new ProviderResources.Created(code, created);
    }
}
