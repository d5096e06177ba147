package africa.payhub.web;

import africa.payhub.exchange.HubKeys;

import java.util.Locale;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.callback.CallbackDelivery;
import africa.payhub.callback.CallbackTargets;
import africa.payhub.canonical.CanonicalValidator;
import africa.payhub.canonical.FieldError;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.AcceptGroups;
import africa.payhub.payment.Batch;
import africa.payhub.payment.Batches;
import africa.payhub.payment.Payment;
import africa.payhub.payment.ResolutionRules;
import africa.payhub.payment.PaymentAcceptance;
import africa.payhub.payment.PaymentViews;
import africa.payhub.payment.PaymentStatus;
import africa.payhub.provider.ProviderCatalog;
import africa.payhub.provider.Router;
import africa.payhub.provider.Steps;
import africa.payhub.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.springframework.stereotype.Component;

/** The canonical payments API behind the REST routes in {@code routes/api/payments.camel.yaml}. */
@Component("paymentApi")
public class PaymentApi {

    private static final String SERVLET_REQUEST = "CamelHttpServletRequest";

    private final CanonicalValidator validator;
    private final PaymentViews views;
    private final ResolutionRules resolutions;
    private final ProviderCatalog providers;
    private final CallbackDelivery callbacks;
    private final Router router;
    private final Batches batches;
    private final OpsApi ops;
    private final Steps steps;
    private final CallbackTargets callbackTargets;
    private final AcceptGroups acceptGroups;

    public PaymentApi(CanonicalValidator validator, PaymentViews views, ResolutionRules resolutions,
                      ProviderCatalog providers, CallbackDelivery callbacks, Router router, Batches batches, OpsApi ops,
                      Steps steps, CallbackTargets callbackTargets, AcceptGroups acceptGroups) {
        this.acceptGroups = acceptGroups;
        this.ops = ops;
        this.callbackTargets = callbackTargets;
        this.steps = steps;
        this.router = router;
        this.batches = batches;
        this.validator = validator;
        this.views = views;
        this.resolutions = resolutions;
        this.providers = providers;
        this.callbacks = callbacks;
    }

    /** POST /api/v1/payments: 202 on first acceptance, 200 replay, 400/422 otherwise. */
    public void create(Exchange exchange) {
        Caller caller = caller(exchange);
        if (caller.operator()) {
            throw Refusal.forbidden("operators cannot submit payments; use an enterprise client's credentials");
        }
        ObjectNode message = validator.validate(exchange.getMessage().getBody(byte[].class));
        String operation = message.path("operation").asText();
        if (message.hasNonNull("callbackUrl")) {
            callbackTargets.requireAllowed(caller.name(), message.get("callbackUrl").asText(), "callbackUrl");
        }
        if (message.hasNonNull("provider") && providers.provider(message.get("provider").asText()).isEmpty()) {
            throw Refusal.invalid("provider", "unknown provider '" + message.get("provider").asText()
                    + "'; this hub offers " + providers.enabledProviders());
        }
        if (Batch.isBatch(operation)) {
            createBatch(exchange, caller, message, operation);
            return;
        }
        PaymentAcceptance.Accepted accepted = acceptGroups.accept(caller.name(), message, () -> {
            if (!message.hasNonNull("provider")) {
                Router.Decision decision = router.route(message);
                for (String candidate : decision.candidates()) {
                    steps.refuseUnowned(caller.name(), candidate, operation, message);
                }
                return new PaymentAcceptance.Carrier(decision.candidates().get(0), decision.toJson());
            }
            String provider = message.get("provider").asText();
            if (!providers.supports(provider, operation)) {
                throw Refusal.unprocessable("provider " + provider + " does not support operation " + operation);
            }
            steps.refuseUnowned(caller.name(), provider, operation, message);
            return new PaymentAcceptance.Carrier(provider, null);
        });
        Payment p = accepted.payment();
        respondAccepted(exchange, accepted.created(), views.view(p), "/api/v1/payments/" + p.id());
        exchange.setProperty(HubKeys.PAYMENT_ID, p.id());
        exchange.setProperty(HubKeys.PROVIDER, p.provider());
        exchange.setProperty(HubKeys.DISPATCH, accepted.created());
    }

    /** GET /api/v1/payments/{paymentId} */
    public void get(Exchange exchange) {
        Caller caller = caller(exchange);
        Payment p = views.visible(header(exchange, "paymentId"), caller.clientScope());
        ObjectNode view = views.view(p);
        if (caller.operator()) {
            view.put("clientId", p.clientId());
        }
        respond(exchange, 200, view);
    }

    /**
     * GET /api/v1/payments?messageId=...: the caller's payment for that message id, as a list. Without
     * messageId: a search (see {@link OpsApi#search}).
     */
    public void find(Exchange exchange) {
        Caller caller = caller(exchange);
        String messageId = exchange.getMessage().getHeader("messageId", String.class);
        if (messageId == null || messageId.isBlank()) {
            ops.search(exchange);
            return;
        }
        String scope = caller.operator() ? exchange.getMessage().getHeader("clientId", String.class) : caller.name();
        ArrayNode list = Json.NODES.arrayNode();
        views.listByMessage(scope, messageId).forEach(p -> list.add(views.view(p)));
        ObjectNode out = Json.object();
        out.set("payments", list);
        out.putNull("nextCursor");
        respond(exchange, 200, out);
    }

    /**
     * A batch (operation X_BATCH): its items are payments of operation X at the provider the batch names,
     * sent in one bulk call where the provider declares one. 202 with the batch and its items.
     */
    private void createBatch(Exchange exchange, Caller caller, ObjectNode message, String operation) {
        if (!message.hasNonNull("provider")) {
            throw Refusal.invalid("provider", "is required for a batch: its items travel together to one provider");
        }
        String provider = message.get("provider").asText();
        String itemOperation = Batch.itemOperation(operation);
        if (!providers.supports(provider, itemOperation)) {
            throw Refusal.unprocessable("provider " + provider + " does not support operation " + itemOperation);
        }
        Batches.Accepted accepted = batches.accept(caller.name(), message, provider);
        respondAccepted(exchange, accepted.created(), batches.view(accepted.batch(), true),
                "/api/v1/batches/" + accepted.batch().id());
        exchange.setProperty(HubKeys.BATCH_ID, accepted.batch().id());
        exchange.setProperty(HubKeys.DISPATCH_BATCH, accepted.created());
    }

    /** GET /api/v1/batches/{batchId}: the batch, its counts, totals and items. */
    public void getBatch(Exchange exchange) {
        Caller caller = caller(exchange);
        respond(exchange, 200, batches.view(batches.visible(header(exchange, "batchId"), caller.clientScope()), true));
    }

    /**
     * GET /api/v1/batches?messageId=: the caller's batch for a message id. Without messageId: the newest
     * batches the caller may see ({@code limit}, 50 by default), each with its client for an operator.
     */
    public void findBatch(Exchange exchange) {
        Caller caller = caller(exchange);
        String messageId = exchange.getMessage().getHeader("messageId", String.class);
        if (messageId == null || messageId.isBlank()) {
            ArrayNode list = Json.NODES.arrayNode();
            batches.recent(caller.clientScope(), limit(exchange)).forEach(b -> list.add(batches.view(b, false).put("clientId", b.clientId())));
            respond(exchange, 200, Json.object().set("batches", list));
            return;
        }
        if (caller.clientScope() == null) {
            throw Refusal.invalid("clientId", "operators find a batch by its id");
        }
        ArrayNode list = Json.NODES.arrayNode();
        batches.findByMessage(caller.clientScope(), messageId).ifPresent(b -> list.add(batches.view(b, false)));
        respond(exchange, 200, Json.object().set("batches", list));
    }

    /** {@code limit}: 1 to 200, 50 when not given. */
    static int limit(Exchange exchange) {
        String l = exchange.getMessage().getHeader("limit", String.class);
        if (l == null || l.isBlank()) {
            return 50;
        }
        if (!l.strip().matches("[0-9]{1,3}") || Integer.parseInt(l.strip()) < 1 || Integer.parseInt(l.strip()) > 200) {
            throw Refusal.invalid("limit", "must be a whole number from 1 to 200");
        }
        return Integer.parseInt(l.strip());
    }

    /** GET /api/v1/payments/{paymentId}/events[?after=&limit=]: a page of the timeline, and the callback deliveries. */
    public void events(Exchange exchange) {
        Payment p = views.visible(header(exchange, "paymentId"), caller(exchange).clientScope());
        long after;
        int limit;
        try {
            String a = exchange.getMessage().getHeader("after", String.class);
            String l = exchange.getMessage().getHeader("limit", String.class);
            after = a == null || a.isBlank() ? 0 : Long.parseLong(a);
            limit = l == null || l.isBlank() ? PaymentViews.DEFAULT_PAGE : Integer.parseInt(l);
        } catch (NumberFormatException e) {
            throw Refusal.invalid("limit", "after and limit must be whole numbers");
        }
        respond(exchange, 200, views.timeline(p, after, limit));
    }

    /** POST /api/v1/payments/{paymentId}/events/{eventId}/redeliver */
    public void redeliver(Exchange exchange) {
        Caller caller = caller(exchange);
        Payment p = views.visible(header(exchange, "paymentId"), caller.clientScope());
        UUID eventId;
        try {
            eventId = UUID.fromString(header(exchange, "eventId"));
        } catch (IllegalArgumentException e) {
            throw Refusal.notFound("no callback event has this id");
        }
        if (!callbacks.redeliver(p.id(), eventId, (caller.operator() ? "operator:" : "client:") + caller.name())) {
            throw Refusal.notFound("no callback event " + eventId + " for payment " + p.id());
        }
        respond(exchange, 202, Json.object().put("eventId", eventId.toString()).put("status", "PENDING"));
    }

    /** POST /api/v1/payments/{paymentId}/resolution (operators): settle a NEEDS_REVIEW payment. */
    public void resolve(Exchange exchange) {
        Caller caller = caller(exchange);
        if (!caller.operator()) {
            throw Refusal.forbidden("only operators resolve payments");
        }
        JsonNode body;
        try {
            body = Json.parse(exchange.getMessage().getBody(byte[].class));
        } catch (Exception e) {
            throw Refusal.invalid("body", "must be JSON: {\"status\": \"SUCCEEDED|FAILED\", \"reason\": \"...\"}");
        }
        String status = body == null ? "" : body.path("status").asText("").toUpperCase(Locale.ROOT);
        String reason = body == null ? "" : body.path("reason").asText("");
        java.util.List<FieldError> errors = new java.util.ArrayList<>();
        if (!status.equals("SUCCEEDED") && !status.equals("FAILED")) {
            errors.add(new FieldError("status", "must be SUCCEEDED or FAILED"));
        }
        if (reason.isBlank() || reason.length() > 500) {
            errors.add(new FieldError("reason", "is required (at most 500 characters): say what the provider confirmed"));
        }
        if (!errors.isEmpty()) {
            throw Refusal.invalid(errors);
        }
        Payment p = resolutions.resolve(header(exchange, "paymentId"), PaymentStatus.valueOf(status), reason, caller.name());
        respond(exchange, 200, views.view(p));
    }

    private static String header(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        if (v == null || v.isBlank()) {
            throw Refusal.invalid(name, "is required");
        }
        return v;
    }

    /**
     * The answer to a posted message: 202 the first time, 200 with {@code Idempotent-Replayed: true} for
     * the same message again, the resource's view, and where it lives.
     */
    static void respondAccepted(Exchange exchange, boolean created, JsonNode view, String location) {
        Message msg = respond(exchange, created ? 202 : 200, view);
        msg.setHeader("Location", location);
        if (!created) {
            msg.setHeader("Idempotent-Replayed", "true");
        }
    }

    static Message respond(Exchange exchange, int status, JsonNode body) {
        Message msg = exchange.getMessage();
        msg.removeHeaders("*");
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
        msg.setBody(Json.write(body));
        return msg;
    }

    /** The servlet request behind a platform-http exchange (the message may have been copied since). */
    public static HttpServletRequest request(Exchange exchange) {
        if (exchange.getIn() instanceof PlatformHttpMessage m && m.getRequest() != null) {
            return m.getRequest();
        }
        return exchange.getIn().getHeader(SERVLET_REQUEST, HttpServletRequest.class);
    }

    static Caller caller(Exchange exchange) {
        HttpServletRequest request = request(exchange);
        Object caller = request == null ? null : request.getAttribute(Caller.REQUEST_ATTRIBUTE);
        if (caller instanceof Caller c) {
            return c;
        }

        throw Refusal.unauthenticated("HTTP Basic credentials are missing or wrong");
    }
}
