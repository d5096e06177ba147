package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document (src/main/resources/openapi/payment-hub.yaml) as tools read it: valid OpenAPI 3.1 for
 * swagger-parser (the validator openapi-generator and swagger-cli are built on), self-contained (every
 * {@code $ref} points into the document), and carrying the canonical message's JSON Schema exactly as the
 * schema file says it. The same document is fed to openapi-generator at build time, validation on
 * (pom.xml), and the generated client is used by OpenApiClientTest. No Spring context: it runs in a second.
 */
class OpenApiContractTest {

    static final Path DOCUMENT = Path.of("src/main/resources/openapi/payment-hub.yaml");
    static final Path SCHEMA = Path.of("src/main/resources/schema/payment-message.json");
    static final String MARKER = "    PaymentMessage:";

    @Test
    void theDocumentIsValidOpenApi31() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIParser().readLocation(DOCUMENT.toUri().toString(), null, options);
        assertThat(result.getMessages()).as("validation messages").isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(result.getOpenAPI().getPaths()).containsKeys("/api/v1/payments", "/api/v1/callbacks", "/api/v1/ops/summary");
    }

    @Test
    void everyReferencePointsIntoTheDocumentAndNoFlowMappingGrewJunkKeys() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
        List<String> outside = new ArrayList<>();
        List<String> junk = new ArrayList<>();
        walk(doc, "", outside, junk);
        assertThat(outside).as("$refs a saved copy cannot resolve").isEmpty();
        // an unquoted "description: a, b" in a flow mapping becomes a key "b" with a null value
        assertThat(junk).as("keys with no value (an unquoted comma in a flow mapping?)").isEmpty();
    }

    @Test
    void theBundledMessageSchemaIsTheSchemaFile() throws Exception {
        String document = Files.readString(DOCUMENT);
        String expected = bundled();
        int at = document.indexOf(MARKER);
        assertThat(at).as("the document ends with the PaymentMessage component").isPositive();
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(DOCUMENT, document.substring(0, at) + MARKER + "\n" + expected);
            document = Files.readString(DOCUMENT);
        }
        assertThat(document.substring(at + MARKER.length() + 1))
                .as("components/schemas/PaymentMessage differs from " + SCHEMA
                        + ": run ./mvnw test -Dtest=OpenApiContractTest -Dopenapi.update=true")
                .isEqualTo(expected);
    }

    /**
     * The schema file as a component: no $id or $schema, its $defs references rooted at the component, and
     * the hub's {@code errorMessage} keyword (wording for an anyOf) as the extension {@code x-errorMessage},
     * which OpenAPI tools accept.
     */
    static String bundled() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema = (ObjectNode) json.readTree(Files.readString(SCHEMA, StandardCharsets.UTF_8));
        schema.remove("$schema");
        schema.remove("$id");
        rebase(schema);
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
        String text = json.writer(printer).writeValueAsString(schema);
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            out.append("      ").append(line).append('\n');
        }
        return out.toString();
    }

    private static void rebase(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode ref = o.get("$ref");
            if (ref != null && ref.asText().startsWith("#/$defs/")) {
                o.set("$ref", TextNode.valueOf("#/components/schemas/PaymentMessage" + ref.asText().substring(1)));
            }
            JsonNode wording = o.remove("errorMessage");
            if (wording != null) {
                o.set("x-errorMessage", wording);
            }
        }
        node.forEach(OpenApiContractTest::rebase);
    }

    private static void walk(JsonNode node, String where, List<String> outside, List<String> junk) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String path = where + "/" + e.getKey();
                if (e.getKey().equals("$ref") && !e.getValue().asText().startsWith("#/")) {
                    outside.add(path + " -> " + e.getValue().asText());
                }
                // "default: null" or "example: null" would be meant; a bare key with nothing is not
                if (e.getValue().isNull() && !List.of("default", "example", "const").contains(e.getKey())) {
                    junk.add(path);
                }
                walk(e.getValue(), path, outside, junk);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), where + "/" + i, outside, junk);
            }
        }
    }
}
