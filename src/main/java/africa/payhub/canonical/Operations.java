package africa.payhub.canonical;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * What the schema says each operation carries, read from its {@code allOf} entries
 * ({@code if: operation is X, then: {properties: ...}}), so that a refused field can be explained
 * ("must not be given for X; it is for Y") without the code knowing any operation.
 */
final class Operations {

    private final Map<String, JsonNode> fieldsByOperation = new LinkedHashMap<>();

    Operations(JsonNode schema) {
        for (JsonNode entry : schema.path("allOf")) {
            JsonNode operation = entry.at("/if/properties/operation/const");
            if (operation.isTextual()) {
                fieldsByOperation.put(operation.textValue(), entry.at("/then/properties"));
            }
        }
    }

    boolean isKnown(String operation) {
        return fieldsByOperation.containsKey(operation);
    }

    boolean carries(String operation, String field) {
        return fieldsByOperation.getOrDefault(operation, MissingNode.getInstance()).has(field);
    }

    /** The operations that carry a field of their own, in the schema's order. */
    List<String> carriersOf(String field) {
        List<String> out = new ArrayList<>();
        fieldsByOperation.forEach((operation, fields) -> {
            if (fields.has(field)) {
                out.add(operation);
            }
        });
        return out;
    }

    /** The description an operation gives a field of its own, if any. */
    Optional<String> description(String operation, String field) {
        JsonNode d = fieldsByOperation.get(operation).path(field).path("description");
        return d.isTextual() ? Optional.of(d.textValue()) : Optional.empty();
    }
}
