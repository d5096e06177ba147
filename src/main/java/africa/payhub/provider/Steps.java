package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.canonical.Refusal;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.payment.Payment;
import africa.payhub.payment.SendRules;
import africa.payhub.payment.PaymentStatus;
import africa.payhub.payment.PaymentStore;
import africa.payhub.payment.Timeline;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * The declared steps around an operation's provider call, for every provider alike ({@code before} and
 * {@code after} in the {@code provider-call} route template):
 * <ul>
 *   <li>{@code uses}: a recorded thing the message names (a wallet) must be the client's own and match it
 *       (currency); refused before anything is sent;</li>
 *   <li>{@code needs}: resources created once per scope and recorded (a client profile, a client service,
 *       an invoice), created through {@code <provider>-<resource>-create} when missing, handed to the
 *       mappings as {@code .resources.<name>} ({@code code}, {@code detail});</li>
 *   <li>{@code lookupFirst}: the destination looked up and required active;</li>
 *   <li>{@code records}: what the result names is remembered for its client (a wallet and its currency);</li>
 *   <li>{@code result} and {@code onSuccess}: recorded answers shown in the payment's result (a fee
 *       preview), and resources made once the provider reports success (a receipt), after the send and
 *       after each status query.</li>
 * </ul>
 * A status query runs its declared {@code uses} only: it never creates anything.
 *
 * <p>A send whose operation {@code needs} resources is a chain of calls. Before each call of it goes, the step is
 * recorded durably ({@link SendRules#markStep}): a resource step says that nothing of the payment's own request
 * has left, and the request's own step, written just before it goes, that from then on it may have. So a hub
 * that dies mid-chain leaves what a restart needs: go on from the recorded steps (nothing was sent), or ask the
 * provider (the request may have left). The marks are fenced by the send's number: a send another one
 * superseded (its hub stalled past the resend guard) finds out before its next call and sends nothing more.
 */
@Component("steps")
public class Steps {

    static final String STATUS = "status";
    /** The phase of the call that closes an unpaid payment at the provider (the operation's {@code expire}). */
    static final String EXPIRE = "expire";

    private final ProviderCatalog providers;
    private final ProviderResources resources;
    private final Mappings mappings;
    private final Lookups lookups;
    private final ProducerTemplate template;
    private final Timeline timeline;
    private final ClientRegistry clients;
    private final PaymentStore store;
    private final SendRules rules;

    public Steps(ProviderCatalog providers, ProviderResources resources, Mappings mappings, Lookups lookups,
                 ProducerTemplate template, Timeline timeline, ClientRegistry clients, PaymentStore store,
                 SendRules rules) {
        this.clients = clients;
        this.store = store;
        this.rules = rules;
        this.providers = providers;
        this.resources = resources;
        this.mappings = mappings;
        this.lookups = lookups;
        this.template = template;
        this.timeline = timeline;
    }

    /**
     * At acceptance, before anything is stored: every recorded thing the message names ({@code uses}: a wallet
     * to credit, debit or transfer from or to, an account, an invoice), everything the payment it reverses or
     * refunds named, and a source account the declaration does not cover, must belong to this client;
     * otherwise the answer is 404, the same for another client's thing as for one that does not exist, and it
     * names the field, never the value or what the thing holds.
     */
    public void refuseUnowned(String clientId, String provider, String operation, ObjectNode message) {
        ProviderDeclaration.Operation op = operation(provider, operation);
        ObjectNode input = Json.object();
        input.set("payment", Json.object().put("clientId", clientId).put("operation", operation));
        input.set("message", message);
        // the provider's settings (a copy) only where a key is read from the input: a use, or the payment undone
        if ((op != null && !op.uses().isEmpty()) || message.hasNonNull("reversalOf") || message.hasNonNull("refundOf")) {
            input.set("config", providers.require(provider).publicSettings());
        }
        String refused = unowned(provider, op, input);
        if (refused != null) {
            throw Refusal.notFound(refused);
        }
    }

    /**
     * What the message names that is not the client's, or null. Every thing a {@code use} names is the
     * client's own or refused: money moves into or out of it (a credit, a transfer's destination), or it is
     * shown (the provider's answer carries its balance), so another client's is never touched. A message
     * that undoes an earlier payment ({@code reversalOf}, {@code refundOf}) moves money back out of what that
     * payment named: all of it must still be the client's.
     */
    private String unowned(String provider, ProviderDeclaration.Operation op, ObjectNode input) {
        String client = input.path("payment").path("clientId").asText();
        boolean sourceDeclared = false;
        for (ProviderDeclaration.Use use : op == null ? List.<ProviderDeclaration.Use>of() : op.uses()) {
            sourceDeclared |= use.key().replace(" ", "").startsWith(".message.source.");
            String key = text(mappings.evaluate(provider, use.key(), input));
            if (key == null) {
                continue;
            }
            Optional<ProviderResources.Row> row = resources.findAnyOwner(provider, use.record(), key);
            if (row.isEmpty() || !row.get().owner().equals(client)) {
                return "no " + use.record() + " of this client at " + provider + " is named by " + field(use.key());
            }
        }
        String source = text(input.path("message").path("source").path("accountNumber"));
        if (!sourceDeclared && source != null && !clients.client(client)
                .map(c -> c.sourceAccounts().contains(source)).orElse(false)) {
            return "source.accountNumber is no source account of this client (hub.clients." + client + ".source-accounts)";
        }
        for (String undoes : List.of("reversalOf", "refundOf")) {
            String originalId = text(input.path("message").path(undoes));
            Optional<Payment> original = originalId == null ? Optional.empty()
                    : store.find(originalId).filter(p -> p.clientId().equals(client) && p.provider().equals(provider));
            if (original.isPresent()) {
                ObjectNode named = Json.object();
                named.set("payment", Json.object().put("clientId", client).put("operation", original.get().operation())
                        .put("paymentId", original.get().id()));
                named.set("message", Json.toNode(original.get().message()));
                named.set("config", input.path("config"));
                String refused = unowned(provider, operation(provider, original.get().operation()), named);
                if (refused != null) {
                    return undoes + ": the payment names what is not this client's (" + refused + ")";
                }
            }
        }
        return null;
    }

    /** The message field a use's key reads ({@code .message.destination.accountNumber}), or "the message". */
    private static String field(String key) {
        String k = key.replace(" ", "");
        return k.matches("\\.message(\\.[A-Za-z0-9_]+)+") ? k.substring(".message.".length()) : "the message";
    }

    /**
     * Body: the call input. Checks uses, ensures needed resources, looks up first; the body gains what they
     * found. {@code phase}: {@code send}, or {@code status} (a status query: its declared uses only); a card
     * charge ({@code card}) names no operation and runs no declared step. Before a
     * send, what the message names must still be the client's (the second guard after acceptance).
     */
    public void before(String provider, String operation, String phase, Exchange exchange) {
        ProviderDeclaration.Operation op = operation(provider, operation);
        ObjectNode input = (ObjectNode) Json.toNode(exchange.getMessage().getBody());
        exchange.setProperty(HubKeys.CLIENT, input.path("payment").path("clientId").asText(null));
        if (op != null && STATUS.equals(phase)) {
            for (ProviderDeclaration.Use use : op.status() == null ? List.<ProviderDeclaration.Use>of() : op.status().uses()) {
                check(provider, use, input);
            }
        } else if (op != null && EXPIRE.equals(phase)) {
            for (ProviderDeclaration.Use use : op.expire() == null ? List.<ProviderDeclaration.Use>of() : op.expire().uses()) {
                check(provider, use, input);
            }
        } else if (op != null) {
            String unowned = unowned(provider, op, input);
            if (unowned != null) {
                // the second guard: acceptance refused this already, unless the record changed since
                throw ProviderRejectedException.beforeSending(provider, "NOT_OWNED", unowned + "; nothing was sent");
            }
            for (ProviderDeclaration.Use use : op.uses()) {
                check(provider, use, input);
            }
            for (String check : op.checks()) {
                check(provider, check, input);
            }
            PaymentWork work = exchange.getProperty(HubKeys.PAYMENT_WORK, PaymentWork.class);
            int attempt = work == null ? 0 : work.getAttempt();
            Marks marks = attempt == 0 || !providers.chain(provider, operation) ? null
                    : new Marks(provider, input.path("payment").path("paymentId").asText(), attempt);
            try {
                ensureAll(provider, op.needs(), input, marks);
                if (op.lookupFirst()) {
                    lookups.beforeSending(provider, input);
                }
                if (marks != null) {
                    // the payment's own request goes next: from here it may reach the provider
                    marks.step(rules, REQUEST, true);
                }
            } catch (ProviderRejectedException | TokenRejectedException | ProviderUnavailableException
                     | MappingException | SendSupersededException e) {
                throw e;
            } catch (RuntimeException e) {
                // a call made to prepare the payment failed (a lookup answered 503, timed out): the payment's
                // own request was never made, so this is "not sent", whatever that call's outcome was; a
                // Retry-After the provider gave is kept, so the next try waits for it
                java.time.Duration retryAfter = e instanceof ProviderBusyException busy ? busy.retryAfter() : null;
                throw new ProviderUnavailableException(provider, 0, retryAfter, "preparing the call failed ("
                        + Outcomes.describe(e) + "); the payment was not sent");
            }
        }
        exchange.setProperty(HubKeys.CALL_INPUT, input);
        exchange.getMessage().setBody(input);
    }

    /**
     * Body: the outcome. Records what the operation's result names, for the client that sent it (after a
     * send), and adds the declared resources to the result (after a send or a status query).
     */
    public void after(String provider, String operation, String phase, Exchange exchange) {
        ProviderDeclaration.Operation op = operation(provider, operation);
        JsonNode outcome = Json.toNode(exchange.getMessage().getBody());
        ObjectNode input = exchange.getProperty(HubKeys.CALL_INPUT, ObjectNode.class);
        if (op != null && input != null && !op.result().isEmpty() && outcome.isObject()
                && "STATUS".equals(outcome.path("outcome").asText())) {
            addResults(provider, op, input, (ObjectNode) outcome);
        }
        String client = exchange.getProperty(HubKeys.CLIENT, String.class);
        if (op != null && !STATUS.equals(phase) && !EXPIRE.equals(phase) && op.records() != null && client != null
                && "STATUS".equals(outcome.path("outcome").asText())) {
            ProviderDeclaration.Recorded rec = providers.require(provider).declaration().records().get(op.records());
            // the record's key and detail read the outcome, and the message and payment that made it
            ObjectNode seen = ((ObjectNode) outcome).deepCopy();
            if (input != null) {
                seen.set("message", input.path("message"));
                seen.set("payment", input.path("payment"));
            }
            String key = text(mappings.evaluate(provider, rec.key(), seen));
            if (key != null) {
                JsonNode detail = rec.detail() == null ? null : mappings.evaluate(provider, rec.detail(), seen);
                resources.record(provider, op.records(), client, key, key, detail);
            }
        }
        exchange.getMessage().setBody(outcome);
    }

    /**
     * The resources the operation shows in its result: recorded ones as they are, {@code onSuccess} ones made
     * once the outcome says the payment succeeded. A result resource that cannot be made now is noted in the
     * timeline and left out; it never holds up a payment the provider settled.
     */
    private void addResults(String provider, ProviderDeclaration.Operation op, ObjectNode input, ObjectNode outcome) {
        boolean succeeded = mappings.status(provider, outcome.path("providerStatus").asText(null)).status()
                == PaymentStatus.SUCCEEDED;
        ObjectNode result = outcome.path("result").isObject() ? (ObjectNode) outcome.get("result") : outcome.putObject("result");
        String paymentId = input.path("payment").path("paymentId").asText(null);
        op.result().forEach((field, name) -> {
            ProviderDeclaration.Resource r = resource(provider, name);
            if (!wanted(provider, r, input) || "call".equals(r.scope())) {
                return;
            }
            Optional<ProviderResources.Row> row = resources.findRow(provider, name, owner(provider, name, r, input),
                    key(provider, name, r, input));
            if (row.isEmpty() && succeeded && op.onSuccess().contains(name)) {
                try {
                    ensure(provider, name, input);
                    row = resources.findRow(provider, name, owner(provider, name, r, input), key(provider, name, r, input));
                } catch (RuntimeException e) {
                    if (paymentId != null) {
                        timeline.record(paymentId, "STEP_FAILED", "hub", Json.object().put("provider", provider)
                                .put("step", name).put("reason", Outcomes.describe(e)));
                    }
                }
            }
            row.ifPresent(found -> result.set(field, found.detail() != null ? found.detail() : Json.NODES.textNode(found.code())));
        });
    }

    private ProviderDeclaration.Operation operation(String provider, String operation) {
        return operation == null || operation.isBlank() ? null
                : providers.require(provider).declaration().operations().get(operation);
    }

    private void check(String provider, ProviderDeclaration.Use use, ObjectNode input) {
        String key = text(mappings.evaluate(provider, use.key(), input));
        if (key == null) {
            return;
        }
        Optional<ProviderResources.Row> row = resources.findAnyOwner(provider, use.record(), key);
        if (use.as() != null && row.isPresent()) {
            ObjectNode found = Json.object().put("code", row.get().code());
            if (row.get().detail() != null) {
                found.set("detail", row.get().detail());
            }
            input.with("resources").set(use.as(), found);
        }
        if (row.isEmpty() || row.get().detail() == null) {
            return;
        }
        for (Map.Entry<String, String> m : use.match().entrySet()) {
            String expected = text(mappings.evaluate(provider, m.getValue(), input));
            String recorded = text(row.get().detail().path(m.getKey()));
            if (expected != null && recorded != null && !expected.equals(recorded)) {
                throw ProviderRejectedException.beforeSending(provider, snake(m.getKey()) + "_MISMATCH", use.record()
                        + " " + key + " has " + m.getKey() + " " + recorded + ", the payment has " + expected
                        + "; nothing was sent");
            }
        }
    }

    /**
     * A declared check before sending (e.g. the source wallet's balance): each {@code atLeast} field of its
     * answer must be at least what its expression gives for this payment, compared as exact decimals, or
     * the payment fails with the declared reason code before anything is sent. A check that cannot be made
     * leaves the payment unsent, to be tried again.
     */
    private void check(String provider, String name, ObjectNode input) {
        Provider p = providers.require(provider);
        ProviderDeclaration.Check c = p.declaration().checks().get(name);
        if (c == null) {
            throw new MappingException(provider + " declares no check '" + name + "'");
        }
        if (c.enabledBy() != null && !p.flag(c.enabledBy())) {
            return;
        }
        String route = "direct:" + provider + "-check-" + name;
        Exchange result = template.send(route, ex -> {
            ex.setProperty(HubKeys.PAYMENT_ID, input.path("payment").path("paymentId").asText(null));
            ex.getMessage().setBody(input.deepCopy());
        });
        if (result.getException() != null) {
            throw new ProviderUnavailableException(provider, 0, null, provider + " check '" + name
                    + "' could not be made (" + Outcomes.describe(result.getException()) + "); nothing was sent");
        }
        JsonNode answer = Json.toNode(result.getMessage().getBody());
        for (Map.Entry<String, String> rule : c.atLeast().entrySet()) {
            BigDecimal have = decimal(answer.path(rule.getKey()));
            BigDecimal need = decimal(mappings.evaluate(provider, rule.getValue(), input));
            if (have == null || need == null) {
                throw new MappingException(provider + " check '" + name + "': no " + rule.getKey() + " to compare");
            }
            if (have.compareTo(need) < 0) {
                throw ProviderRejectedException.beforeSending(provider, c.refuse(), provider + " check '" + name + "': "
                        + rule.getKey() + " " + have.toPlainString() + " is less than " + need.toPlainString()
                        + "; nothing was sent");
            }
        }
    }

    private static BigDecimal decimal(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        return n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText().trim());
    }

    /** The step name of the payment's own request, in {@code payments.send_step}. */
    static final String REQUEST = "request";

    /**
     * The steps one send of a chain marks ({@link SendRules#markStep}): each before its call goes, and its own
     * request last, fenced by the send's number (a superseded send finds out there and sends nothing more).
     */
    private static final class Marks {
        private final String provider;
        private final String paymentId;
        private final int attempt;

        Marks(String provider, String paymentId, int attempt) {
            this.provider = provider;
            this.paymentId = paymentId;
            this.attempt = attempt;
        }

        void step(SendRules rules, String step, boolean ownRequest) {
            if (!rules.markStep(paymentId, attempt, step, ownRequest)) {
                throw new SendSupersededException(provider, paymentId, attempt, step);
            }
        }
    }

    private void ensureAll(String provider, Iterable<String> needs, ObjectNode input) {
        ensureAll(provider, needs, input, null);
    }

    private void ensureAll(String provider, Iterable<String> needs, ObjectNode input, Marks marks) {
        for (String need : needs) {
            if (wanted(provider, resource(provider, need), input)) {
                ObjectNode found = ensure(provider, need, input, marks);
                input.with("resources").set(need, found);
            }
        }
    }

    private ProviderDeclaration.Resource resource(String provider, String name) {
        ProviderDeclaration.Resource r = providers.require(provider).declaration().resources().get(name);
        if (r == null) {
            throw new MappingException(provider + " declares no resource '" + name + "'");
        }
        return r;
    }

    /** Whether this payment needs the resource at all (its {@code when}). */
    private boolean wanted(String provider, ProviderDeclaration.Resource r, JsonNode input) {
        if (r.when() == null) {
            return true;
        }
        JsonNode w = mappings.evaluate(provider, r.when(), input);
        return w != null && !w.isNull() && !w.isMissingNode() && !(w.isBoolean() && !w.booleanValue())
                && !(w.isTextual() && w.asText().isEmpty());
    }

    private String key(String provider, String name, ProviderDeclaration.Resource r, JsonNode input) {
        String key = text(mappings.evaluate(provider, r.key(), input));
        if (key == null || key.isBlank()) {
            throw new MappingException(provider + " resource " + name + ": its key is empty for this payment");
        }
        return key;
    }

    private static String owner(String provider, String name, ProviderDeclaration.Resource r, JsonNode input) {
        return switch (r.scope() == null ? "hub" : r.scope()) {
            case "hub" -> "hub";
            case "client" -> input.path("payment").path("clientId").asText();
            case "payment" -> input.path("payment").path("paymentId").asText();
            default -> throw new MappingException(provider + " resource " + name + ": unknown scope " + r.scope());
        };
    }

    /** The resource, created once for its scope (or, scope {@code call}, for this call): {@code {code, detail}}. */
    private ObjectNode ensure(String provider, String name, ObjectNode input) {
        return ensure(provider, name, input, null);
    }

    private ObjectNode ensure(String provider, String name, ObjectNode input, Marks marks) {
        ProviderDeclaration.Resource r = resource(provider, name);
        if (r.configured() != null) {
            String configured = text(mappings.evaluate(provider, r.configured(), input));
            if (configured != null && !configured.isBlank()) {
                return Json.object().put("code", configured);
            }
        }
        if ("call".equals(r.scope())) {
            return found(create(provider, name, r, input, marks));
        }
        String key = key(provider, name, r, input);
        String owner = owner(provider, name, r, input);
        String code = resources.ensure(provider, name, owner, key, (ProviderResources.Creator) takenOver ->
                takenOver && r.find() != null ? findOrCreate(provider, name, r, input, marks) : create(provider, name, r, input, marks));
        return found(resources.findRow(provider, name, owner, key)
                .map(row -> new ProviderResources.Created(row.code(), row.detail()))
                .orElse(new ProviderResources.Created(code, null)));
    }

    private static ObjectNode found(ProviderResources.Created created) {
        ObjectNode out = Json.object().put("code", created.code());
        if (created.detail() != null) {
            out.set("detail", created.detail());
        }
        return out;
    }

    /**
     * Runs the resource's creation flow (which answers {"code", ...}), once, or once per element of its
     * {@code each}; its failure fails the calling flow, unchanged.
     */
    private ProviderResources.Created create(String provider, String name, ProviderDeclaration.Resource r, ObjectNode input,
                                             Marks marks) {
        return create(provider, name, r, input, marks, List.of());
    }

    /**
     * A resource whose first creator died mid-call (its claim was taken over after the lease): its request may
     * have reached the provider, so it is looked for first, as its declared {@code find} says. Found, it is what
     * was made; one made per element keeps the elements found and makes only the rest; not found, it is made.
     */
    private ProviderResources.Created findOrCreate(String provider, String name, ProviderDeclaration.Resource r,
                                                   ObjectNode input, Marks marks) {
        ObjectNode findInput = input.deepCopy();
        ensureAll(provider, r.needs(), findInput, marks);
        mark(marks, name);
        JsonNode found = find(provider, r.find(), findInput);
        timeline.record(input.path("payment").path("paymentId").asText(), "STEP_FOUND", "hub", Json.object()
                .put("provider", provider).put("step", name).set("found", found));
        if (r.each() != null) {
            List<JsonNode> made = new ArrayList<>();
            found.path("items").forEach(made::add);
            return create(provider, name, r, input, marks, made);
        }
        String code = found.path("code").asText("");
        return code.isBlank() ? create(provider, name, r, input, marks) : new ProviderResources.Created(code, found);
    }

    /**
     * The declared {@code find} of a resource: its request mapping over the call input, the provider's transport,
     * its response mapping over the answer ({@code .answer}) beside the call input. A refusal (4xx: e.g. not
     * found) finds nothing.
     */
    private JsonNode find(String provider, ProviderDeclaration.Call find, ObjectNode input) {
        JsonNode request = mappings.transform(provider + "/" + find.request(), input);
        Exchange result = template.send("direct:" + provider + "-http", ex -> {
            ex.setProperty(HubKeys.PAYMENT_ID, input.path("payment").path("paymentId").asText(null));
            ex.getMessage().setBody(request);
        });
        if (result.getException() instanceof ProviderRejectedException) {
            return Json.object();
        }
        if (result.getException() != null) {
            Exception e = result.getException();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        ObjectNode seen = input.deepCopy();
        seen.set("answer", Json.toNode(result.getMessage().getBody()));
        return mappings.transform(provider + "/" + find.response(), seen);
    }

    /** As {@link #create(String, String, ProviderDeclaration.Resource, ObjectNode, Marks)}; {@code made}: elements found made. */
    private ProviderResources.Created create(String provider, String name, ProviderDeclaration.Resource r, ObjectNode input,
                                             Marks marks, List<JsonNode> made) {
        ObjectNode createInput = input.deepCopy();
        ensureAll(provider, r.needs(), createInput, marks);
        String route = "direct:" + provider + "-" + name + "-create";
        if (r.each() == null) {
            mark(marks, name);
            return createOne(route, input, createInput);
        }
        JsonNode elements = mappings.evaluate(provider, r.each(), createInput);
        ArrayNode details = Json.NODES.arrayNode();
        List<String> codes = new ArrayList<>();
        int index = 0;
        for (JsonNode element : elements.isArray() ? elements : Json.NODES.arrayNode()) {
            if (index < made.size()) {
                // made by a creator that died mid-way, found at the provider
                codes.add(made.get(index).path("code").asText());
                details.add(made.get(index));
                index++;
                continue;
            }
            ObjectNode one = createInput.deepCopy();
            one.set("item", element);
            one.put("itemIndex", index++);
            mark(marks, name);
            ProviderResources.Created c = createOne(route, input, one);
            codes.add(c.code());
            details.add(c.detail());
        }
        ObjectNode detail = Json.object();
        detail.set("items", details);
        return new ProviderResources.Created(codes.isEmpty() ? "-" : String.join(",", codes), detail);
    }

    /** Before a step's call goes: the step recorded for the send under way (nothing, outside a marked send). */
    private void mark(Marks marks, String step) {
        if (marks != null) {
            marks.step(rules, step, false);
        }
    }

    private ProviderResources.Created createOne(String route, ObjectNode input, ObjectNode createInput) {
        Exchange result = template.send(route, ex -> {
            ex.setProperty(HubKeys.PAYMENT_ID, input.path("payment").path("paymentId").asText(null));
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
