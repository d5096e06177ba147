package africa.payhub.canonical;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must never reach a log, a table or an error message: card numbers, CVVs, PINs, BVNs, passwords,
 * tokens and secrets. One definition, used to refuse such data at the door and to redact timelines.
 */
public final class Sensitive {

    /** Keys naming sensitive data, after normalisation (lower case, letters and digits only). */
    private static final Set<String> KEYS = Set.of(
            "pan", "cardnumber", "cardno", "card", "cvv", "cvv2", "cvc", "cvc2", "securitycode",
            "pin", "cardpin", "bvn", "nin", "password", "passwd", "pwd", "secret", "secretkey",
            "clientsecret", "consumersecret", "token", "accesstoken", "refreshtoken", "idtoken",
            "authorization", "apikey", "otp", "authorizationcode", "passcode", "privatekey", "passphrase",
            "track2", "pinblock", "mpin");

    /** A normalised key beginning with one of these names card data or a PIN: card_cvv, pinBlock, cardHolder. */
    private static final List<String> PREFIXES = List.of("card", "cvv", "cvc", "pin", "bvn", "pan");

    /** ... or containing one of these: customer_bvn, x-api-key, userPassword, signingSecret, "Card Number". */
    private static final List<String> PARTS = List.of(
            "cvv", "cvc", "bvn", "password", "passwd", "passphrase", "secret", "apikey", "privatekey",
            "cardnumber", "cardno", "pinblock", "token", "credential");

    /** ... or ending with one of these: cardPin, walletPin, securityCode. */
    private static final List<String> SUFFIXES = List.of("pin", "pan", "securitycode", "otp");

    /**
     * Digit groups separated by up to three spaces or dashes (any Unicode space or dash); digits are
     * matched after every Unicode digit (full-width too) has been read as its ASCII value.
     */
    private static final Pattern DIGIT_GROUPS = Pattern.compile(
            "[0-9]+(?:[\\p{Zs}\\t\\-\\u2010-\\u2015\\u2212\\uFE58\\uFE63\\uFF0D]{1,3}[0-9]+)*");
    private static final Pattern GROUP = Pattern.compile("[0-9]+");

    private Sensitive() {
    }

    /** A key as it is compared: Unicode-normalised, lower case, letters and digits only ("Card Number " -> cardnumber). */
    public static String normaliseKey(String key) {
        String ascii = asciiKey(key);
        if (ascii != null) {
            return ascii;
        }
        String k = Normalizer.normalize(key, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(k.length());
        k.codePoints().filter(Character::isLetterOrDigit).forEach(out::appendCodePoint);
        return out.toString();
    }

    /**
     * An ASCII key normalised the quick way (NFKC leaves ASCII as it is): the same result as the general path,
     * without a normaliser, a lower-case copy and a code-point stream for every key of every body redacted.
     * Null when the key holds anything beyond ASCII.
     */
    private static String asciiKey(String key) {
        int n = key.length();
        boolean plain = true;
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c >= 128) {
                return null;
            }
            plain &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        }
        if (plain) {
            return key;
        }
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                out.append((char) (c + ('a' - 'A')));
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether a JSON key names sensitive data, whatever its case, spacing or separators. */
    public static boolean isSensitiveKey(String key) {
        if (key == null) {
            return false;
        }
        String k = normaliseKey(key);
        if (k.isEmpty()) {
            return false;
        }
        if (KEYS.contains(k)) {
            return true;
        }
        for (String p : PREFIXES) {
            if (k.startsWith(p)) {
                return true;
            }
        }
        for (String p : PARTS) {
            if (k.contains(p)) {
                return true;
            }
        }
        for (String p : SUFFIXES) {
            if (k.endsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** A card number has at least 15 digits: text with fewer (most values: names, codes, amounts) holds none. */
    private static boolean tooFewDigits(String text) {
        int digits = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if ((c >= '0' && c <= '9') || (c > 127 && Character.isDigit(c))) {
                if (++digits >= 15) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether text holds something shaped like a card number: 15-19 digits passing the Luhn check, written
     * together or in groups separated by spaces or dashes, in any Unicode digits.
     */
    public static boolean containsPan(String text) {
        return text != null && !tooFewDigits(text) && !pans(asciiDigits(text)).isEmpty();
    }

    /** Masks card-shaped numbers in text, keeping the first six and last four digits. */
    public static String maskPans(String text) {
        if (text == null || tooFewDigits(text)) {
            return text;
        }
        String ascii = asciiDigits(text);
        List<int[]> found = pans(ascii);
        if (found.isEmpty()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        int at = 0;
        for (int[] span : found) {
            String digits = ascii.substring(span[0], span[1]).replaceAll("[^0-9]", "");
            sb.append(text, at, span[0]);
            sb.append(digits, 0, 6).append("*".repeat(digits.length() - 10)).append(digits.substring(digits.length() - 4));
            at = span[1];
        }
        return sb.append(text.substring(at)).toString();
    }

    /** Every Unicode decimal digit as its ASCII digit, one char for one char (offsets stay valid). */
    private static String asciiDigits(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 127 && Character.isDigit(c)) {
                if (out == null) {
                    out = new StringBuilder(text);
                }
                out.setCharAt(i, (char) ('0' + Character.digit(c, 10)));
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * The spans of card numbers: within each run of digit groups, the first window of whole groups (or the
     * whole group, when written together) holding 15-19 digits that pass the Luhn check.
     */
    private static List<int[]> pans(String text) {
        List<int[]> out = new ArrayList<>();
        Matcher run = DIGIT_GROUPS.matcher(text);
        while (run.find()) {
            if (run.end() - run.start() < 15) {
                continue;
            }
            List<int[]> groups = new ArrayList<>();
            Matcher g = GROUP.matcher(text).region(run.start(), run.end());
            while (g.find()) {
                groups.add(new int[] {g.start(), g.end()});
            }
            windows:
            for (int i = 0; i < groups.size(); i++) {
                StringBuilder digits = new StringBuilder();
                for (int j = i; j < groups.size() && digits.length() < 19; j++) {
                    digits.append(text, groups.get(j)[0], groups.get(j)[1]);
                    if (digits.length() >= 15 && digits.length() <= 19 && luhn(digits.toString())) {
                        out.add(new int[] {groups.get(i)[0], groups.get(j)[1]});
                        i = j;
                        continue windows;
                    }
                }
            }
        }
        return out;
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
