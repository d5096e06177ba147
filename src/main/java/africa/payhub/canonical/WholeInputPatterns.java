package africa.payhub.canonical;

import java.util.regex.Pattern;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * The schema's {@code pattern}s with the meaning JSON Schema gives them (ECMA-262): {@code $} is the end of
 * the input. Java's {@code $} also matches before a final line break, so {@code "NGN\n"} would pass
 * {@code ^[A-Z]{3}$}; here every {@code $} outside a character class becomes {@code \z}.
 */
final class WholeInputPatterns implements RegularExpressionFactory {

    static final WholeInputPatterns INSTANCE = new WholeInputPatterns();

    private WholeInputPatterns() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Pattern.compile(anchorAtEnd(regex));
        return text -> pattern.matcher(text).find();
    }

    static String anchorAtEnd(String regex) {
        StringBuilder out = new StringBuilder(regex.length() + 4);
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                out.append(c).append(regex.charAt(++i));
            } else if (c == '[') {
                inClass = true;
                out.append(c);
            } else if (c == ']') {
                inClass = false;
                out.append(c);
            } else if (c == '$' && !inClass) {
                out.append("\\z");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
