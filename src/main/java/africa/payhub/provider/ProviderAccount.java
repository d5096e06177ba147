package africa.payhub.provider;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * What the core needs to know about one provider account; each provider contributes one small bean.
 * Everything else about a provider lives in its routes and mappings.
 */
public interface ProviderAccount {

    /** The provider's name in canonical messages and file names, e.g. "monnify". */
    String name();

    boolean enabled();

    /** The key tokens are cached under: one cache entry per provider account. */
    String accountKey();

    /** Non-secret settings offered to request mappings as {@code .config} (source account, contract code). */
    ObjectNode publicSettings();

    /** Sets the credentials a login (token) request needs, e.g. an HTTP Basic header. */
    void applyLoginCredentials(Exchange exchange);

    /** Credentials for each call, for providers without tokens (e.g. HTTP Basic on every request). */
    default void applyCallCredentials(Exchange exchange) {
    }

    /**
     * Whether a webhook's signature is valid for these raw bytes, compared in constant time.
     * {@code headers} are the request headers, lower-cased names.
     */
    boolean verifyWebhook(byte[] body, Map<String, String> headers);
}
