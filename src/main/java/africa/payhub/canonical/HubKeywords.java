package africa.payhub.canonical;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbstractJsonValidator;
import com.networknt.schema.AbstractKeyword;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonValidator;
import com.networknt.schema.Keyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.ValidationContext;
import com.networknt.schema.ValidationMessage;

/**
 * The rules a JSON Schema cannot state, as keywords the schema puts on any field it means: they know
 * nothing of operations. {@code "x-hub-money": true} on an amount object (positive, at most the currency's
 * minor digits), {@code "x-hub-currency": true} on a currency code (a known ISO 4217 code),
 * {@code "x-hub-sensitive-scan": true} on free text or a free object (no card numbers; no keys naming card
 * data or credentials), {@code "x-hub-url": true} on a URL the hub calls (no user info, no credentials in
 * the query).
 */
final class HubKeywords {

    static final String DECIMAL = "[0-9]{1,18}(\\.[0-9]{1,8})?";
    /** Compiled once: {@code String.matches} compiled its pattern on every message, twice per field. */
    private static final Pattern DECIMAL_TEXT = Pattern.compile(DECIMAL);
    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

    private HubKeywords() {
    }

    static List<Keyword> all() {
        return List.of(
                new HubKeyword("x-hub-money", HubKeywords::money),
                new HubKeyword("x-hub-currency", HubKeywords::currency),
                new HubKeyword("x-hub-sensitive-scan", HubKeywords::sensitive),
                new HubKeyword("x-hub-url", HubKeywords::url),
                new Bounded());
    }

    /** Reports a problem: where (the instance location) and what. */
    interface Problems {
        void add(JsonNodePath at, String message);
    }

    private static void money(JsonNode amount, JsonNodePath at, Problems problems) {
        JsonNode value = amount.path("value");
        if (!value.isTextual() || !DECIMAL_TEXT.matcher(value.textValue()).matches()) {
            return; // the pattern speaks
        }
        BigDecimal v = new BigDecimal(value.textValue());
        if (v.signum() <= 0) {
            problems.add(at.append("value"), "must be greater than zero");
        }
        Currency currency = knownCurrency(amount.path("currency"));
        if (currency != null && currency.getDefaultFractionDigits() >= 0 && v.scale() > currency.getDefaultFractionDigits()) {
            problems.add(at.append("value"), currency.getCurrencyCode() + " allows at most "
                    + currency.getDefaultFractionDigits() + " decimal places");
        }
    }

    private static void currency(JsonNode code, JsonNodePath at, Problems problems) {
        if (code.isTextual() && CODE.matcher(code.textValue()).matches() && knownCurrency(code) == null) {
            problems.add(at, "is not an ISO 4217 currency code");
        }
    }

    private static Currency knownCurrency(JsonNode code) {
        if (!code.isTextual() || !CODE.matcher(code.textValue()).matches()) {
            return null;
        }
        try {
            return Currency.getInstance(code.textValue());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void sensitive(JsonNode node, JsonNodePath at, Problems problems) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (Sensitive.containsPan(e.getKey())) {
                    // the key itself is not repeated: it is reported at the object that holds it
                    problems.add(at, "has a key that looks like a card number; card data is not accepted");
                } else if (Sensitive.isSensitiveKey(e.getKey())) {
                    problems.add(at.append(e.getKey()), "must not carry card data, PINs, BVNs or credentials");
                } else {
                    sensitive(e.getValue(), at.append(e.getKey()), problems);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                sensitive(node.get(i), at.append(i), problems);
            }
        } else if (node.isTextual() ? Sensitive.containsPan(node.textValue())
                : node.isNumber() && Sensitive.containsPan(node.decimalValue())) {
            problems.add(at, "looks like it contains a card number; card data is not accepted");
        }
    }

    /**
     * A URL the hub will call: parseable, with no user name or password in it and no query parameter named
     * like a credential (the value is never repeated in the answer).
     */
    private static void url(JsonNode node, JsonNodePath at, Problems problems) {
        if (!node.isTextual()) {
            return;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(node.textValue());
        } catch (java.net.URISyntaxException e) {
            problems.add(at, "is not a valid URL");
            return;
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            problems.add(at, "must not carry a user name or password");
        }
        if (uri.getHost() == null && uri.isAbsolute()) {
            problems.add(at, "must name a host");
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                String name = pair.split("=", 2)[0];
                try {
                    name = java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    problems.add(at, "has a query that is not URL-encoded");
                    return;
                }
                if (Sensitive.isSensitiveKey(name)) {
                    problems.add(at, "must not carry credentials or card data in its query");
                    return;
                }
            }
        }
    }

    /**
     * {@code "x-hub-bounded": {"maxKeys": 50, "maxDepth": 3, "maxBytes": 4096}} on a free object (metadata): at
     * most that many keys in it at every depth together, that many levels of nesting below it, and that many
     * bytes as compact JSON, so a message cannot carry an unbounded load the hub stores and shows back.
     */
    private static final class Bounded extends AbstractKeyword {

        Bounded() {
            super("x-hub-bounded");
        }

        @Override
        public JsonValidator newValidator(SchemaLocation location, JsonNodePath evaluationPath, JsonNode schemaNode,
                                          JsonSchema parent, ValidationContext context) {
            int maxKeys = schemaNode.path("maxKeys").asInt(Integer.MAX_VALUE);
            int maxDepth = schemaNode.path("maxDepth").asInt(Integer.MAX_VALUE);
            int maxBytes = schemaNode.path("maxBytes").asInt(Integer.MAX_VALUE);
            return new AbstractJsonValidator(location, evaluationPath, this, schemaNode) {
                @Override
                public Set<ValidationMessage> validate(ExecutionContext ec, JsonNode node, JsonNode root, JsonNodePath at) {
                    if (!node.isContainerNode()) {
                        return Set.of();
                    }
                    int[] keysAndDepth = new int[2];
                    measure(node, 0, keysAndDepth);
                    String problem = keysAndDepth[0] > maxKeys ? "has " + keysAndDepth[0] + " keys; at most " + maxKeys
                            + " are accepted"
                            : keysAndDepth[1] > maxDepth ? "nests " + keysAndDepth[1] + " levels deep; at most " + maxDepth
                            + " are accepted"
                            : Json.write(node).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxBytes
                            ? "is larger than " + maxBytes + " bytes as JSON" : null;
                    if (problem == null) {
                        return Set.of();
                    }
                    return Set.of(ValidationMessage.builder().type(getValue()).instanceLocation(at).schemaLocation(location)
                            .evaluationPath(evaluationPath).instanceNode(node).messageSupplier(() -> problem).build());
                }
            };
        }

        /** Counts the keys below a node and its deepest nesting below it (an object in an object: 1). */
        private static void measure(JsonNode node, int depth, int[] keysAndDepth) {
            keysAndDepth[1] = Math.max(keysAndDepth[1], depth);
            if (node.isObject()) {
                keysAndDepth[0] += node.size();
            }
            if (keysAndDepth[0] > 100_000) {
                return;
            }
            for (JsonNode child : node) {
                if (child.isContainerNode()) {
                    measure(child, depth + 1, keysAndDepth);
                }
            }
        }
    }

    /** A keyword whose value is {@code true} to apply {@code rule} to the instance. */
    private static final class HubKeyword extends AbstractKeyword {

        private final Rule rule;

        HubKeyword(String name, Rule rule) {
            super(name);
            this.rule = rule;
        }

        @Override
        public JsonValidator newValidator(SchemaLocation location, JsonNodePath evaluationPath, JsonNode schemaNode,
                                          JsonSchema parent, ValidationContext context) {
            boolean on = schemaNode.asBoolean(false);
            return new AbstractJsonValidator(location, evaluationPath, this, schemaNode) {
                @Override
                public Set<ValidationMessage> validate(ExecutionContext ec, JsonNode node, JsonNode root, JsonNodePath at) {
                    if (!on) {
                        return Set.of();
                    }
                    Set<ValidationMessage> out = new LinkedHashSet<>();
                    rule.check(node, at, (where, message) -> out.add(ValidationMessage.builder()
                            .type(getValue()).instanceLocation(where).schemaLocation(location)
                            .evaluationPath(evaluationPath).instanceNode(node).messageSupplier(() -> message).build()));
                    return out;
                }
            };
        }
    }

    @FunctionalInterface
    private interface Rule {
        void check(JsonNode node, JsonNodePath at, Problems problems);
    }
}
