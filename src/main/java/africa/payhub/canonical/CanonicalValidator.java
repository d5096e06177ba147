package africa.payhub.canonical;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidatorTypeCode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import africa.payhub.config.HubProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Checks a posted canonical message and reports every problem at once, all from the JSON Schema
 * ({@code schema/payment-message.json}): the fields, what each operation requires and carries (its own schema,
 * which the schema's {@code discriminator} names), and the hub's keywords for what a schema cannot say
 * ({@link HubKeywords}: minor digits, card data). This class knows no operation; it only turns the schema's
 * findings into {@code {field, message}} and refuses the NUL character anywhere.
 */
@Component("canonicalValidator")
public class CanonicalValidator {

    public static final String SCHEMA_RESOURCE = "/schema/payment-message.json";

    private static final Map<String, String> PATTERN_MESSAGES = Map.of(
            "messageId", "must be 1-64 characters of A-Z a-z 0-9 . _ : -",
            "amount.value", "must be a positive decimal string such as \"2500.00\"",
            "amount.currency", "must be an ISO 4217 currency code such as NGN",
            "callbackUrl", "must be an http or https URL",
            "currency", "must be an ISO 4217 currency code such as KES",
            "provider", "must be a provider name such as monnify",
            "requestId", "must be 1-64 characters of A-Z a-z 0-9 . _ : -");

    private final JsonNode document;
    private final JsonSchema schema;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final boolean narrow;
    /** Each operation's own schema (see {@link #schemaFor}), made on first use. */
    private final Map<String, JsonSchema> byOperation = new ConcurrentHashMap<>();
    private final Operations operations;
    private final int maxBodyBytes;

    @Autowired
    public CanonicalValidator(HubProperties properties) throws IOException {
        this(properties.limits().maxBodyBytes());
    }

    CanonicalValidator(int maxBodyBytes) throws IOException {
        this(SCHEMA_RESOURCE, maxBodyBytes);
    }

    /** A validator of another document of the API by its JSON Schema (a classpath resource), e.g. a data request. */
    public CanonicalValidator(String schemaResource, int maxBodyBytes) throws IOException {
        this(schemaResource, maxBodyBytes, true);
    }

    /** {@code narrow} false: every message against the whole document, its {@code oneOf} of every operation (to show that both agree). */
    CanonicalValidator(String schemaResource, int maxBodyBytes, boolean narrow) throws IOException {
        this.maxBodyBytes = maxBodyBytes;
        this.narrow = narrow;
        try (InputStream in = getClass().getResourceAsStream(schemaResource)) {
            this.document = Json.MAPPER.readTree(in);
        }
        // discriminator: the OpenAPI keyword naming the property that picks the operation's schema (Operations reads it)
        JsonMetaSchema hub = JsonMetaSchema.builder(JsonMetaSchema.getV202012()).keywords(HubKeywords.all())
                .keyword(ValidatorTypeCode.DISCRIMINATOR).build();
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(hub));
        this.config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .regularExpressionFactory(WholeInputPatterns.INSTANCE)
                .errorMessageKeyword("errorMessage")
                .build();
        this.schema = factory.getSchema(document, config);
        this.operations = new Operations(document);
    }

    /**
     * The schema for a message, picked as the discriminator says: its operation's own schema
     * ({@link Operations#schemaOf}), so that its findings are that operation's alone; a message of no known
     * operation meets the fields all operations share ({@link Operations#envelope}). A schema without a
     * discriminator (the data request's) is used whole.
     */
    private JsonSchema schemaFor(JsonNode message) {
        if (!narrow || operations.property() == null) {
            return schema;
        }
        JsonNode operation = message.path(operations.property());
        String key = operation.isTextual() && operations.isKnown(operation.asText()) ? operation.asText() : "";
        return byOperation.computeIfAbsent(key, op -> factory.getSchema(
                op.isEmpty() ? operations.envelope() : operations.schemaOf(op), config));
    }

    /** The message as a JSON object, or a 400 listing every problem found. */
    public ObjectNode validate(byte[] body) {
        if (body == null || body.length == 0) {
            throw Refusal.invalid("body", "the request body is empty; send a canonical payment message as JSON");
        }
        if (body.length > maxBodyBytes) {
            throw Refusal.invalid("body", "the request body is " + body.length + " bytes; the limit is " + maxBodyBytes);
        }
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw Refusal.invalid("body", "malformed JSON" + where + ": " + Sensitive.maskPans(e.getOriginalMessage()));
        } catch (IOException e) {
            throw Refusal.invalid("body", "the request body could not be read as JSON");
        }
        if (node == null || !node.isObject()) {
            throw Refusal.invalid("body", "must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>(schemaErrors(node));
        nulErrors(node, "", errors);
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field));
            throw Refusal.invalid(errors);
        }
        return (ObjectNode) node;
    }

    private List<FieldError> schemaErrors(JsonNode node) {
        String operation = operations.property() == null ? "" : node.path(operations.property()).asText("");
        Map<String, FieldError> distinct = new LinkedHashMap<>();
        JsonSchema checking = schemaFor(node);
        for (ValidationMessage m : checking.validate(node)) {
            FieldError error = fieldError(m, operation, checking.getSchemaNode());
            if (error != null) {
                distinct.putIfAbsent(error.field() + "|" + error.message(), error);
            }
        }
        return new ArrayList<>(distinct.values());
    }

    /** One schema finding as {@code {field, message}}, or null when it is no problem of its own. */
    private FieldError fieldError(ValidationMessage m, String operation, JsonNode checked) {
        String base = field(m.getInstanceLocation().toString());
        FieldError anyOf = anyOfError(m, base, checked);
        if (anyOf != null) {
            return anyOf;
        }
        String property = m.getProperty();
        return switch (m.getType()) {
            case "required" -> new FieldError(join(base, property), "is required");
            case "additionalProperties", "unevaluatedProperties" -> base.isEmpty()
                    ? misplaced(property, operation)
                    : new FieldError(join(base, property), "is not a known field");
            case "pattern" -> new FieldError(base, PATTERN_MESSAGES.getOrDefault(base, "has an invalid format"));
            case "enum" -> new FieldError(base, "must be one of " + m.getArguments()[0]);
            case "const" -> new FieldError(base, "must be " + m.getSchemaNode().asText() + " for " + operation);
            case "type" -> new FieldError(base, "must be " + article(String.valueOf(m.getArguments()[1])));
            case "maxLength" -> new FieldError(base, "must be at most " + m.getArguments()[0] + " characters");
            case "minLength" -> new FieldError(base, "must not be empty");
            default -> new FieldError(base, stripPath(m.getMessage()));
        };
    }

    /**
     * A field the message's operation does not carry: named with the operations that carry it. For a message of
     * no known operation, a field some operation carries is no problem of its own (the operation is reported).
     */
    private FieldError misplaced(String field, String operation) {
        List<String> carriers = operations.carriersOf(field);
        if (carriers.isEmpty()) {
            return new FieldError(field, "is not a known field");
        }
        if (!operations.isKnown(operation) || operations.carries(operation, field)) {
            return null;
        }
        String message = "must not be given for " + operation + "; it is for " + listed(carriers);
        // the field's description, when every operation that carries it says the same
        java.util.Set<String> said = new java.util.HashSet<>();
        carriers.forEach(c -> said.add(operations.description(c, field).orElse("")));
        if (said.size() == 1 && !said.contains("")) {
            message += " (" + said.iterator().next() + ")";
        }
        return new FieldError(field, message);
    }

    /**
     * What went wrong inside an {@code anyOf} is one problem, that none of its shapes fits, said by the
     * schema's {@code errorMessage.anyOf} next to it (the ajv-errors convention); null outside an anyOf.
     */
    /** {@code checked}: the schema document the finding's location points into (whole or narrowed). */
    private FieldError anyOfError(ValidationMessage m, String base, JsonNode checked) {
        JsonNodePath location = m.getSchemaLocation().getFragment();
        StringBuilder pointer = new StringBuilder();
        String anyOf = null;
        for (int i = 0; i < location.getNameCount(); i++) {
            if ("anyOf".equals(String.valueOf(location.getElement(i)))) {
                anyOf = pointer.toString();
            }
            pointer.append('/').append(location.getElement(i));
        }
        if (anyOf == null) {
            return null;
        }
        JsonNode said = checked.at(anyOf).path("errorMessage").path("anyOf");
        return new FieldError(base.isEmpty() ? "body" : base, said.isTextual() ? said.textValue() : "matches none of the shapes allowed here");
    }

    private static String listed(List<String> names) {
        int shown = Math.min(names.size(), 5);
        String out = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? out + " and " + (names.size() - shown) + " more" : out;
    }

    /** No text anywhere in the message may carry U+0000: it ends strings in C and in PostgreSQL. */
    private static void nulErrors(JsonNode node, String path, List<FieldError> errors) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getKey().indexOf('\0') >= 0) {
                    errors.add(new FieldError(p.replace("\0", "\\u0000"), "a field name must not contain the NUL character (\\u0000)"));
                } else {
                    nulErrors(e.getValue(), p, errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                nulErrors(node.get(i), path + "[" + i + "]", errors);
            }
        } else if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
            errors.add(new FieldError(path, "must not contain the NUL character (\\u0000)"));
        }
    }

    /** "/destination/accountNumber" -> "destination.accountNumber"; "" -> "body". */
    private static String field(String pointer) {
        if (pointer == null || pointer.isEmpty() || "/".equals(pointer)) {
            return "";
        }
        return pointer.substring(1).replace('/', '.');
    }

    private static String join(String base, String property) {
        if (property == null) {
            return base.isEmpty() ? "body" : base;
        }
        return base.isEmpty() ? property : base + "." + property;
    }

    private static String article(String type) {
        return switch (type) {
            case "object", "array", "integer" -> "an " + type;
            default -> "a " + type;
        };
    }

    private static String stripPath(String message) {
        int i = message.indexOf(": ");
        return i > 0 && message.startsWith("/") ? message.substring(i + 2) : message;
    }
}
