package africa.payhub.provider;

/** The provider refused the request (4xx): a business answer, mapped through the provider's errors.yaml. */
public class ProviderRejectedException extends ProviderException {

    private final int httpStatus;
    private final transient String body;
    private final String hubReasonCode;

    public ProviderRejectedException(String provider, int httpStatus, String body) {
        super(provider, provider + " refused the request with HTTP " + httpStatus);
        this.httpStatus = httpStatus;
        this.body = body;
        this.hubReasonCode = null;
    }

    private ProviderRejectedException(String provider, String reasonCode, String message) {
        super(provider, message);
        this.httpStatus = 0;
        this.body = null;
        this.hubReasonCode = reasonCode;
    }

    /**
     * The hub refuses, on the provider's behalf, before anything is sent (an inactive account, a wallet in
     * another currency): final, with the hub's own reason code.
     */
    public static ProviderRejectedException beforeSending(String provider, String reasonCode, String message) {
        return new ProviderRejectedException(provider, reasonCode, message);
    }

    /** The reason code when the hub refused before sending; null for a provider's refusal. */
    public String hubReasonCode() {
        return hubReasonCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The provider's answer, for error mapping only; never logged. */
    public String body() {
        return body;
    }
}
