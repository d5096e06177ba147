package africa.payhub.provider;

import java.time.Duration;

/**
 * The provider answered with a status its declaration documents as "not processed" ({@code resend.notProcessed},
 * e.g. Dollr's 429 with Retry-After): the request never took effect, so the payment is sent again, but only after
 * the wait the provider asked for; it is not redelivered at once as a refused connection is.
 */
public class ProviderThrottledException extends ProviderUnavailableException {

    public ProviderThrottledException(String provider, int status, Duration retryAfter) {
        super(provider, status, retryAfter, provider + " answered HTTP " + status + ", which its declaration documents as"
                + " not processed; sent again" + (retryAfter == null ? " later" : " after " + retryAfter.toSeconds() + "s"));
    }
}
