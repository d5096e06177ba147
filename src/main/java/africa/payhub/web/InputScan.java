package africa.payhub.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import africa.payhub.canonical.FieldError;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Sensitive;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Text no endpoint takes, refused before any route, query or log line sees it, with a 400 problem that names
 * where and never repeats what:
 * <ul>
 *   <li>everywhere (path, query, every JSON key and value of every body: API, webhooks, partner calls): the NUL
 *       character, half of a surrogate pair, and in the path and query any other control character or a
 *       broken percent-encoding; JSON nested deeper than {@value #MAX_DEPTH} levels or an object with more
 *       than {@value #MAX_KEYS} keys;</li>
 *   <li>on the API (what clients and operators send): card numbers in any key or value, however written
 *       ({@link Sensitive#containsPan}), JSON numbers included; only the card of
 *       {@code POST /api/v1/payments/{id}/card} is where a card belongs.</li>
 * </ul>
 * The URL is checked here, as a filter; a body by {@link RequestGuard}, once it has read it.
 */
public class InputScan extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(InputScan.class);

    /** Deeper JSON than any resource of the hub has (a batch item's metadata is about 5 levels). */
    static final int MAX_DEPTH = 32;
    /** More keys in one object than any resource has (metadata is capped lower by the schema). */
    static final int MAX_KEYS = 1000;
    /** Problems listed in one answer at most. */
    private static final int MAX_ERRORS = 20;

    private static final Pattern CARD_PATH = Pattern.compile("/api/v1/payments/[^/]+/card/?");
    /** The fields of a posted card: the one place a card number is expected. */
    private static final Set<String> CARD_FIELDS = Set.of("pan", "expiryMonth", "expiryYear", "cvv", "pin");

    private final ObjectMapper mapper;

    public InputScan(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<FieldError> problems = urlProblems(request.getRequestURI(), request.getQueryString());
        if (!problems.isEmpty()) {
            LOG.warn("Refused {} from {}: its URL holds {}", request.getMethod(), request.getRemoteAddr(),
                    problems.get(0).message());
            new Problem(400, "Bad Request", "The request's URL holds text the hub does not accept", problems)
                    .write(response, mapper);
            return;
        }
        chain.doFilter(request, response);
    }

    /** What is wrong with a request's path (as received, percent-encoded) and query; empty when nothing. */
    static List<FieldError> urlProblems(String rawPath, String rawQuery) {
        List<FieldError> out = new ArrayList<>();
        boolean api = rawPath != null && rawPath.startsWith("/api/");
        if (rawPath != null) {
            String path = percentDecoded(rawPath, false);
            if (path == null) {
                out.add(new FieldError("path", "is not valid percent-encoded UTF-8"));
            } else {
                textProblem(path, true, api).ifPresent(m -> out.add(new FieldError("path", m)));
            }
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = percentDecoded(eq < 0 ? pair : pair.substring(0, eq), true);
                String value = eq < 0 ? "" : percentDecoded(pair.substring(eq + 1), true);
                if (name == null || value == null) {
                    out.add(new FieldError("query", "is not valid percent-encoded UTF-8"));
                    continue;
                }
                String field = textProblem(name, true, api).isPresent() ? "query" : "query." + name;
                textProblem(name, true, api).or(() -> textProblem(value, true, api))
                        .ifPresent(m -> out.add(new FieldError(field, m)));
                if (out.size() >= MAX_ERRORS) {
                    break;
                }
            }
        }
        return out;
    }

    /**
     * What is wrong with a JSON body sent to {@code path}; empty when nothing (or when it is not JSON at all:
     * the endpoint says so itself).
     */
    static List<FieldError> bodyProblems(String path, byte[] body) {
        boolean api = path.startsWith("/api/");
        boolean card = api && CARD_PATH.matcher(path).matches();
        List<FieldError> out = new ArrayList<>();
        Deque<Frame> at = new ArrayDeque<>();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            for (JsonToken t; (t = p.nextToken()) != null && out.size() < MAX_ERRORS; ) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        if (at.size() >= MAX_DEPTH) {
                            out.add(new FieldError(field(at), "nests deeper than " + MAX_DEPTH + " levels"));
                            return out;
                        }
                        valueStarts(at);
                        at.push(new Frame(t == JsonToken.START_ARRAY));
                    }
                    case END_OBJECT, END_ARRAY -> at.pop();
                    case FIELD_NAME -> {
                        Frame object = at.peek();
                        if (++object.count > MAX_KEYS) {
                            object.key = null;
                            out.add(new FieldError(field(at), "has more than " + MAX_KEYS + " keys"));
                            return out;
                        }
                        object.key = null;
                        var problem = textProblem(p.currentName(), false, api);
                        problem.ifPresent(m -> out.add(new FieldError(field(at), "has a key that " + m)));
                        object.key = problem.isPresent() ? "<key " + object.count + ">" : p.currentName();
                    }
                    case VALUE_STRING -> {
                        valueStarts(at);
                        boolean cardField = card && at.size() == 1 && CARD_FIELDS.contains(at.peek().key);
                        if (!cardField) {
                            textProblem(p.getText(), false, api).ifPresent(m -> out.add(new FieldError(field(at), m)));
                        }
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        valueStarts(at);
                        if (api && Sensitive.containsPan(p.getDecimalValue())) {
                            out.add(new FieldError(field(at), CARD_NUMBER));
                        }
                    }
                    default -> valueStarts(at);
                }
            }
        } catch (IOException | RuntimeException notJson) {
            // not JSON (or not only JSON): the endpoint answers that itself; what was found so far stands
        }
        return out;
    }

    private static final String CARD_NUMBER = "looks like it contains a card number; card data is not accepted";

    /** An open object (the key being read, how many it had) or array (the index being read). */
    private static final class Frame {
        final boolean array;
        String key;
        int count;
        int index = -1;

        Frame(boolean array) {
            this.array = array;
        }
    }

    private static void valueStarts(Deque<Frame> at) {
        if (!at.isEmpty() && at.peek().array) {
            at.peek().index++;
        }
    }

    /** The dotted path of what is being read: metadata.note, items[2].amount; "body" at the top. */
    private static String field(Deque<Frame> at) {
        StringBuilder sb = new StringBuilder();
        for (var it = at.descendingIterator(); it.hasNext(); ) {
            Frame f = it.next();
            if (f.array && f.index >= 0) {
                sb.append('[').append(f.index).append(']');
            } else if (!f.array && f.key != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(f.key);
            }
        }
        return sb.length() == 0 ? "body" : sb.toString();
    }

    /**
     * Why a text is refused, or empty: the NUL character or half a surrogate pair (anywhere), another control
     * character ({@code url}: in a path or query), a card number ({@code api}). The text is never repeated.
     */
    static java.util.Optional<String> textProblem(String text, boolean url, boolean api) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return java.util.Optional.of("must not contain the NUL character (\\u0000)");
            }
            if (Character.isHighSurrogate(c) && (i + 1 == n || !Character.isLowSurrogate(text.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
                return java.util.Optional.of("must not contain half of a surrogate pair (not a Unicode character)");
            }
            if (url && (c < 0x20 || c == 0x7f)) {
                return java.util.Optional.of("must not contain control characters");
            }
        }
        if (api && Sensitive.containsPan(text)) {
            return java.util.Optional.of(CARD_NUMBER);
        }
        return java.util.Optional.empty();
    }

    /** Percent-decoded UTF-8 ({@code plus}: '+' is a space, as in a query), or null when it is not that. */
    static String percentDecoded(String raw, boolean plus) {
        if (raw.indexOf('%') < 0) {
            return plus ? raw.replace('+', ' ') : raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(plus && c == '+' ? ' ' : c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
