package africa.payhub.provider;

import java.util.Map;

/**
 * A webhook check that a declaration cannot express (name the bean in {@code webhooks.bean} with
 * {@code verification: bean}). Must compare in constant time, over the exact bytes received.
 */
public interface WebhookVerifier {

    /** {@code headers}: the request headers with lower-cased names. */
    boolean verify(Provider provider, byte[] body, Map<String, String> headers);
}
