package africa.payhub.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Connect API account (HTTP Basic on every call, over TLS in production), and the credentials Connect
 * uses when it calls the hub's Status Check endpoint. In sandbox mode the simulator reads the same keys.
 */
@ConfigurationProperties("hub.providers.connect")
public record ConnectProperties(
        boolean enabled,
        String baseUrl,
        String username,
        Secret password,
        String partnerUsername,
        Secret partnerPassword) {
}
