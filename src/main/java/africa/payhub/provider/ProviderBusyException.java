package africa.payhub.provider;

import java.time.Duration;

/**
 * The provider (or a gateway in front of it) answered 429 or 503. It says "not processed", but an answer
 * came after the request left, and a gateway may say so after the provider processed it: the outcome is
 * unknown, resolved by status query; the poller waits at least {@code Retry-After}.
 */
public class ProviderBusyException extends OutcomeUnknownException {

    private final Duration retryAfter;

    public ProviderBusyException(String provider, int status, Duration retryAfter) {
        super(provider, provider + " answered HTTP " + status + " after the request reached it; the outcome is unknown"
                + (retryAfter == null ? "" : " (retry after " + retryAfter.toSeconds() + "s)"));
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
