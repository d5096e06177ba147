package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.data.DataRequestService;
import africa.payhub.data.DataTimeline;
import africa.payhub.payment.Outcome;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * The thin edge between the routes and data requests, as {@link PaymentSteps} is for payments: claims a
 * request for sending (the call input as the body; {@code hubDataRequestId}, {@code hubRoute} and the token
 * the provider is to echo as properties), uploads a declared file first, and hands outcomes and verified
 * webhooks to {@link DataRequestService}.
 */
@Component
public class DataSteps {


    private final DataRequestService requests;
    private final ProviderCatalog providers;
    private final DataTimeline timeline;
    private final ProducerTemplate template;

    public DataSteps(DataRequestService requests, ProviderCatalog providers, DataTimeline timeline,
                       ProducerTemplate template) {
        this.requests = requests;
        this.providers = providers;
        this.timeline = timeline;
        this.template = template;
    }

    /** Body: a data request id. Claims it; when claimed, the body becomes the call input. */
    public void claimForSend(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        boolean leased = exchange.getProperty(HubKeys.DATA_LEASED, false, Boolean.class);
        Optional<DataRequestService.Send> send = requests.claimForSend(id, leased);
        exchange.setProperty(HubKeys.DATA_CLAIMED, send.isPresent());
        exchange.setProperty(HubKeys.DATA_NOT_SENT, false);
        if (send.isEmpty()) {
            return;
        }
        DataRequestService.Send s = send.get();
        exchange.setProperty(HubKeys.DATA_REQUEST_ID, s.id());
        exchange.setProperty(HubKeys.PROVIDER, s.provider());
        exchange.setProperty(HubKeys.ECHOED_TOKEN, s.token());
        Optional<String> route = providers.dataFlow(s.provider(), s.kind());
        if (route.isEmpty()) {
            exchange.setProperty(HubKeys.DATA_NOT_SENT, true);
            exchange.getMessage().setBody(Outcome.of(Outcome.Kind.NOT_SENT, s.provider() + " does not carry "
                    + s.kind() + " requests now (disabled, or its route is not running)"));
            return;
        }
        exchange.setProperty(HubKeys.DATA_ROUTE, route.get());
        ProviderDeclaration.DataCall call = providers.require(s.provider()).declaration().data().get(s.kind());
        if (call.upload() != null) {
            exchange.setProperty(HubKeys.UPLOAD_ROUTE, route.get() + "-upload");
        }
        ObjectNode input = s.input();
        input.set("config", providers.settings(s.provider()));
        exchange.getMessage().setBody(input);
    }

    /**
     * A kind that declares {@code upload}: asks the provider where to put the file, PUTs the request's file
     * there, and gives the call input {@code .upload} ({@code path}, ...). When any of it fails nothing was
     * pushed yet: the body becomes a NOT_SENT (or the provider's REJECTED) outcome and the request is sent
     * again later, with a new upload URL.
     */
    public void upload(Exchange exchange) {
        ObjectNode input = (ObjectNode) Json.toNode(exchange.getMessage().getBody());
        String id = exchange.getProperty(HubKeys.DATA_REQUEST_ID, String.class);
        String provider = exchange.getProperty(HubKeys.PROVIDER, String.class);
        String kind = input.path("dataRequest").path("kind").asText();
        ProviderDeclaration.DataCall call = providers.require(provider).declaration().data().get(kind);
        Exchange asked = template.send("direct:" + exchange.getProperty(HubKeys.UPLOAD_ROUTE, String.class), ex -> {
            ex.setProperty(HubKeys.DATA_REQUEST_ID, id);
            ex.setProperty(HubKeys.ECHOED_TOKEN, exchange.getProperty(HubKeys.ECHOED_TOKEN));
            ex.getMessage().setBody(input.deepCopy());
        });
        JsonNode outcome = asked.getException() != null
                ? Outcome.of(Outcome.Kind.NOT_SENT, "asking for an upload URL failed: " + asked.getException().getMessage())
                : Json.toNode(asked.getMessage().getBody());
        String url = outcome.path("result").path("url").asText("");
        if (!"STATUS".equals(outcome.path("outcome").asText()) || url.isBlank()) {
            notSent(exchange, "REJECTED".equals(outcome.path("outcome").asText()) ? outcome
                    : Outcome.of(Outcome.Kind.NOT_SENT, "no upload URL: " + outcome.path("reason").asText("no url in the answer")));
            return;
        }
        byte[] file = Json.write(input.path("request").path(call.file() == null ? "file" : call.file()))
                .getBytes(StandardCharsets.UTF_8);
        Exchange put = template.send("http://upload-target?throwExceptionOnFailure=false", ex -> {
            ex.getMessage().setHeader(Exchange.HTTP_METHOD, org.apache.camel.component.http.HttpMethods.PUT);
            ex.getMessage().setHeader(Exchange.HTTP_URI, url);
            ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/octet-stream");
            ex.getMessage().setBody(file);
        });
        int status = put.getException() != null ? 0 : put.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        ObjectNode detail = Json.object().put("bytes", file.length).put("sha256", Json.sha256(file))
                .put("httpStatus", status).put("path", outcome.path("result").path("path").asText(null));
        if (put.getException() != null) {
            detail.put("error", put.getException().getClass().getSimpleName());
        }
        timeline.record(id, "FILE_UPLOAD", "hub", detail);
        if (status < 200 || status >= 300) {
            notSent(exchange, Outcome.of(Outcome.Kind.NOT_SENT, "the file upload answered " + (status == 0 ? "nothing" : "HTTP " + status)));
            return;
        }
        input.set("upload", outcome.path("result"));
        exchange.getMessage().setBody(input);
    }

    private static void notSent(Exchange exchange, JsonNode outcome) {
        exchange.setProperty(HubKeys.DATA_NOT_SENT, true);
        exchange.getMessage().setBody(outcome);
    }

    /** Body: the outcome of the send. */
    public void applyOutcome(Exchange exchange) {
        requests.applySendOutcome(exchange.getProperty(HubKeys.DATA_REQUEST_ID, String.class),
                Outcome.from(exchange.getMessage().getBody()));
    }


    /** The poller: ACCEPTED requests that are due (as a list of ids, each sent with {@code hubDataLeased}). */
    public void dueToSend(Exchange exchange) {
        exchange.getMessage().setBody(requests.dueToSend());
    }

    /** The poller: expires every overdue REQUESTED request, each with its callback. */
    public void expireOverdue(Exchange exchange) {
        int expired = 0;
        for (String id : requests.overdue()) {
            if (requests.expire(id)) {
                expired++;
            }
        }
        exchange.getMessage().setBody(expired);
    }
}
