package africa.payhub.canonical;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import africa.payhub.config.HubProperties;
import africa.payhub.canonical.Refusal;
import africa.payhub.canonical.FieldError;
import org.springframework.stereotype.Component;

/**
 * Checks a posted canonical message and reports every problem at once: the JSON Schema
 * ({@code schema/payment-message.json}) for shape, then what a schema cannot say well (the currency's
 * minor digits, a positive amount, no card data or credentials in free-form fields).
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
            "provider", "must be a provider name such as monnify");

    private final JsonSchema schema;
    private final int maxBodyBytes;

    public CanonicalValidator(HubProperties properties) throws IOException {
        this.maxBodyBytes = properties.limits().maxBodyBytes();
        try (InputStream in = getClass().getResourceAsStream(SCHEMA_RESOURCE)) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        }
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
        errors.addAll(amountErrors(node));
        errors.addAll(operationErrors(node));
        errors.addAll(sensitiveDataErrors(node));
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field));
            throw Refusal.invalid(errors);
        }
        return (ObjectNode) node;
    }

    private List<FieldError> schemaErrors(JsonNode node) {
        Set<ValidationMessage> messages = schema.validate(node);
        Map<String, FieldError> byField = new LinkedHashMap<>();
        for (ValidationMessage m : messages) {
            String base = field(m.getInstanceLocation().toString());
            String property = m.getProperty();
            String type = m.getType();
            FieldError error = switch (type) {
                case "required" -> new FieldError(join(base, property), "is required");
                case "additionalProperties" -> new FieldError(join(base, property), "is not a known field");
                case "pattern" -> new FieldError(base, PATTERN_MESSAGES.getOrDefault(base, "has an invalid format"));
                case "enum" -> new FieldError(base, "must be one of " + m.getArguments()[0]);
                case "const" -> new FieldError(base, "must be " + m.getArguments()[0] + " for this operation");
                case "type" -> new FieldError(base, "must be " + article(String.valueOf(m.getArguments()[1])));
                case "maxLength" -> new FieldError(base, "must be at most " + m.getArguments()[0] + " characters");
                case "minLength" -> new FieldError(base, "must not be empty");
                default -> new FieldError(base, stripPath(m.getMessage()));
            };
            byField.putIfAbsent(error.field() + "|" + error.message(), error);
        }
        return new ArrayList<>(byField.values());
    }

    private static List<FieldError> amountErrors(JsonNode node) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode amount = node.path("amount");
        JsonNode value = amount.path("value");
        JsonNode currency = amount.path("currency");
        Currency cur = null;
        if (currency.isTextual() && currency.textValue().matches("[A-Z]{3}")) {
            try {
                cur = Currency.getInstance(currency.textValue());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("amount.currency", "is not an ISO 4217 currency code"));
            }
        }
        if (value.isTextual() && value.textValue().matches("[0-9]{1,18}(\\.[0-9]{1,8})?")) {
            BigDecimal v = new BigDecimal(value.textValue());
            if (v.signum() <= 0) {
                errors.add(new FieldError("amount.value", "must be greater than zero"));
            }
            if (cur != null && cur.getDefaultFractionDigits() >= 0 && v.scale() > cur.getDefaultFractionDigits()) {
                errors.add(new FieldError("amount.value", cur.getCurrencyCode() + " allows at most "
                        + cur.getDefaultFractionDigits() + " decimal places"));
            }
        }
        return errors;
    }

    /** What a schema says poorly: fields an operation must not carry. */
    private static List<FieldError> operationErrors(JsonNode node) {
        List<FieldError> errors = new ArrayList<>();
        String operation = node.path("operation").asText("");
        boolean moneyless = operation.equals("WALLET_OPEN") || operation.equals("REVERSAL");
        if (moneyless && node.has("amount")) {
            errors.add(new FieldError("amount", "must not be given for " + operation
                    + (operation.equals("REVERSAL") ? " (the original payment's amount is reversed)" : "")));
        }
        if (!operation.equals("WALLET_OPEN") && node.has("currency")) {
            errors.add(new FieldError("currency", "is only for WALLET_OPEN; give amount.currency"));
        }
        if (!operation.equals("REVERSAL") && node.has("reversalOf")) {
            errors.add(new FieldError("reversalOf", "is only for REVERSAL"));
        }
        if (operation.equals("WALLET_TOPUP") && node.path("destination").isObject()
                && !node.path("destination").hasNonNull("phone") && !node.path("destination").hasNonNull("email")) {
            errors.add(new FieldError("destination", "a WALLET_TOPUP finds the wallet by phone or email: give one of them"));
        }
        JsonNode currency = node.path("currency");
        if (currency.isTextual() && currency.textValue().matches("[A-Z]{3}")) {
            try {
                Currency.getInstance(currency.textValue());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("currency", "is not an ISO 4217 currency code"));
            }
        }
        return errors;
    }

    private static List<FieldError> sensitiveDataErrors(JsonNode node) {
        List<FieldError> errors = new ArrayList<>();
        scan(node.path("metadata"), "metadata", errors);
        for (String field : List.of("narration", "customer.name", "destination.accountName")) {
            JsonNode v = node.at("/" + field.replace('.', '/'));
            if (v.isTextual() && Sensitive.containsPan(v.textValue())) {
                errors.add(new FieldError(field, "looks like it contains a card number; card data is not accepted"));
            }
        }
        return errors;
    }

    private static void scan(JsonNode node, String path, List<FieldError> errors) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path + "." + e.getKey();
                if (Sensitive.isSensitiveKey(e.getKey())) {
                    errors.add(new FieldError(p, "must not carry card data, PINs, BVNs or credentials"));
                } else {
                    scan(e.getValue(), p, errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                scan(node.get(i), path + "[" + i + "]", errors);
            }
        } else if ((node.isTextual() || node.isIntegralNumber()) && Sensitive.containsPan(node.asText())) {
            errors.add(new FieldError(path, "looks like a card number; card data is not accepted"));
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
