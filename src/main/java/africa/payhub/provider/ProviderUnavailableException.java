package africa.payhub.provider;

import java.time.Duration;

/** The provider turned the request away before processing it (429, 503): safe to send again later. */
public class ProviderUnavailableException extends ProviderException {

    private final Duration retryAfter;

    public ProviderUnavailableException(String provider, int status, Duration retryAfter) {
        super(provider, provider + " answered HTTP " + status + " (not processed)"
                + (retryAfter == null ? "" : ", retry after " + retryAfter.toSeconds() + "s"));
        this.retryAfter = retryAfter;
    }

    /** Not sent for a reason of the hub's own (e.g. a resource the call needs is still being created). */
    public ProviderUnavailableException(String provider, int status, Duration retryAfter, String message) {
        super(provider, message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
