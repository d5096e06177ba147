package africa.payhub.canonical;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the schema says each operation carries, read from its {@code allOf} entries
 * ({@code if: operation is X, then: {properties: ...}}), so that a refused field can be explained
 * ("must not be given for X; it is for Y") without the code knowing any operation; and the schema as a message
 * of one operation meets it ({@link #narrowedTo}).
 */
final class Operations {

    private final JsonNode schema;
    private final Map<String, JsonNode> fieldsByOperation = new LinkedHashMap<>();
    /** The root {@code allOf} entries that hold for one operation only, by operation; the others apart. */
    private final Map<String, List<JsonNode>> entriesOnlyFor = new LinkedHashMap<>();
    private final List<JsonNode> entriesForAny = new ArrayList<>();

    Operations(JsonNode schema) {
        this.schema = schema;
        for (JsonNode entry : schema.path("allOf")) {
            JsonNode operation = entry.at("/if/properties/operation/const");
            if (operation.isTextual()) {
                fieldsByOperation.put(operation.textValue(), entry.at("/then/properties"));
            }
            String only = onlyFor(entry);
            if (only == null) {
                entriesForAny.add(entry);
            } else {
                entriesOnlyFor.computeIfAbsent(only, o -> new ArrayList<>()).add(entry);
            }
        }
    }

    /**
     * The operation an {@code allOf} entry holds for, when it is {@code {"if": {"required": ["operation"],
     * "properties": {"operation": {"const": X}}}, "then": ...}} with no {@code else}: for a message of any other
     * operation such an entry says nothing. Null for any other entry.
     */
    private static String onlyFor(JsonNode entry) {
        JsonNode condition = entry.path("if");
        if (entry.has("else") || !condition.isObject() || condition.path("properties").size() != 1) {
            return null;
        }
        for (Iterator<String> keys = condition.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("required") && !key.equals("properties")) {
                return null;
            }
        }
        JsonNode value = condition.path("properties").path("operation").path("const");
        return value.isTextual() ? value.asText() : null;
    }

    /** Whether some {@code allOf} entry holds for this operation only, so that {@link #narrowedTo} has one. */
    boolean narrows(String operation) {
        return entriesOnlyFor.containsKey(operation);
    }

    /**
     * The schema with only the {@code allOf} entries that can hold for a message of {@code operation} (its own,
     * and those for no operation in particular), under an {@code $id} of its own (a schema factory knows each
     * schema by it; the local {@code $ref}s resolve in the copy). For such a message it says what the whole
     * schema says, since no other operation's {@code if} holds and none has an {@code else}.
     */
    ObjectNode narrowedTo(String operation) {
        ObjectNode narrowed = schema.deepCopy();
        narrowed.put("$id", schema.path("$id").asText("urn:payment-hub:schema") + ":" + operation);
        ArrayNode allOf = narrowed.putArray("allOf");
        entriesForAny.forEach(allOf::add);
        entriesOnlyFor.get(operation).forEach(allOf::add);
        return narrowed;
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
