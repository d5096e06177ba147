package africa.payhub.provider;

/** The request may have been processed (5xx after it left): resolve by status query, never resend blindly. */
public class OutcomeUnknownException extends ProviderException {

    public OutcomeUnknownException(String provider, String detail) {
        super(provider, detail);
    }
}
