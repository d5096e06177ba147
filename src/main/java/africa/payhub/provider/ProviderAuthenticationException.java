package africa.payhub.provider;

/** The hub could not obtain an access token: nothing was sent. Usually wrong credentials. */
public class ProviderAuthenticationException extends ProviderException {

    public ProviderAuthenticationException(String provider, String detail) {
        super(provider, detail);
    }
}
