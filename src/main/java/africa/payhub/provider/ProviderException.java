package africa.payhub.provider;

/**
 * Something went wrong talking to a provider. Each subclass is one class of failure that the
 * {@code provider-errors} route configuration handles in its own way. Messages never carry bodies or secrets.
 */
public abstract class ProviderException extends RuntimeException {

    private final String provider;

    protected ProviderException(String provider, String message) {
        super(message, null, false, false);
        this.provider = provider;
    }

    public String provider() {
        return provider;
    }
}
