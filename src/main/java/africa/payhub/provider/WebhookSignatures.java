package africa.payhub.provider;

import java.time.Instant;
import java.util.Map;

import africa.payhub.config.ProviderDeclaration;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * A webhook's signature, checked over the exact bytes received as the provider's declaration says
 * ({@code webhooks.verification}): an HMAC ({@link HmacSignature}) of a message built from the raw bytes (and
 * the headers it names) with a setting as key, compared in constant time, within its timestamp window if one is
 * declared; a named bean ({@link WebhookVerifier}); or none, when the provider sends no webhooks. (An echoed token,
 * which names a data request, is checked by {@link DataRequestWebhooks}.)
 */
@Component("webhookSignatures")
public class WebhookSignatures {

    private final ApplicationContext context;

    public WebhookSignatures(ApplicationContext context) {
        this.context = context;
    }

    /**
     * What the webhook's signature says ({@code headers}: names in lower case): a declared HMAC is checked by
     * {@link HmacSignature} over the message its declaration builds from the raw bytes (and headers), in constant
     * time, then within its timestamp window ({@link HmacSignature.Verdict#STALE} only for a valid signature);
     * a bean says valid or not.
     */
    public HmacSignature.Verdict verified(Provider provider, byte[] body, Map<String, String> headers) {
        ProviderDeclaration.Webhooks w = provider.declaration().webhooks();
        switch (w.verification()) {
            case "hmac" -> {
                return HmacSignature.check(w.hmac(), provider.credential(w.hmac().key()), body, headers, Instant.now());
            }
            case "bean" -> {
                return context.getBean(w.bean(), WebhookVerifier.class).verify(provider, body, headers)
                        ? HmacSignature.Verdict.VALID : HmacSignature.Verdict.INVALID;
            }
            default -> {
                return HmacSignature.Verdict.INVALID;
            }
        }
    }
}
