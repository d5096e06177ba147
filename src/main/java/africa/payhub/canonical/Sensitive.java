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
     * Digit groups separated by up to sixteen spaces (any Unicode space, tabs and line breaks), dashes, dots,
     * slashes, underscores, commas or backslashes; read after {@link #forScan} (NFKC, invisible characters
     * gone, every Unicode digit as its ASCII value).
     */
    private static final String SEPARATOR = "[\\s\\p{Z}\\-\\u2010-\\u2015\\u2212\\uFE58\\uFE63./_,\\\\]";
    private static final Pattern DIGIT_GROUPS = Pattern.compile("[0-9]+(?:" + SEPARATOR + "{1,16}[0-9]+)*");
    private static final Pattern GROUP = Pattern.compile("[0-9]+");

    /** The longest run of digits written together that is searched for a card number at its start or end. */
    static final int MAX_EMBEDDING = 27;

    /**
     * Letters of other scripts that look like the Latin letters of the names above (Cyrillic, Greek, Latin
     * small capitals and the like), folded to them before a key is compared: {@code сvv} with a Cyrillic
     * {@code с} names a CVV as {@code cvv} does. NFKC has already folded the compatibility forms (full-width,
     * mathematical and circled letters, Roman numerals).
     */
    private static final java.util.Map<Integer, Character> CONFUSABLES = confusables(
            "a\u0430\u03b1\u0251\u1d00", "b\u0432\u044c\u03b2\u0299\u1d03", "c\u0441\u03f2\u1d04\u217d",
            "d\u0501\u217e", "e\u0435\u03b5\u0454\u1d07\u212e", "h\u04bb\u043d\u029c", "i\u0456\u03b9\u0131\u026a\u04cf\u0269",
            "j\u0458\u03f3", "k\u043a\u03ba\u1d0b", "l\u04cf\u0627\u01c0", "m\u043c\u1d0d", "n\u03b7\u0578\u0274\u043f",
            "o\u043e\u03bf\u03c3\u0585\u1d0f\u0ce6", "p\u0440\u03c1\u1d18", "q\u051b", "r\u0433\u0280\u1d26",
            "s\u0455\u0282\ua731", "t\u0442\u03c4\u1d1b", "u\u03c5\u057d\u1d1c", "v\u03bd\u0475\u1d20\u2174",
            "w\u051d\u0461\u1d21\u03c9", "x\u0445\u03c7\u2179", "y\u0443\u04af\u03b3\u028f", "z\u1d22");

    private static java.util.Map<Integer, Character> confusables(String... rows) {
        java.util.Map<Integer, Character> out = new java.util.HashMap<>();
        for (String row : rows) {
            row.codePoints().skip(1).forEach(cp -> out.put(cp, row.charAt(0)));
        }
        return java.util.Map.copyOf(out);
    }

    private Sensitive() {
    }

    /**
     * A key as it is compared: Unicode-normalised (NFKC), lower case, look-alike letters of other scripts folded
     * to Latin ones, letters and digits only ("Card Number " -> cardnumber, Cyrillic "сvv" -> cvv).
     */
    public static String normaliseKey(String key) {
        String ascii = asciiKey(key);
        if (ascii != null) {
            return ascii;
        }
        String k = Normalizer.normalize(key, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(k.length());
        k.codePoints().filter(Character::isLetterOrDigit).forEach(cp -> {
            Character latin = CONFUSABLES.get(cp);
            out.appendCodePoint(latin == null ? cp : latin);
        });
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
            if ((c >= '0' && c <= '9') || (c > 127 && mayBeDigit(c))) {
                if (++digits >= 15) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A char that is, or may be part of, a digit other than 0-9: any Unicode number, or half of a surrogate pair. */
    private static boolean mayBeDigit(char c) {
        return Character.isSurrogate(c) || Character.isDigit(c) || Character.getType(c) == Character.OTHER_NUMBER;
    }

    /**
     * Whether text holds something shaped like a card number: 15-19 digits passing the Luhn check, written
     * together, in groups separated by spaces, line breaks, dashes, dots, slashes, underscores or commas (up to
     * sixteen between two groups), with invisible characters (zero-width, soft hyphens, joiners) anywhere, in
     * any Unicode digits; or such a number with a card scheme's prefix at the start or end of a longer run of
     * digits (up to {@value #MAX_EMBEDDING}: a card number followed by its expiry date or CVV).
     */
    public static boolean containsPan(String text) {
        return text != null && !tooFewDigits(text) && !pans(forScan(text)).isEmpty();
    }

    /** Whether a JSON number, however written (4916...e0, 4.916...E15, 4916....0, a big integer), holds a card number. */
    public static boolean containsPan(java.math.BigDecimal number) {
        if (number == null) {
            return false;
        }
        java.math.BigDecimal abs = number.abs();
        if (containsPan(abs.unscaledValue().toString())) {
            return true;
        }
        // the digits as written out (trailing zeros of the number itself), where that is short
        return Math.abs(abs.scale()) <= 40 && abs.precision() <= 60 && containsPan(abs.toPlainString());
    }

    /**
     * Masks card-shaped numbers in text, keeping the first six and last four digits. Text holding one comes
     * back as it was scanned (NFKC, without invisible characters); other text unchanged.
     */
    public static String maskPans(String text) {
        if (text == null || tooFewDigits(text)) {
            return text;
        }
        String scanned = forScan(text);
        List<int[]> found = pans(scanned);
        if (found.isEmpty()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        int at = 0;
        for (int[] span : found) {
            String digits = scanned.substring(span[0], span[1]).replaceAll("[^0-9]", "");
            sb.append(scanned, at, span[0]);
            sb.append(digits, 0, 6).append("*".repeat(digits.length() - 10)).append(digits.substring(digits.length() - 4));
            at = span[1];
        }
        return sb.append(scanned.substring(at)).toString();
    }

    /**
     * Text as the scan reads it: NFKC (full-width, mathematical and circled digits become 0-9), characters
     * that show nothing removed (format characters such as zero-width spaces, joiners and soft hyphens;
     * combining marks), and every other Unicode decimal digit written as its ASCII digit.
     */
    static String forScan(String text) {
        boolean plain = true;
        for (int i = 0; i < text.length() && plain; i++) {
            plain = text.charAt(i) < 128;
        }
        if (plain) {
            return text;
        }
        String k = Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(k.length());
        k.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.FORMAT || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
                return;
            }
            if (cp > 127 && Character.isDigit(cp)) {
                out.append((char) ('0' + Character.digit(cp, 10)));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /**
     * The spans of card numbers: within each run of digit groups, the first window of whole groups (or the
     * whole group, when written together) holding 15-19 digits that pass the Luhn check; and in a group of
     * 20 to {@value #MAX_EMBEDDING} digits written together, a window at its start or end that passes the
     * Luhn check and begins as a card scheme's numbers do.
     */
    private static List<int[]> pans(String scanned) {
        List<int[]> out = new ArrayList<>();
        String text = withoutIds(scanned);
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
                int[] embedded = embedded(text, groups.get(i));
                if (embedded != null) {
                    out.add(embedded);
                    continue;
                }
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

    /** A UUID (a payment's id): its digits are no card number, however its dashes fall. */
    private static final Pattern UUID = Pattern.compile(
            "(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z])");

    /**
     * A UUID written without its dashes, as the hub's own references carry one (BATCH..., HUB...): 32 hex digits,
     * at least one of them a letter (32 decimal digits stay a digit group, read for card numbers); the last 32 of a
     * longer run, since a prefix may end in a hex letter (HUB...).
     */
    private static final Pattern COMPACT_UUID = Pattern.compile("(?=[0-9]*[a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])");

    /** The text with every UUID written over (same length, so spans stay valid), or the text itself. */
    private static String withoutIds(String text) {
        if (text.length() < 32) {
            return text; // shorter than either form of a UUID (36 with dashes, 32 without)
        }
        StringBuilder out = null;
        for (Pattern id : List.of(UUID, COMPACT_UUID)) {
            Matcher m = id.matcher(out == null ? text : out);
            while (m.find()) {
                out = out == null ? new StringBuilder(text) : out;
                for (int i = m.start(); i < m.end(); i++) {
                    out.setCharAt(i, 'u');
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** A card number at the start or end of a group of 20 to {@value #MAX_EMBEDDING} digits: its span, or null. */
    private static int[] embedded(String text, int[] group) {
        int length = group[1] - group[0];
        if (length <= 19 || length > MAX_EMBEDDING) {
            return null;
        }
        for (int n = 15; n <= 19; n++) {
            String head = text.substring(group[0], group[0] + n);
            if (schemePrefix(head) && luhn(head)) {
                return group;
            }
            String tail = text.substring(group[1] - n, group[1]);
            if (schemePrefix(tail) && luhn(tail)) {
                return group;
            }
        }
        return null;
    }

    /**
     * Whether digits begin as a card scheme's numbers of that length do: Visa 4 (16 or 19 digits), Mastercard's
     * 2-series (16), and 3, 5 and 6 (Amex, Diners, JCB, Mastercard, Maestro, Verve, Discover, UnionPay: 15-19).
     */
    private static boolean schemePrefix(String digits) {
        return switch (digits.charAt(0)) {
            case '4' -> digits.length() == 16 || digits.length() == 19;
            case '2' -> digits.length() == 16;
            case '3', '5', '6' -> true;
            default -> false;
        };
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
