package africa.sandbox.payflux;

import java.nio.charset.StandardCharsets;

import africa.sandbox.Credentials;

/**
 * How Payflux signs a webhook: {@code Payflux-Timestamp} (Unix seconds when it was sent) and
 * {@code Payflux-Signature: v1=<lowercase hex HMAC-SHA256 of "<timestamp>.<exact body bytes>">}, keyed with the
 * webhook secret. Receivers refuse a timestamp more than five minutes from their clock.
 */
public final class PayfluxSignature {

    public static final String TIMESTAMP = "Payflux-Timestamp";
    public static final String SIGNATURE = "Payflux-Signature";

    private PayfluxSignature() {
    }

    public static String sign(long timestamp, byte[] body, String secret) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        System.arraycopy(body, 0, message, prefix.length, body.length);
        return "v1=" + Credentials.hmacHex("HmacSHA256", secret, message);
    }
}
