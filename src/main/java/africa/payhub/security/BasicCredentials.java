package africa.payhub.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import africa.payhub.config.Secret;

/** HTTP Basic credentials: the header the hub sends to a provider, and the check of one presented to the hub. */
public final class BasicCredentials {

    private BasicCredentials() {
    }

    /** {@code Basic base64(user:password)}. */
    public static String header(String user, Secret password) {
        String pair = user + ":" + password.reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a presented Authorization header carries exactly these credentials, compared in constant time. */
    public static boolean matches(String presented, String user, Secret password) {
        if (presented == null || user == null || user.isBlank() || password == null || password.isBlank()) {
            return false;
        }
        return MessageDigest.isEqual(header(user, password).getBytes(StandardCharsets.UTF_8),
                presented.trim().getBytes(StandardCharsets.UTF_8));
    }

    /** The user name a Basic header presents, or null when it presents none. */
    public static String user(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 ? pair.substring(0, colon) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
