package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    /** The JSON Schemas the hub validates with, by the name of the component each becomes. */
    static final Map<String, Path> SCHEMAS = new LinkedHashMap<>();

    static {
        SCHEMAS.put("PaymentMessage", Path.of("src/main/resources/schema/payment-message.json"));
        SCHEMAS.put("DataRequestMessage", Path.of("src/main/resources/schema/data-request.json"));
    }
    static final String MARKER = "    # ---- generated from src/main/resources/schema/*.json by OpenApiContractTest: do not edit below";

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

    /**
     * The payment view as the hub builds it (PaymentViews): every property always there, null when it does not
     * apply, and the document saying so, so that a client generated from it reads a missing value as null and never
     * as an absent key. clientId, which only search results carry, is the one exception.
     */
    @Test
    void thePaymentViewDeclaresEveryPropertyAlwaysPresentAndTheOptionalOnesNullable() throws Exception {
        JsonNode schemas = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile()).path("components").path("schemas");
        JsonNode payment = schemas.path("Payment");
        List<String> properties = new ArrayList<>();
        payment.path("properties").fieldNames().forEachRemaining(properties::add);
        List<String> required = new ArrayList<>();
        payment.path("required").forEach(r -> required.add(r.asText()));
        assertThat(required).containsExactlyInAnyOrderElementsOf(properties.stream().filter(p -> !p.equals("clientId")).toList());
        for (String nullable : List.of("reasonCode", "reversalOf", "batchId", "itemId", "routing", "statusReason", "providerReference")) {
            assertThat(payment.path("properties").path(nullable).path("type").toString()).as(nullable).contains("\"null\"");
        }
        JsonNode item = schemas.path("Batch").path("properties").path("items").path("items");
        assertThat(item.path("required").toString()).contains("\"reasonCode\"");
        assertThat(item.path("properties").path("reasonCode").path("type").toString()).contains("\"null\"");
    }

    @Test
    void theBundledSchemasAreTheSchemaFiles() throws Exception {
        String document = Files.readString(DOCUMENT);
        String expected = bundled();
        int at = document.indexOf(MARKER);
        assertThat(at).as("the document ends with the components generated from the schema files").isPositive();
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(DOCUMENT, document.substring(0, at) + MARKER + "\n" + expected);
            document = Files.readString(DOCUMENT);
        }
        assertThat(document.substring(at + MARKER.length() + 1))
                .as("the components generated from " + SCHEMAS.values() + " differ from the schema files"
                        + ": run ./mvnw test -Dtest=OpenApiContractTest -Dopenapi.update=true")
                .isEqualTo(expected);
    }

    /**
     * The schema files as components: each file's root under its name ({@code PaymentMessage}), and each of its
     * {@code $defs} as a component of its own (so that generators name the types PayoutMessage, Money, ... and
     * nothing named {@code $defs} reaches them), every reference to a {@code $defs} entry pointed at that
     * component; no $id or $schema; the hub's {@code errorMessage} keyword (wording for an anyOf) as the extension
     * {@code x-errorMessage}, which OpenAPI tools accept.
     */
    static String bundled() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> components = new LinkedHashMap<>();
        for (Map.Entry<String, Path> file : SCHEMAS.entrySet()) {
            ObjectNode schema = (ObjectNode) json.readTree(Files.readString(file.getValue(), StandardCharsets.UTF_8));
            schema.remove("$schema");
            schema.remove("$id");
            JsonNode defs = schema.remove("$defs");
            add(components, file.getKey(), schema);
            if (defs != null) {
                defs.fields().forEachRemaining(d -> add(components, d.getKey(), d.getValue()));
            }
        }
        components.values().forEach(OpenApiContractTest::rebase);
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
        StringBuilder out = new StringBuilder();
        components.forEach((name, schema) -> {
            out.append("    ").append(name).append(":\n");
            try {
                for (String line : json.writer(printer).writeValueAsString(schema).split("\n")) {
                    out.append("      ").append(line).append('\n');
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return out.toString();
    }

    private static void add(Map<String, JsonNode> components, String name, JsonNode schema) {
        if (components.put(name, schema) != null) {
            throw new IllegalStateException("two schema files define " + name + ": rename one of them");
        }
    }

    private static void rebase(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode ref = o.get("$ref");
            if (ref != null && ref.asText().startsWith("#/$defs/")) {
                o.set("$ref", TextNode.valueOf(component(ref.asText())));
            }
            if (o.get("mapping") instanceof ObjectNode mapping && o.has("propertyName")) {
                mapping.fields().forEachRemaining(e -> e.setValue(TextNode.valueOf(component(e.getValue().asText()))));
            }
            JsonNode wording = o.remove("errorMessage");
            if (wording != null) {
                o.set("x-errorMessage", wording);
            }
        }
        node.forEach(OpenApiContractTest::rebase);
    }

    private static String component(String ref) {
        return ref.startsWith("#/$defs/") ? "#/components/schemas/" + ref.substring("#/$defs/".length()) : ref;
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
