package africa.sandbox.monnify;

import africa.sandbox.Credentials;

/**
 * Monnify's webhook signature (provider-facts A1): lowercase hex HMAC-SHA512 of the exact bytes sent,
 * keyed with the client secret key, in the {@code monnify-signature} header.
 */
public final class MonnifySignature {

    public static final String HEADER = "monnify-signature";

    private MonnifySignature() {
    }

    public static String sign(byte[] body, String secretKey) {
        return Credentials.hmacHex("HmacSHA512", secretKey, body);
    }
}
