package africa.payhub.provider;

/** The provider rejected our bearer token (401): refresh it and try once more. Nothing was processed. */
public class TokenRejectedException extends ProviderException {

    public TokenRejectedException(String provider) {
        super(provider, provider + " rejected the access token (HTTP 401)");
    }
}
