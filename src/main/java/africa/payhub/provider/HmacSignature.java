package africa.payhub.provider;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import africa.payhub.config.ProviderDeclaration;
import africa.payhub.config.Secret;

/**
 * A webhook's declared HMAC ({@code webhooks.hmac}), checked over the raw request bytes: the message the
 * declaration builds from the body's exact bytes and headers, the timestamp window, and the signature compared
 * in constant time over its decoded bytes.
 */
public final class HmacSignature {

    /** What a check found: a valid signature, a missing or wrong one, or a valid one signed outside the window. */
    public enum Verdict { VALID, INVALID, STALE }

    private HmacSignature() {
    }

    /**
     * Checks the webhook. {@code headers}: its headers by lower-case name. A timestamp outside the window is
     * {@link Verdict#STALE} only when the signature is valid, so nothing is told to whoever does not hold the key.
     */
    public static Verdict check(ProviderDeclaration.Hmac h, Secret key, byte[] body, Map<String, String> headers,
                                Instant now) {
        String presented = headers.get(h.header().toLowerCase(Locale.ROOT));
        String prefix = h.prefix() == null ? "" : h.prefix();
        if (key == null || key.isBlank() || presented == null || !presented.trim().startsWith(prefix)) {
            return Verdict.INVALID;
        }
        byte[] given;
        try {
            String encoded = presented.trim().substring(prefix.length());
            given = "base64".equals(h.encoding()) ? Base64.getDecoder().decode(encoded)
                    : HexFormat.of().parseHex(encoded.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Verdict.INVALID;
        }
        byte[] message = message(h, body, headers);
        if (message == null || !MessageDigest.isEqual(hmac(h.algorithm(), key.bytes(), message), given)) {
            return Verdict.INVALID;
        }
        return h.timestamp() == null || within(h.timestamp(), headers, now) ? Verdict.VALID : Verdict.STALE;
    }

    /** The signed message: the declared parts, the body as its exact bytes; null when a header it names is missing. */
    static byte[] message(ProviderDeclaration.Hmac h, byte[] body, Map<String, String> headers) {
        if ("{body}".equals(h.message())) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        for (String part : h.parts()) {
            if (part.equals("{body}")) {
                out.writeBytes(body);
            } else if (part.startsWith("{header.") && part.endsWith("}")) {
                String value = headers.get(part.substring("{header.".length(), part.length() - 1).toLowerCase(Locale.ROOT));
                if (value == null) {
                    return null;
                }
                out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            } else {
                out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static boolean within(ProviderDeclaration.Timestamp t, Map<String, String> headers, Instant now) {
        String value = headers.get(t.header().toLowerCase(Locale.ROOT));
        long signedAt;
        try {
            signedAt = Long.parseLong(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        long nowIn = "milliseconds".equals(t.unit()) ? now.toEpochMilli() : now.getEpochSecond();
        long tolerance = "milliseconds".equals(t.unit()) ? t.window().toMillis() : t.window().toSeconds();
        return signedAt >= nowIn - tolerance && signedAt <= nowIn + tolerance;
    }

    static byte[] hmac(String algorithm, byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(message);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }
}
