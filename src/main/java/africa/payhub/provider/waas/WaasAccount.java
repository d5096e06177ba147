package africa.payhub.provider.waas;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.WaasProperties;
import africa.payhub.provider.ProviderAccount;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Lipad Wallet-as-a-Service: login with {@code username}/{@code password} in a JSON body, bearer tokens
 * afterwards. The provider publishes no webhooks, so none is ever accepted.
 */
@Component
public class WaasAccount implements ProviderAccount {

    private final WaasProperties properties;

    public WaasAccount(WaasProperties properties) {
        this.properties = properties;
    }

    @Override
    public String name() {
        return "waas";
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
    }

    @Override
    public String accountKey() {
        return properties.accountKey();
    }

    @Override
    public ObjectNode publicSettings() {
        ObjectNode config = Json.object();
        WaasProperties.Wallets w = properties.wallets();
        config.put("accountTypeCode", w.accountTypeCode());
        config.set("minimumBalance", Json.NODES.numberNode(w.minimumBalance()));
        config.put("canOverdraw", w.canOverdraw());
        config.put("customerCountry", properties.customers().country());
        config.put("customerBusinessPin", properties.customers().businessPin());
        return config;
    }

    @Override
    public void applyLoginCredentials(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(Json.object()
                .put("username", properties.username())
                .put("password", properties.password().reveal())));
    }

    @Override
    public boolean verifyWebhook(byte[] body, Map<String, String> headers) {
        return false;
    }
}
