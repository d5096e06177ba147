package africa.payhub.provider;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import africa.payhub.config.ProviderDeclaration;
import africa.payhub.config.Secret;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * A webhook's signature, checked over the exact bytes received as the provider's declaration says
 * ({@code webhooks.verification}): an HMAC of the raw bytes with a setting as key, compared in constant time;
 * a named bean ({@link WebhookVerifier}); or none, when the provider sends no webhooks. (An echoed token,
 * which names a data request, is checked by {@link DataRequestWebhooks}.)
 */
@Component("webhookSignatures")
public class WebhookSignatures {

    private final ApplicationContext context;

    public WebhookSignatures(ApplicationContext context) {
        this.context = context;
    }

    /** Whether the body carries the provider's valid signature; {@code headers}: names in lower case. */
    public boolean verified(Provider provider, byte[] body, Map<String, String> headers) {
        ProviderDeclaration.Webhooks w = provider.declaration().webhooks();
        switch (w.verification()) {
            case "hmac" -> {
                ProviderDeclaration.Hmac h = w.hmac();
                String presented = headers.get(h.header().toLowerCase(Locale.ROOT));
                if (presented == null || presented.isBlank()) {
                    return false;
                }
                presented = presented.trim();
                String prefix = h.prefix() == null ? "" : h.prefix();
                if (!presented.startsWith(prefix)) {
                    return false;
                }
                byte[] given;
                try {
                    given = "base64".equals(h.encoding()) ? Base64.getDecoder().decode(presented.substring(prefix.length()))
                            : HexFormat.of().parseHex(presented.substring(prefix.length()).toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    return false;
                }
                Secret key = provider.credential(h.key());
                if (key.isBlank()) {
                    return false;
                }
                return MessageDigest.isEqual(hmac(h.algorithm(), key.bytes(), body), given);
            }
            case "bean" -> {
                return context.getBean(w.bean(), WebhookVerifier.class).verify(provider, body, headers);
            }
            default -> {
                return false;
            }
        }
    }

    static byte[] hmac(String algorithm, byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }
}
