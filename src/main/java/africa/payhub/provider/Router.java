package africa.payhub.provider;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import org.springframework.stereotype.Component;

/**
 * Picks the provider for a message that names none, by the rules in {@code mappings/routing.yaml}
 * (integrator-edited, reloaded like every mapping): the first matching rule gives an ordered list of
 * providers; those that are not enabled or cannot carry the operation are skipped.
 */
@Component("router")
public class Router {

    private final Mappings mappings;
    private final ProviderCatalog providers;

    public Router(Mappings mappings, ProviderCatalog providers) {
        this.mappings = mappings;
        this.providers = providers;
    }

    /** The routing decision: the rule's name and the providers to try, in order. */
    public record Decision(String rule, List<String> candidates) {

        public ObjectNode toJson() {
            ObjectNode n = Json.object();
            n.put("rule", rule);
            ArrayNode list = n.putArray("candidates");
            candidates.forEach(list::add);
            n.put("current", 0);
            return n;
        }
    }

    public Decision route(JsonNode message) {
        String operation = message.path("operation").asText();
        String currency = message.path("amount").path("currency").asText(message.path("currency").asText(null));
        String destinationType = message.path("destination").path("type").asText(null);
        BigDecimal amount = message.path("amount").hasNonNull("value") ? new BigDecimal(message.path("amount").path("value").asText()) : null;
        JsonNode rules = mappings.rules(Path.of("routing.yaml")).path("rules");
        for (JsonNode rule : rules) {
            JsonNode when = rule.path("when");
            if (matches(when.get("operation"), operation) && matches(when.get("currency"), currency)
                    && matches(when.get("destinationType"), destinationType) && inRange(when.get("amount"), amount)) {
                List<String> candidates = new ArrayList<>();
                for (JsonNode p : rule.path("providers")) {
                    if (providers.supports(p.asText(), operation)) {
                        candidates.add(p.asText());
                    }
                }
                String name = rule.path("name").asText("rule");
                if (candidates.isEmpty()) {
                    throw Refusal.unprocessable("routing rule '" + name + "' matches, but none of its providers "
                            + rule.path("providers") + " is enabled for " + operation);
                }
                return new Decision(name, candidates);
            }
        }
        throw Refusal.unprocessable("no routing rule matches operation " + operation
                + (currency == null ? "" : ", currency " + currency)
                + (destinationType == null ? "" : ", destination " + destinationType)
                + (amount == null ? "" : ", amount " + amount.toPlainString())
                + "; name a provider in the message or add a rule to mappings/routing.yaml");
    }

    private static boolean matches(JsonNode condition, String value) {
        if (condition == null || condition.isNull()) {
            return true;
        }
        if (condition.isArray()) {
            for (JsonNode c : condition) {
                if (c.asText().equals(value)) {
                    return true;
                }
            }
            return false;
        }
        return condition.asText().equals(value);
    }

    private static boolean inRange(JsonNode range, BigDecimal amount) {
        if (range == null || range.isNull()) {
            return true;
        }
        if (amount == null) {
            return false;
        }
        if (range.hasNonNull("min") && amount.compareTo(new BigDecimal(range.get("min").asText())) < 0) {
            return false;
        }
        return !range.hasNonNull("max") || amount.compareTo(new BigDecimal(range.get("max").asText())) <= 0;
    }

}
