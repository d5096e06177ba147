package africa.payhub.config;

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
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.serialization.node.LocationJsonNodeFactoryFactory;
import com.networknt.schema.utils.JsonNodes;

/**
 * Checks a YAML file an integrator writes by hand against a JSON Schema, and reports each violation with its
 * line and the schema rule it breaks, so the file can be fixed from the log alone.
 */
public final class SchemaCheck {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final int MAX_ALTERNATIVES = 3;

    private SchemaCheck() {
    }

    /** One problem in a file: where (line, instance path), what, and the schema rule that says so. */
    public record Violation(int line, String path, String error, String schemaPath) {
        @Override
        public String toString() {
            return "line " + line + ": " + (path.isEmpty() ? "" : path + ": ") + error
                    + (schemaPath.isEmpty() ? "" : " (schema " + schemaPath + ")");
        }
    }

    /** A YAML text whose nodes know their line ({@link #lineOf}); throws what Jackson throws on bad YAML. */
    public static JsonNode readLocated(String yaml) {
        return JsonNodes.readTree(YAML, yaml, LocationJsonNodeFactoryFactory.getInstance());
    }

    /** The line of a node read by {@link #readLocated}, or 0. */
    public static int lineOf(JsonNode node) {
        JsonLocation location = node == null ? null : JsonNodes.tokenLocationOf(node);
        return location == null ? 0 : location.getLineNr();
    }

    /** The problems in a YAML text, by line: YAML that does not parse, then schema violations. */
    public static List<Violation> check(JsonSchema schema, String yaml) {
        JsonNode node;
        try {
            node = readLocated(yaml);
        } catch (RuntimeException e) {
            return List.of(notYaml(e));
        }
        if (node == null || node.isMissingNode()) {
            return List.of();
        }
        return summarise(schema.validate(node));
    }

    /** The violation a text that is not YAML makes, with the line the parser stopped at. */
    public static Violation notYaml(RuntimeException e) {
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
    public static List<Violation> summarise(Set<ValidationMessage> messages) {
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

    /** The line of the place; for a key the schema does not allow whose value is a scalar, the key's own line. */
    private static int lineOf(ValidationMessage m) {
        JsonNode node = m.getInstanceNode();
        JsonNode value = m.getProperty() == null || node == null ? null : node.get(m.getProperty());
        return lineOf(value != null && value.isValueNode() ? value : node);
    }

    private static boolean isCombinator(ValidationMessage m) {
        return "oneOf".equals(m.getType()) || "anyOf".equals(m.getType());
    }
}
