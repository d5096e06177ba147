package africa.payhub.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A credential read from configuration. It never prints itself: {@code toString()} hides the value,
 * so a secret that reaches a log line or an error message by accident shows as {@code ****}.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value == null ? "" : value;
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The raw value, for the one place that has to use it (a signature, a login call). */
    public String reveal() {
        return value;
    }

    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    public boolean isBlank() {
        return value.isBlank();
    }

    /** Constant-time comparison with a presented credential. */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(bytes(), presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "****";
    }
}
