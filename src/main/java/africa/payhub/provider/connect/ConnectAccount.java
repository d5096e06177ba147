package africa.payhub.provider.connect;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.ConnectProperties;
import africa.payhub.provider.ProviderAccount;
import africa.payhub.security.BasicCredentials;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Connect: HTTP Basic with the issued username and password on every call; no tokens, no webhooks. */
@Component
public class ConnectAccount implements ProviderAccount {

    private final ConnectProperties properties;

    public ConnectAccount(ConnectProperties properties) {
        this.properties = properties;
    }

    @Override
    public String name() {
        return "connect";
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
    }

    @Override
    public String accountKey() {
        return "connect:" + Integer.toHexString((properties.baseUrl() + "|" + properties.username()).hashCode());
    }

    @Override
    public ObjectNode publicSettings() {
        return Json.object();
    }

    @Override
    public void applyLoginCredentials(Exchange exchange) {
        applyCallCredentials(exchange);
    }

    @Override
    public void applyCallCredentials(Exchange exchange) {
        exchange.getMessage().setHeader("Authorization", BasicCredentials.header(properties.username(), properties.password()));
    }

    @Override
    public boolean verifyWebhook(byte[] body, Map<String, String> headers) {
        return false;
    }
}
