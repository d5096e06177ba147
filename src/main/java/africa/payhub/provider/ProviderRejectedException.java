package africa.payhub.provider;

/** The provider refused the request (4xx): a business answer, mapped through the provider's errors.yaml. */
public class ProviderRejectedException extends ProviderException {

    private final int httpStatus;
    private final transient String body;

    public ProviderRejectedException(String provider, int httpStatus, String body) {
        super(provider, provider + " refused the request with HTTP " + httpStatus);
        this.httpStatus = httpStatus;
        this.body = body;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The provider's answer, for error mapping only; never logged. */
    public String body() {
        return body;
    }
}
