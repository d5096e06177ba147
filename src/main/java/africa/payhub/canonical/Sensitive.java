package africa.payhub.canonical;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must never reach a log, a table or an error message: card numbers, CVVs, PINs, BVNs, passwords,
 * tokens and secrets. One definition, used to refuse such data at the door and to redact timelines.
 */
public final class Sensitive {

    private static final Set<String> KEYS = Set.of(
            "pan", "cardnumber", "cardno", "card", "cvv", "cvv2", "cvc", "cvc2", "securitycode",
            "pin", "cardpin", "bvn", "nin", "password", "passwd", "pwd", "secret", "secretkey",
            "clientsecret", "consumersecret", "token", "accesstoken", "refreshtoken", "idtoken",
            "authorization", "apikey", "otp", "authorizationcode", "passcode", "privatekey");

    private static final Pattern DIGIT_RUN = Pattern.compile("(?<![0-9])[0-9]{15,19}(?![0-9])");

    private Sensitive() {
    }

    /** Whether a JSON key names sensitive data, whatever its case or separators. */
    public static boolean isSensitiveKey(String key) {
        if (key == null) {
            return false;
        }
        String k = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(".", "");
        return KEYS.contains(k) || k.endsWith("secret") || k.endsWith("password") || k.endsWith("token");
    }

    /** Whether text holds something shaped like a card number (15-19 digits passing the Luhn check). */
    public static boolean containsPan(String text) {
        if (text == null) {
            return false;
        }
        Matcher m = DIGIT_RUN.matcher(text);
        while (m.find()) {
            if (luhn(m.group())) {
                return true;
            }
        }
        return false;
    }

    /** Masks card-shaped numbers in text, keeping the first six and last four digits. */
    public static String maskPans(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = DIGIT_RUN.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String digits = m.group();
            String replacement = luhn(digits)
                    ? digits.substring(0, 6) + "*".repeat(digits.length() - 10) + digits.substring(digits.length() - 4)
                    : digits;
            m.appendReplacement(sb, replacement);
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean dbl = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }
}
