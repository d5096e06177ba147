package africa.payhub.web;

import africa.payhub.exchange.HubKeys;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.callback.CallbackTargets;
import africa.payhub.canonical.CanonicalValidator;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.data.DataRequest;
import africa.payhub.data.DataRequestProperties;
import africa.payhub.data.DataRequestService;
import africa.payhub.provider.DataSteps;
import africa.payhub.provider.ProviderCatalog;
import africa.payhub.security.Caller;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The data requests API behind the REST routes in {@code routes/api/data-requests.camel.yaml}. */
@Component("dataRequestApi")
public class DataRequestApi {

    public static final String SCHEMA_RESOURCE = "/schema/data-request.json";

    private final CanonicalValidator validator;
    private final DataRequestService requests;
    private final ProviderCatalog providers;
    private final CallbackTargets callbackTargets;

    public DataRequestApi(DataRequestService requests, ProviderCatalog providers, DataRequestProperties properties,
                          CallbackTargets callbackTargets) throws IOException {
        this.callbackTargets = callbackTargets;
        this.validator = new CanonicalValidator(SCHEMA_RESOURCE, properties.maxBodyBytes());
        this.requests = requests;
        this.providers = providers;
    }

    /** POST /api/v1/data-requests: 202 on first acceptance, 200 replay, 400/422 otherwise. */
    public void create(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        if (caller.operator()) {
            throw Refusal.forbidden("operators cannot make data requests; use an enterprise client's credentials");
        }
        ObjectNode request = validator.validate(exchange.getMessage().getBody(byte[].class));
        if (request.hasNonNull("callbackUrl")) {
            // where the hub will POST: checked now as a payment's is (public address, no credentials), and again
            // before each delivery
            callbackTargets.requireAllowed(caller.name(), request.get("callbackUrl").asText(), "callbackUrl");
        }
        String kind = request.path("kind").asText();
        String provider;
        if (request.hasNonNull("provider")) {
            provider = request.get("provider").asText();
            if (providers.provider(provider).isEmpty()) {
                throw Refusal.invalid("provider", "unknown provider '" + provider + "'; this hub offers "
                        + providers.enabledProviders());
            }
        } else {
            List<String> carriers = providers.dataProviders(kind);
            provider = carriers.isEmpty() ? null : carriers.get(0);
        }
        String chosen = provider;
        DataRequestService.Accepted accepted = requests.byRequestId(caller.name(), request.path("requestId").asText())
                .map(existing -> requests.accept(caller.name(), request, existing.provider()))
                .orElseGet(() -> {
                    if (chosen == null || providers.dataFlow(chosen, kind).isEmpty()) {
                        throw Refusal.unprocessable((chosen == null ? "no provider" : "provider " + chosen)
                                + " answers " + kind + " data requests");
                    }
                    return requests.accept(caller.name(), request, chosen);
                });
        DataRequest r = accepted.request();
        PaymentApi.respondAccepted(exchange, accepted.created(), requests.view(r), "/api/v1/data-requests/" + r.id());
        exchange.setProperty(HubKeys.DATA_REQUEST_ID, r.id());
        exchange.setProperty(HubKeys.DISPATCH, accepted.created());
    }

    /** GET /api/v1/data-requests/{dataRequestId} */
    public void get(Exchange exchange) {
        PaymentApi.respond(exchange, 200, requests.view(visible(exchange)));
    }

    /**
     * GET /api/v1/data-requests?requestId=...: the caller's data request for that request id, as a list. Without
     * requestId: the newest the caller may see ({@code limit}, 50 by default).
     */
    public void find(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        String requestId = exchange.getMessage().getHeader("requestId", String.class);
        ArrayNode list = Json.NODES.arrayNode();
        if (requestId == null || requestId.isBlank()) {
            // the newest the caller may see, each with its client for an operator
            requests.recent(caller.clientScope(), PaymentApi.limit(exchange))
                    .forEach(r -> list.add(requests.view(r).put("clientId", r.clientId())));
            PaymentApi.respond(exchange, 200, Json.object().set("dataRequests", list));
            return;
        }
        requests.byRequestId(caller.name(), requestId).ifPresent(r -> list.add(requests.view(r)));
        ObjectNode out = Json.object();
        out.set("dataRequests", list);
        PaymentApi.respond(exchange, 200, out);
    }

    /** GET /api/v1/data-requests/{dataRequestId}/events: the timeline and callback deliveries. */
    public void events(Exchange exchange) {
        PaymentApi.respond(exchange, 200, requests.timeline(visible(exchange)));
    }

    /** GET /api/v1/data-requests/{dataRequestId}/result?page=N (from 1) */
    public void result(Exchange exchange) {
        DataRequest r = visible(exchange);
        String page = exchange.getMessage().getHeader("page", "1", String.class);
        int n;
        try {
            n = Integer.parseInt(page.trim());
        } catch (NumberFormatException e) {
            throw Refusal.invalid("page", "must be a page number from 1");
        }
        PaymentApi.respond(exchange, 200, requests.resultPage(r, n));
    }

    private DataRequest visible(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        String id = exchange.getMessage().getHeader("dataRequestId", String.class);
        if (id == null || id.isBlank()) {
            throw Refusal.invalid("dataRequestId", "is required");
        }
        return requests.visible(id, caller.clientScope());
    }
}
