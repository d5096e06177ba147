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
 * The message schema's operations, read from its {@code discriminator}: each value of the discriminating
 * property ({@code operation}) names the schema of its own under {@code $defs} ({@code PayoutMessage}, ...), the
 * one a message of that operation is checked against ({@link #schemaOf}), and what it carries, so that a refused
 * field can be explained ("must not be given for X; it is for Y") without the code knowing any operation. A
 * message whose operation is missing or unknown is checked against {@link #envelope}: the fields every
 * operation's schema declares alike.
 */
final class Operations {

    private final JsonNode schema;
    private final String property;
    /** Operation -> the pointer of its schema ({@code /$defs/PayoutMessage}), in the mapping's order. */
    private final Map<String, String> pointers = new LinkedHashMap<>();
    private final Map<String, JsonNode> fieldsByOperation = new LinkedHashMap<>();

    Operations(JsonNode schema) {
        this.schema = schema;
        JsonNode discriminator = schema.path("discriminator");
        this.property = discriminator.path("propertyName").asText(null);
        for (Iterator<Map.Entry<String, JsonNode>> it = discriminator.path("mapping").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String ref = e.getValue().asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("the discriminator maps " + e.getKey() + " outside the schema: " + ref);
            }
            String pointer = ref.substring(1);
            JsonNode target = schema.at(pointer);
            if (!target.isObject()) {
                throw new IllegalArgumentException("the discriminator maps " + e.getKey() + " to nothing: " + ref);
            }
            pointers.put(e.getKey(), pointer);
            fieldsByOperation.put(e.getKey(), target.path("properties"));
        }
    }

    /** The property that tells the operations apart ({@code operation}), or null for a schema without a discriminator. */
    String property() {
        return property;
    }

    /** The operations, in the discriminator mapping's order. */
    List<String> names() {
        return List.copyOf(pointers.keySet());
    }

    boolean isKnown(String operation) {
        return pointers.containsKey(operation);
    }

    /**
     * The operation's own schema as a document of its own: the schema file with {@code $ref} to the operation's
     * entry as its root, under an {@code $id} of its own (a schema factory knows each schema by it; the local
     * {@code $ref}s resolve in the copy, and a finding's schema location points into it).
     */
    ObjectNode schemaOf(String operation) {
        return rooted(":" + operation, Json.object().put("$ref", "#" + pointers.get(operation)));
    }

    /**
     * What a message of no known operation is checked against: its operation required and one of the mapping's, and
     * the fields every operation declares alike (the same schema, or the same {@code $ref} with more said beside it).
     * A field some operation carries is let be (whether it belongs depends on the operation); any other is refused.
     */
    ObjectNode envelope() {
        ObjectNode properties = Json.object();
        List<JsonNode> all = new ArrayList<>(fieldsByOperation.values());
        all.forEach(fields -> fields.fieldNames().forEachRemaining(f -> properties.put(f, true)));
        if (!all.isEmpty()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = all.get(0).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode shared = shared(e.getKey(), all);
                if (shared != null) {
                    properties.set(e.getKey(), shared);
                }
            }
        }
        ObjectNode enumerated = Json.object();
        names().forEach(enumerated.putArray("enum")::add);
        properties.set(property, enumerated);
        ObjectNode envelope = Json.object().put("type", "object");
        envelope.set("required", requiredByAll());
        envelope.set("properties", properties);
        envelope.put("additionalProperties", false);
        return rooted(":envelope", envelope);
    }

    private static JsonNode shared(String field, List<JsonNode> all) {
        JsonNode first = all.get(0).get(field);
        boolean same = true;
        boolean sameRef = first.has("$ref");
        for (JsonNode fields : all) {
            JsonNode other = fields.get(field);
            if (other == null) {
                return null;
            }
            same &= other.equals(first);
            sameRef &= other.path("$ref").equals(first.path("$ref"));
        }
        return same ? first : sameRef ? Json.object().put("$ref", first.get("$ref").asText()) : null;
    }

    private ArrayNode requiredByAll() {
        ArrayNode out = Json.NODES.arrayNode();
        List<String> operations = names();
        if (operations.isEmpty()) {
            return out;
        }
        for (JsonNode r : schema.at(pointers.get(operations.get(0))).path("required")) {
            boolean everywhere = operations.stream().allMatch(o -> {
                for (JsonNode other : schema.at(pointers.get(o)).path("required")) {
                    if (other.equals(r)) {
                        return true;
                    }
                }
                return false;
            });
            if (everywhere) {
                out.add(r);
            }
        }
        return out;
    }

    private ObjectNode rooted(String suffix, ObjectNode root) {
        ObjectNode out = Json.object();
        if (schema.has("$schema")) {
            out.set("$schema", schema.get("$schema"));
        }
        out.put("$id", schema.path("$id").asText("urn:payment-hub:schema") + suffix);
        out.setAll(root);
        out.set("$defs", schema.path("$defs"));
        return out;
    }

    boolean carries(String operation, String field) {
        return fieldsByOperation.getOrDefault(operation, MissingNode.getInstance()).has(field);
    }

    /** The operations that carry a field, in the mapping's order. */
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
