package africa.payhub.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How production judges a configured secret. A secret the hub's operator chooses (a client's or operator's
 * secret, a callback secret, a partner's password) needs {@link #CHOSEN_MIN_LENGTH} characters, must not
 * repeat a shorter string, and must look random: at least {@link #MIN_BITS_PER_CHARACTER} bits a character
 * by a Shannon estimate over its own characters ({@code openssl rand -base64 32} gives about 4.5, and 32 random
 * hex digits fall below 2.8 once in a million; 32 times {@code a} gives 0, {@code passwordpassword...} repeats
 * itself). A secret a provider issues is held to the
 * shortest the provider's declaration says it issues ({@code minLength}) and must not repeat a shorter
 * string. A login secret may be configured as a BCrypt hash ({@code {bcrypt}$2a$12$...}) of at least
 * {@link #MIN_BCRYPT_COST}.
 */
public final class SecretStrength {

    public static final int CHOSEN_MIN_LENGTH = 32;
    public static final double MIN_BITS_PER_CHARACTER = 2.8;
    public static final int MIN_BCRYPT_COST = 10;

    private static final Pattern BCRYPT = Pattern.compile("\\{bcrypt}\\$2[aby]?\\$(\\d{2})\\$[./A-Za-z0-9]{53}");

    private SecretStrength() {
    }

    /** Why a secret the operator chooses is too weak, or empty when it is not. */
    public static Optional<String> chosen(String secret) {
        Optional<String> basic = issued(secret, CHOSEN_MIN_LENGTH);
        if (basic.isPresent()) {
            return basic;
        }
        double bits = bitsPerCharacter(secret);
        if (bits < MIN_BITS_PER_CHARACTER) {
            return Optional.of(String.format(java.util.Locale.ROOT, "looks too simple (about %.1f bits a character, "
                    + "at least %.1f): use a random value, e.g. openssl rand -base64 32", bits, MIN_BITS_PER_CHARACTER));
        }
        return Optional.empty();
    }

    /** Why a secret a provider issues is too weak for what its declaration says it issues, or empty. */
    public static Optional<String> issued(String secret, int minLength) {
        if (secret.length() < minLength) {
            return Optional.of("is shorter than " + minLength + " characters");
        }
        if (repeats(secret)) {
            return Optional.of("repeats a shorter string");
        }
        return Optional.empty();
    }

    /** Why a login secret configured as a BCrypt hash is refused, or empty. */
    public static Optional<String> hash(String secret) {
        Matcher m = BCRYPT.matcher(secret);
        if (!m.matches()) {
            return Optional.of("is not a BCrypt hash ({bcrypt}$2a$<cost>$ and 53 characters)");
        }
        int cost = Integer.parseInt(m.group(1));
        if (cost < MIN_BCRYPT_COST) {
            return Optional.of("is a BCrypt hash of cost " + cost + "; production needs a cost of at least " + MIN_BCRYPT_COST);
        }
        return Optional.empty();
    }

    /** Whether the value is a shorter string written two or more times over. */
    static boolean repeats(String s) {
        int n = s.length();
        for (int period = 1; period <= n / 2; period++) {
            if (n % period == 0 && s.substring(period).equals(s.substring(0, n - period))) {
                return true;
            }
        }
        return false;
    }

    /** The Shannon entropy of the value's own characters, in bits a character. */
    static double bitsPerCharacter(String s) {
        Map<Integer, Integer> counts = new HashMap<>();
        s.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
        double total = s.codePointCount(0, s.length());
        double bits = 0;
        for (int count : counts.values()) {
            double p = count / total;
            bits -= p * Math.log(p) / Math.log(2);
        }
        return bits;
    }
}
