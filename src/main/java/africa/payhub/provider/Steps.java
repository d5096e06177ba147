package africa.payhub.provider;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.config.ProviderDeclaration;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * The declared steps around an operation's provider call, for every provider alike ({@code before} and
 * {@code after} in the {@code provider-call} route template):
 * <ul>
 *   <li>{@code uses}: a recorded thing the message names (a wallet) must match it (currency), and be the
 *       client's own when {@code owned}; refused before anything is sent;</li>
 *   <li>{@code needs}: resources created once per scope and recorded (a client profile, a client service,
 *       an invoice), created through {@code <provider>-<resource>-create} when missing, handed to the
 *       mappings as {@code .resources.<name>} ({@code code}, {@code detail});</li>
 *   <li>{@code lookupFirst}: the destination looked up and required active;</li>
 *   <li>{@code records}: what the result names is remembered for its client (a wallet and its currency).</li>
 * </ul>
 */
@Component("steps")
public class Steps {

    static final String CLIENT = "hubClientId";

    private final ProviderCatalog providers;
    private final ProviderResources resources;
    private final Mappings mappings;
    private final Lookups lookups;
    private final ProducerTemplate template;

    public Steps(ProviderCatalog providers, ProviderResources resources, Mappings mappings, Lookups lookups,
                 ProducerTemplate template) {
        this.providers = providers;
        this.resources = resources;
        this.mappings = mappings;
        this.lookups = lookups;
        this.template = template;
    }

    /** Body: the call input. Checks uses, ensures needed resources, looks up first; the body gains what they found. */
    public void before(String provider, String operation, Exchange exchange) {
        ProviderDeclaration.Operation op = operation(provider, operation);
        ObjectNode input = (ObjectNode) Json.toNode(exchange.getMessage().getBody());
        exchange.setProperty(CLIENT, input.path("payment").path("clientId").asText(null));
        if (op != null) {
            for (ProviderDeclaration.Use use : op.uses()) {
                check(provider, use, input);
            }
            try {
                ensureAll(provider, op.needs(), input);
                if (op.lookupFirst()) {
                    lookups.beforeSending(provider, input);
                }
            } catch (ProviderRejectedException | TokenRejectedException | ProviderUnavailableException
                     | MappingException e) {
                throw e;
            } catch (RuntimeException e) {
                // a call made to prepare the payment failed (a lookup answered 503, timed out): the payment's
                // own request was never made, so this is "not sent", whatever that call's outcome was
                throw new ProviderUnavailableException(provider, 0, null, "preparing the call failed ("
                        + Outcomes.describe(e) + "); the payment was not sent");
            }
        }
        exchange.getMessage().setBody(input);
    }

    /** Body: the outcome. Records what the operation's result names, for the client that sent it. */
    public void after(String provider, String operation, Exchange exchange) {
        ProviderDeclaration.Operation op = operation(provider, operation);
        JsonNode outcome = Json.toNode(exchange.getMessage().getBody());
        String client = exchange.getProperty(CLIENT, String.class);
        if (op != null && op.records() != null && client != null && "STATUS".equals(outcome.path("outcome").asText())) {
            ProviderDeclaration.Recorded rec = providers.require(provider).declaration().records().get(op.records());
            String key = text(mappings.evaluate(rec.key(), outcome));
            if (key != null) {
                JsonNode detail = rec.detail() == null ? null : mappings.evaluate(rec.detail(), outcome);
                resources.record(provider, op.records(), client, key, key, detail);
            }
        }
        exchange.getMessage().setBody(outcome);
    }

    private ProviderDeclaration.Operation operation(String provider, String operation) {
        return operation == null || operation.isBlank() ? null
                : providers.require(provider).declaration().operations().get(operation);
    }

    private void check(String provider, ProviderDeclaration.Use use, ObjectNode input) {
        String key = text(mappings.evaluate(use.key(), input));
        if (key == null) {
            return;
        }
        String client = input.path("payment").path("clientId").asText();
        Optional<ProviderResources.Row> row = resources.findAnyOwner(provider, use.record(), key);
        if (use.owned() && (row.isEmpty() || !row.get().owner().equals(client))) {
            throw ProviderRejectedException.beforeSending(provider, "NOT_OWNED", "no " + use.record() + " " + key
                    + " of this client at " + provider + "; nothing was sent");
        }
        if (row.isEmpty() || row.get().detail() == null) {
            return;
        }
        for (Map.Entry<String, String> m : use.match().entrySet()) {
            String expected = text(mappings.evaluate(m.getValue(), input));
            String recorded = text(row.get().detail().path(m.getKey()));
            if (expected != null && recorded != null && !expected.equals(recorded)) {
                throw ProviderRejectedException.beforeSending(provider, snake(m.getKey()) + "_MISMATCH", use.record()
                        + " " + key + " has " + m.getKey() + " " + recorded + ", the payment has " + expected
                        + "; nothing was sent");
            }
        }
    }

    private void ensureAll(String provider, Iterable<String> needs, ObjectNode input) {
        for (String need : needs) {
            ObjectNode found = ensure(provider, need, input);
            input.with("resources").set(need, found);
        }
    }

    /** The resource, created once for its scope: {@code {code, detail}}. */
    private ObjectNode ensure(String provider, String name, ObjectNode input) {
        ProviderDeclaration.Resource r = providers.require(provider).declaration().resources().get(name);
        if (r == null) {
            throw new MappingException(provider + " declares no resource '" + name + "'");
        }
        if (r.configured() != null) {
            String configured = text(mappings.evaluate(r.configured(), input));
            if (configured != null && !configured.isBlank()) {
                return Json.object().put("code", configured);
            }
        }
        String key = text(mappings.evaluate(r.key(), input));
        if (key == null || key.isBlank()) {
            throw new MappingException(provider + " resource " + name + ": its key is empty for this payment");
        }
        String owner = switch (r.scope() == null ? "hub" : r.scope()) {
            case "hub" -> "hub";
            case "client" -> input.path("payment").path("clientId").asText();
            case "payment" -> input.path("payment").path("paymentId").asText();
            default -> throw new MappingException(provider + " resource " + name + ": unknown scope " + r.scope());
        };
        String code = resources.ensure(provider, name, owner, key, () -> create(provider, name, r, input));
        return Json.object().put("code", code);
    }

    /** Runs the resource's creation flow (which answers {"code", ...}); its failure fails the calling flow, unchanged. */
    private ProviderResources.Created create(String provider, String name, ProviderDeclaration.Resource r, ObjectNode input) {
        ObjectNode createInput = input.deepCopy();
        ensureAll(provider, r.needs(), createInput);
        String route = "direct:" + (r.flow() != null ? r.flow() : provider + "-" + name + "-create");
        Exchange result = template.send(route, ex -> {
            ex.setProperty(FlowAdapter.PAYMENT_ID, input.path("payment").path("paymentId").asText(null));
            ex.getMessage().setBody(createInput);
        });
        if (result.getException() != null) {
            Exception e = result.getException();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        JsonNode created = Json.toNode(result.getMessage().getBody());
        String code = created.path("code").asText("");
        if (code.isBlank()) {
            throw new MappingException(route + " answered without a code: " + Json.write(Redactor.redact(created)));
        }
        return new ProviderResources.Created(code, created);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }
}
