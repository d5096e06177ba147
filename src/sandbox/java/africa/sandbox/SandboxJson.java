package africa.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The simulators' own JSON: a plain Jackson mapper that keeps decimals exact, as a provider's would. */
public final class SandboxJson {

    public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setNodeFactory(NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .registerModule(new JavaTimeModule());

    private SandboxJson() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** Parses a body: a blank one is JSON null, one that is not JSON is {@code null}. */
    public static JsonNode tryParse(String text) {
        if (text == null || text.isBlank()) {
            return NODES.nullNode();
        }
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
