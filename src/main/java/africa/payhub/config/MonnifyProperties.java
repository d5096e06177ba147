package africa.payhub.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Monnify account settings. In sandbox mode the simulator reads the same keys, so changing
 * {@code hub.providers.monnify.secret-key} changes both sides.
 */
@ConfigurationProperties("hub.providers.monnify")
public record MonnifyProperties(
        boolean enabled,
        String baseUrl,
        Secret apiKey,
        Secret secretKey,
        String contractCode,
        String sourceAccountNumber,
        boolean async) {

    /** The account a cached token belongs to: tokens are per account, never global. */
    public String accountKey() {
        return "monnify:" + Integer.toHexString(apiKey.reveal().hashCode());
    }
}
