package africa.payhub.reload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.serialization.node.LocationJsonNodeFactoryFactory;
import com.networknt.schema.utils.JsonNodes;

/**
 * Checks a route file against Camel's own YAML DSL JSON Schema ({@code schema/camelYamlDsl.json} in
 * camel-yaml-dsl, the schema Kaoto and the IDE plugins use), and reports each violation with its line, so
 * an integrator can fix a file from the log alone.
 */
public final class RouteSchema {

    public static final String RESOURCE = "/schema/camelYamlDsl.json";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final int MAX_ALTERNATIVES = 3;

    private RouteSchema() {
    }

    /** One problem in a route file: where (line, instance path), what, and the schema rule that says so. */
    public record Violation(int line, String path, String error, String schemaPath) {
        @Override
        public String toString() {
            return "line " + line + ": " + (path.isEmpty() ? "" : path + ": ") + error
                    + (schemaPath.isEmpty() ? "" : " (schema " + schemaPath + ")");
        }
    }

    /** The problems in a route file's text, by line: YAML that does not parse, then schema violations. */
    public static List<Violation> check(String yaml) {
        JsonNode routes;
        try {
            routes = JsonNodes.readTree(YAML, yaml, LocationJsonNodeFactoryFactory.getInstance());
        } catch (RuntimeException e) {
            return List.of(notYaml(e));
        }
        if (routes == null || routes.isMissingNode()) {
            return List.of();
        }
        return summarise(Schema.INSTANCE.validate(routes));
    }

    private static Violation notYaml(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException p) {
                int line = p.getLocation() == null ? 0 : p.getLocation().getLineNr();
                // snakeyaml's message quotes the source under each finding; the findings are the unindented lines
                String problem = p.getOriginalMessage().lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                        .collect(Collectors.joining(": "));
                return new Violation(line, "", "not valid YAML: " + problem, "");
            }
        }
        return new Violation(0, "", "not valid YAML: " + e.getMessage(), "");
    }

    /**
     * One violation per place in the file. Where the schema offers alternatives (oneOf/anyOf: an expression
     * may be written in 26 languages), the alternatives that failed at an outer level are noise when one of
     * them got further into the file: only the deepest places are kept.
     */
    private static List<Violation> summarise(Set<ValidationMessage> messages) {
        List<ValidationMessage> kept = new ArrayList<>();
        for (ValidationMessage m : messages) {
            String at = m.getInstanceLocation().toString();
            boolean alternative = m.getEvaluationPath().toString().matches(".*/(oneOf|anyOf)(/.*)?");
            boolean deeperExists = messages.stream().map(o -> o.getInstanceLocation().toString())
                    .anyMatch(o -> o.startsWith(at + "/"));
            boolean summaryOfOthers = isCombinator(m) && messages.stream()
                    .anyMatch(o -> o != m && !isCombinator(o) && o.getInstanceLocation().toString().equals(at));
            if (!(alternative && deeperExists) && !summaryOfOthers) {
                kept.add(m);
            }
        }
        Map<String, List<ValidationMessage>> byPlace = new LinkedHashMap<>();
        kept.stream().sorted(Comparator.comparing(m -> m.getEvaluationPath().toString()))
                .forEach(m -> byPlace.computeIfAbsent(m.getInstanceLocation().toString(), k -> new ArrayList<>()).add(m));
        List<Violation> out = new ArrayList<>();
        byPlace.forEach((path, list) -> {
            List<String> errors = list.stream().map(ValidationMessage::getError).distinct().toList();
            String error = String.join("; or ", errors.subList(0, Math.min(MAX_ALTERNATIVES, errors.size())))
                    + (errors.size() > MAX_ALTERNATIVES ? " (and " + (errors.size() - MAX_ALTERNATIVES) + " other forms)" : "");
            out.add(new Violation(lineOf(list.get(0)), path, error, list.get(0).getEvaluationPath().toString()));
        });
        out.sort(Comparator.comparingInt(Violation::line).thenComparing(Violation::path));
        return out;
    }

    private static boolean isCombinator(ValidationMessage m) {
        return "oneOf".equals(m.getType()) || "anyOf".equals(m.getType());
    }

    private static int lineOf(ValidationMessage m) {
        JsonLocation location = m.getInstanceNode() == null ? null : JsonNodes.tokenLocationOf(m.getInstanceNode());
        return location == null ? 0 : location.getLineNr();
    }

    /** Camel's schema, read once when first needed (about a second: it describes every EIP and component). */
    private static final class Schema {
        static final JsonSchema INSTANCE = load();

        private static JsonSchema load() {
            // the schema annotates deprecated options; that is documentation, not a rule
            JsonMetaSchema draft4 = JsonMetaSchema.builder(JsonMetaSchema.getV4())
                    .keyword(new NonValidationKeyword("deprecated")).build();
            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
                    b -> b.metaSchema(draft4));
            try (InputStream in = RouteSchema.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " not found: is camel-yaml-dsl on the class path?");
                }
                JsonSchema schema = factory.getSchema(in, SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build());
                schema.initializeValidators();
                return schema;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
