package africa.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The simulators' own HTTP Basic and HMAC, written from RFC 7617 and RFC 2104 rather than shared with the
 * hub, so a bug on the hub's side is caught by its double instead of mirrored.
 */
public final class Credentials {

    private Credentials() {
    }

    /** {@code Basic base64(user:password)}, as a caller sends it. */
    public static String basicHeader(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether an Authorization header carries exactly these Basic credentials: scheme case-insensitive,
     * user-id up to the first colon, both parts compared in constant time.
     */
    public static boolean basicMatches(String header, String user, String password) {
        if (header == null || user == null || user.isEmpty() || password == null || password.isEmpty()) {
            return false;
        }
        String h = header.trim();
        if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = pair.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean userOk = equal(pair.substring(0, colon), user);
        boolean passwordOk = equal(pair.substring(colon + 1), password);
        return userOk & passwordOk;
    }

    /** Lowercase hex HMAC of the bytes with a UTF-8 key; {@code algorithm} e.g. {@code HmacSHA512}. */
    public static String hmacHex(String algorithm, String key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return HexFormat.of().formatHex(mac.doFinal(message));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }

    /** Constant-time comparison of two strings. */
    public static boolean equal(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
