package africa.payhub.canonical;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The hub's one JSON configuration for money: decimals stay {@link java.math.BigDecimal} end to end
 * (never double), trailing garbage is an error.
 *
 * <p>A key repeated in one object is read two ways, by who wrote it. What a client sends the hub
 * ({@link #parse}: payments, cards, authorizations, lookups, operator calls) is refused: one message, one
 * meaning. A client's gateway, its signing layer or its logs may read the first of two {@code "amount"}s
 * where the hub would read the last, so the hub accepts no message two readers could read differently.
 * What a provider sends ({@link #answer} and {@link #toNode}: its answers, error bodies and webhooks) is
 * read as any JSON reader of the provider's own document reads it, the last value winning: the provider
 * already acted on what it sent, and refusing to read its answer would only turn a known outcome into an
 * unknown one (Lipad's documented reversal answer repeats {@code "transaction_id"}).</p>
 */
public final class Json {

    public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /** Copied for each digest ({@link #sha256}). */
    private static final MessageDigest SHA_256 = newSha256();

    /** For what clients send: a repeated key is an error. */
    public static final ObjectMapper MAPPER = builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** For what providers send (answers, errors, webhooks) and what the hub wrote itself: the last of a repeated key wins. */
    public static final ObjectMapper ANSWERS = builder().build();

    private static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .nodeFactory(NODES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .findAndAddModules();
    }

    private Json() {
    }

    /** What a client sent: a key repeated in an object is refused. */
    public static JsonNode parse(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    /** What a provider sent (an answer, an error body, a webhook): a repeated key is read at its last value. */
    public static JsonNode answer(byte[] bytes) throws IOException {
        return ANSWERS.readTree(bytes);
    }

    /**
     * Parses text or bytes or a node into a node; for beans that receive whatever a route carries: provider
     * answers (a repeated key read at its last value, see {@link #answer}) and the hub's own JSON. Never for
     * what a client sent, which {@link #parse} reads.
     */
    public static JsonNode toNode(Object body) {
        try {
            if (body == null) {
                return NODES.nullNode();
            }
            if (body instanceof JsonNode node) {
                return node;
            }
            if (body instanceof byte[] bytes) {
                return bytes.length == 0 ? NODES.nullNode() : ANSWERS.readTree(bytes);
            }
            if (body instanceof String text) {
                return text.isBlank() ? NODES.nullNode() : ANSWERS.readTree(text);
            }
            if (body instanceof java.io.InputStream in) {
                byte[] bytes = in.readAllBytes();
                return bytes.length == 0 ? NODES.nullNode() : ANSWERS.readTree(bytes);
            }
            return ANSWERS.valueToTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same JSON value always gives the same text: object keys sorted, at every depth. */
    public static String canonical(JsonNode node) {
        return write(sorted(node));
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        MessageDigest digest;
        try {
            // a copy of one found once: MessageDigest.getInstance searches the security providers on every call
            digest = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            digest = newSha256();
        }
        return HexFormat.of().formatHex(digest.digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode out = NODES.objectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            var out = NODES.arrayNode();
            node.forEach(n -> out.add(sorted(n)));
            return out;
        }
        return node;
    }

}
