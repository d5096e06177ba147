package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.FieldError;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.canonical.Refusal;
import africa.payhub.config.ProviderDeclaration;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Calls operators make at a provider, as its declaration names them ({@code operatorCalls}): a wallet
 * created or listed, a limit profile updated, a bulk transfer's transactions read. Not payments: no state
 * changes in the hub. The input is checked against the declared fields before anything is sent; the call
 * goes through {@code <provider>-operator-<call>} (request mapping, the provider's transport, response
 * mapping), authenticated as the call's own {@code auth} says, else as the provider's; every call is
 * recorded in {@code operator_calls} with its input redacted. A refusal by the provider is a 422, a
 * provider that cannot be asked a 503.
 */
@Component("operatorCalls")
public class OperatorCalls {

    private final ProviderCatalog providers;
    private final ProducerTemplate template;
    private final Outcomes outcomes;
    private final JdbcClient jdbc;

    public OperatorCalls(ProviderCatalog providers, ProducerTemplate template, Outcomes outcomes, JdbcClient jdbc) {
        this.providers = providers;
        this.template = template;
        this.outcomes = outcomes;
        this.jdbc = jdbc;
    }

    /** The declared call, or 404 when the provider or the call is unknown, 405 when the verb is not its own. */
    public ProviderDeclaration.OperatorCall declared(String provider, String call, String method) {
        Optional<Provider> p = providers.provider(provider == null ? "" : provider);
        ProviderDeclaration.OperatorCall c = p.map(x -> x.declaration().operatorCalls().get(call)).orElse(null);
        if (c == null) {
            throw Refusal.notFound("no operator call '" + call + "' at provider '" + provider + "'");
        }
        if (!c.method().equals(method)) {
            throw Refusal.invalid("method", call + " at " + provider + " is called with " + c.method() + ", not " + method);
        }
        return c;
    }

    /** Makes the call for {@code operator} with {@code input} (already parsed: query or body); the mapped answer. */
    public JsonNode call(String operator, String provider, String call, String method, ObjectNode input) {
        ProviderDeclaration.OperatorCall c = declared(provider, call, method);
        List<FieldError> errors = validate(c, input);
        if (!errors.isEmpty()) {
            audit(operator, provider, call, c.method(), input, "INVALID", null);
            throw Refusal.invalid(errors);
        }
        Provider p = providers.require(provider);
        if (!p.enabled() || !providers.hasRoute(ProviderCatalog.operatorCallRouteId(provider, call))) {
            audit(operator, provider, call, c.method(), input, "UNAVAILABLE", "provider disabled");
            throw Refusal.unavailable(provider + " is not enabled on this hub");
        }
        ObjectNode body = Json.object();
        body.set("input", input);
        body.set("config", p.publicSettings());
        Exchange result = template.send("direct:" + ProviderCatalog.operatorCallRouteId(provider, call), ex -> {
            if (c.auth() != null) {
                ex.setProperty(HubKeys.AUTH_OVERRIDE, c.auth());
            }
            ex.getMessage().setBody(body);
        });
        Exception e = result.getException();
        if (e instanceof ProviderRejectedException refused) {
            Outcomes.Rejection r = outcomes.classify(refused);
            String reason = r.code() == null ? r.rule().reasonCode() : r.code();
            audit(operator, provider, call, c.method(), input, "REFUSED", reason);
            throw Refusal.unprocessable(provider + " refused " + call + " (" + reason + ")"
                    + (r.message() == null ? "" : ": " + r.message()));
        }
        if (e != null) {
            audit(operator, provider, call, c.method(), input, "UNAVAILABLE", e.getClass().getSimpleName());
            throw Refusal.unavailable(provider + " could not be asked right now (" + Outcomes.describe(e) + "); try again");
        }
        audit(operator, provider, call, c.method(), input, "OK", null);
        return Json.toNode(result.getMessage().getBody());
    }

    /** Every declared operator call of every enabled provider: provider -> call -> declaration. */
    public Map<String, Map<String, ProviderDeclaration.OperatorCall>> all() {
        Map<String, Map<String, ProviderDeclaration.OperatorCall>> out = new java.util.TreeMap<>();
        for (Provider p : providers.declared()) {
            if (p.enabled() && !p.declaration().operatorCalls().isEmpty()) {
                out.put(p.name(), new java.util.TreeMap<>(p.declaration().operatorCalls()));
            }
        }
        return out;
    }

    /** Every field declared (types, required, pattern, length), nothing undeclared; errors name fields, never values. */
    static List<FieldError> validate(ProviderDeclaration.OperatorCall c, ObjectNode input) {
        List<FieldError> errors = new ArrayList<>();
        input.fieldNames().forEachRemaining(f -> {
            if (!c.input().containsKey(f)) {
                errors.add(new FieldError(f, "is not a field of this call"));
            }
        });
        c.input().forEach((name, field) -> {
            JsonNode v = input.get(name);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
                if (field.required()) {
                    errors.add(new FieldError(name, "is required"));
                }
                return;
            }
            String text = v.isValueNode() ? v.asText() : null;
            if (text == null) {
                errors.add(new FieldError(name, "must be a " + field.type()));
                return;
            }
            switch (field.type()) {
                case "number" -> {
                    if (!isDecimal(text)) {
                        errors.add(new FieldError(name, "must be a number"));
                    }
                }
                case "integer" -> {
                    if (!text.matches("-?[0-9]{1,9}")) {
                        errors.add(new FieldError(name, "must be an integer"));
                    }
                }
                case "boolean" -> {
                    if (!text.equals("true") && !text.equals("false")) {
                        errors.add(new FieldError(name, "must be true or false"));
                    }
                }
                default -> {
                    if (field.maxLength() != null && text.length() > field.maxLength()) {
                        errors.add(new FieldError(name, "must be at most " + field.maxLength() + " characters"));
                    } else if (field.pattern() != null && !text.matches(field.pattern())) {
                        errors.add(new FieldError(name, "does not have the expected form"));
                    }
                }
            }
        });
        return errors;
    }

    private static boolean isDecimal(String text) {
        if (!text.matches("-?[0-9]{1,18}(\\.[0-9]{1,8})?")) {
            return false;
        }
        return new BigDecimal(text).signum() >= 0;
    }

    /** The calls operators made, newest first: who, at which provider, what (input redacted), and what came of it. */
    public com.fasterxml.jackson.databind.node.ArrayNode recent(int limit) {
        com.fasterxml.jackson.databind.node.ArrayNode out = Json.NODES.arrayNode();
        jdbc.sql("""
                        SELECT id, operator, provider, call, method, CAST(input AS text) AS input, outcome, reason, requested_at
                        FROM operator_calls ORDER BY id DESC LIMIT :limit""")
                .param("limit", limit)
                .query(rs -> {
                    ObjectNode c = out.addObject();
                    c.put("id", rs.getLong("id"));
                    c.put("operator", rs.getString("operator"));
                    c.put("provider", rs.getString("provider"));
                    c.put("call", rs.getString("call"));
                    c.put("method", rs.getString("method"));
                    c.set("input", Json.toNode(rs.getString("input")));
                    c.put("outcome", rs.getString("outcome"));
                    c.put("reason", rs.getString("reason"));
                    c.put("requestedAt", rs.getTimestamp("requested_at").toInstant().toString());
                });
        return out;
    }

    private void audit(String operator, String provider, String call, String method, ObjectNode input, String outcome,
                       String reason) {
        jdbc.sql("""
                        INSERT INTO operator_calls (operator, provider, call, method, input, outcome, reason)
                        VALUES (:operator, :provider, :call, :method, CAST(:input AS JSONB), :outcome, :reason)""")
                .param("operator", operator).param("provider", provider).param("call", call).param("method", method)
                .param("input", Json.write(Redactor.redact(input))).param("outcome", outcome).param("reason", reason)
                .update();
    }
}
