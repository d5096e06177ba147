package africa.payhub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;

/**
 * Every answer the hub gives the tests, held against the OpenAPI document (src/main/resources/openapi/payment-hub.yaml)
 * with networknt's JSON Schema validator in its OpenAPI 3.1 dialect: the path and method are documented, the status
 * is one of the operation's responses, the Content-Type one of that response's media types, a body is sent exactly
 * when the response describes one, and the body obeys the media type's schema (formats such as date-time and uuid
 * asserted). {@link HubTestSupport}'s HTTP helpers call {@link #check} on every answer, so an answer that drifts from
 * the document fails the test that received it. Paths outside the API (the simulators under /sandbox, the actuator,
 * the consoles and pages) are not the document's business and are let through.
 */
final class ResponseContract {

    static final Path DOCUMENT = Path.of("src/main/resources/openapi/payment-hub.yaml");
    private static final String IRI = "urn:payment-hub:openapi";
    /** Where the document speaks: the API, the providers' webhooks and the partner endpoints. */
    private static final List<String> COVERED = List.of("/api/v1/", "/webhooks/", "/partners/");
    /** Routes a test adds to the running hub for itself (InlineRoutesTest): no part of the API. */
    private static final Set<String> TEST_ROUTES = Set.of("/api/v1/inline-probe");
    private static final Set<String> JSON = Set.of("application/json", "application/problem+json", "application/schema+json");

    static final ResponseContract INSTANCE = new ResponseContract();

    private final JsonNode document;
    private final List<Template> templates = new ArrayList<>();
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private record Template(String path, Pattern pattern, int literals) {
    }

    private ResponseContract() {
        try {
            this.document = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(DOCUMENT));
            String json = new ObjectMapper().writeValueAsString(document);
            this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b
                    .metaSchema(OpenApi31.getInstance())
                    .defaultMetaSchemaIri(OpenApi31.getInstance().getIri())
                    .schemaLoaders(l -> l.schemas(Map.of(IRI, json))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).discriminatorKeywordEnabled(true).build();
        document.path("paths").fieldNames().forEachRemaining(path -> {
            String regex = Pattern.quote(path).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
            templates.add(new Template(path, Pattern.compile(regex), path.replaceAll("\\{[^}/]+}", "").length()));
        });
        // a literal segment wins over a parameter (/api/v1/payments/x/events before /api/v1/providers/{provider}/{call})
        templates.sort(Comparator.comparingInt(Template::literals).reversed());
    }

    /** The violations of one answer; empty when it obeys the document or is not the document's business. */
    List<String> violations(String method, URI uri, int status, String contentType, String body) {
        String path = uri.getRawPath();
        if (COVERED.stream().noneMatch(path::startsWith) || TEST_ROUTES.contains(path)) {
            return List.of();
        }
        String template = templates.stream().filter(t -> t.pattern().matcher(path).matches()).map(Template::path)
                .findFirst().orElse(null);
        if (template == null) {
            return status == 404 ? List.of() : List.of("the path is not in the document (answered " + status + ")");
        }
        JsonNode operation = document.path("paths").path(template).path(method.toLowerCase());
        if (operation.isMissingNode()) {
            return status == 404 || status == 405 ? List.of() : List.of(method + " " + template + " is not in the document");
        }
        String where = "/paths/" + escape(template) + "/" + method.toLowerCase() + "/responses";
        JsonNode responses = operation.path("responses");
        String code = String.valueOf(status);
        if (!responses.has(code)) {
            code = code.charAt(0) + "XX";
            if (!responses.has(code)) {
                code = "default";
            }
        }
        if (!responses.has(code)) {
            return List.of("status " + status + " is not one of the documented " + names(responses));
        }
        where += "/" + escape(code);
        JsonNode response = responses.path(code);
        if (response.has("$ref")) {
            where = response.path("$ref").asText().substring(1);
            response = document.at(where);
        }
        JsonNode content = response.path("content");
        boolean empty = body == null || body.isEmpty();
        if (content.isMissingNode() || content.isEmpty()) {
            return empty ? List.of() : List.of("status " + status + " documents no body, but one came (" + contentType + ")");
        }
        if (empty) {
            return List.of("status " + status + " documents a body " + names(content) + ", but none came");
        }
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase();
        if (!content.has(type)) {
            return List.of("Content-Type " + contentType + " is not one of the documented " + names(content));
        }
        JsonNode schema = content.path(type).path("schema");
        if (schema.isMissingNode() || !JSON.contains(type)) {
            return List.of();
        }
        JsonSchema checker = schemas.computeIfAbsent(where + "/content/" + escape(type) + "/schema",
                pointer -> factory.getSchema(SchemaLocation.of(IRI + "#" + pointer), config));
        List<String> out = new ArrayList<>();
        try {
            for (ValidationMessage m : checker.validate(body, com.networknt.schema.InputFormat.JSON)) {
                out.add(m.getInstanceLocation() + ": " + m.getMessage() + " [" + m.getSchemaLocation() + "]");
            }
        } catch (RuntimeException e) {
            out.add("the body is not JSON: " + e.getMessage());
        }
        return out;
    }

    /**
     * Fails with every violation of one answer, naming the request and showing the body; with
     * {@code -Dopenapi.responses.report=FILE}, writes them to FILE instead and goes on, to list a whole run's drift at once.
     */
    void check(String method, URI uri, int status, String contentType, String body) {
        List<String> found = violations(method, uri, status, contentType, body);
        if (found.isEmpty()) {
            return;
        }
        String shown = body == null ? "" : body.length() > 2000 ? body.substring(0, 2000) + "..." : body;
        String report = "The answer to " + method + " " + uri.getRawPath() + " (" + status + ") breaks the OpenAPI document "
                + DOCUMENT + ":\n  " + String.join("\n  ", found) + "\nbody: " + shown;
        String file = System.getProperty("openapi.responses.report");
        if (file == null) {
            throw new AssertionError(report);
        }
        try {
            Files.writeString(Path.of(file), report + "\n\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String names(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out.toString();
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
