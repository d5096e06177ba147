package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.data.DataTimeline;
import africa.payhub.payment.Timeline;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.support.ExchangeHelper;
import org.springframework.stereotype.Component;

/**
 * The edges of every provider HTTP call, used by each provider's {@code <provider>-http} route:
 * {@link #begin} before the request (records it, redacted, in the payment's timeline), {@link #check}
 * after the answer, which sorts the HTTP status into the hub's failure classes, and {@link #verdict} after
 * the circuit breaker, which raises a provider's refusal (a refusal is not a sign of ill health).
 *
 * <p>The body is a request mapping's output: the call is described there, one way for every provider
 * ({@code _method}, {@code _endpoint}, {@code _path}, {@code _query}). A redelivered call starts again from
 * the same request, never from a previous answer.</p>
 */
@Component("providerHttp")
public class ProviderHttp {

    private final Timeline timeline;
    private final DataTimeline dataTimeline;
    private final TokenCache tokens;
    private final ProviderCatalog providers;

    public ProviderHttp(Timeline timeline, DataTimeline dataTimeline, TokenCache tokens, ProviderCatalog providers) {
        this.timeline = timeline;
        this.dataTimeline = dataTimeline;
        this.tokens = tokens;
        this.providers = providers;
    }

    /**
     * A body as a timeline detail shows it: its JSON, or, when it is not JSON, its first 500 characters as text.
     * Not redacted here: every timeline (the call's pending events, a payment's, a data request's) redacts what it
     * stores, once ({@link Redactor#redact}).
     */
    private static JsonNode bodyNode(Object body) {
        if (body == null) {
            return null;
        }
        try {
            return Json.toNode(body);
        } catch (RuntimeException notJson) {
            String text = body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : body.toString();
            return Json.NODES.textNode(text.length() > 500 ? text.substring(0, 500) + "..." : text);
        }
    }

    /** A body with the provider's own secrets written over (see {@link Provider#withoutSecrets}). */
    private JsonNode withoutSecrets(String provider, JsonNode body) {
        return providers.provider(provider).map(p -> p.withoutSecrets(body)).orElse(body);
    }

    /** Records in the timeline of the payment or data request the call is for, if any (which redacts it). */
    private void record(Exchange exchange, String type, String actor, ObjectNode detail) {
        String paymentId = exchange.getProperty(HubKeys.PAYMENT_ID, String.class);
        String dataRequestId = exchange.getProperty(HubKeys.DATA_REQUEST_ID, String.class);
        PaymentWork work = exchange.getProperty(HubKeys.PAYMENT_WORK, PaymentWork.class);
        Timeline.Pending pending = work == null ? null : work.getPending();
        if (paymentId != null && pending != null && paymentId.equals(pending.paymentId())) {
            pending.add(type, actor, detail); // written with the call's outcome, in its transaction
        } else if (paymentId != null) {
            timeline.record(paymentId, type, actor, detail);
        } else if (dataRequestId != null) {
            dataTimeline.record(dataRequestId, type, actor, detail);
        }
    }

    public void begin(String provider, Exchange exchange) {
        Saved saved = exchange.getProperty(HubKeys.HTTP_REQUEST, Saved.class);
        Message msg = exchange.getMessage();
        if (saved == null) {
            saved = save(exchange, Json.toNode(msg.getBody()));
            exchange.setProperty(HubKeys.HTTP_REQUEST, saved);
        }
        msg.removeHeaders("*");
        msg.setBody(saved.body);
        msg.setHeader(Exchange.HTTP_METHOD, method(saved.method));
        if (saved.query != null) {
            msg.setHeader(Exchange.HTTP_QUERY, saved.query);
        }
        msg.setHeader("Accept", "application/json");
        if (saved.body != null) {
            msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        exchange.setProperty(HubKeys.HTTP_PATH, saved.path);
        exchange.setProperty(HubKeys.HTTP_STARTED, System.nanoTime());
        ObjectNode request = Json.object().put("provider", provider).put("method", saved.method)
                .put("path", saved.path + (saved.query == null ? "" : "?" + saved.query));
        if (saved.body != null) {
            request.set("body", withoutSecrets(provider, saved.json)); // not read back from the text just written
        }
        record(exchange, "PROVIDER_REQUEST", "hub", request);
    }

    /**
     * Splits a request mapping's output into method, path, query and body: {@code _method} (default POST),
     * {@code _endpoint} (the path under the provider's base URL, with {@code {name}} placeholders filled
     * from {@code _path}) and {@code _query} (query parameters); the rest is the JSON body, unless
     * {@code _body} gives a body that is not an object (a JSON array). For a GET or a DELETE without
     * {@code _query}, the rest is the query.
     */
    private static Saved save(Exchange exchange, JsonNode request) {
        String method = "POST";
        String path = "";
        JsonNode pathParams = null;
        JsonNode queryParams = null;
        JsonNode body = request;
        if (request != null && request.isObject()) {
            ObjectNode rest = request.deepCopy();
            JsonNode m = rest.remove("_method");
            JsonNode e = rest.remove("_endpoint");
            method = m == null ? method : m.asText();
            path = e == null ? path : e.asText();
            pathParams = rest.remove("_path");
            queryParams = rest.remove("_query");
            JsonNode explicit = rest.remove("_body");
            if ("GET".equals(method) || "DELETE".equals(method)) {
                queryParams = queryParams != null ? queryParams : rest;
                body = null;
            } else {
                body = explicit != null ? explicit : rest;
            }
        }
        if (pathParams != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = pathParams.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                path = path.replace("{" + e.getKey() + "}", URLEncoder.encode(e.getValue().asText(), StandardCharsets.UTF_8));
            }
        }
        String query = null;
        if (queryParams != null && queryParams.isObject() && !queryParams.isEmpty()) {
            StringJoiner q = new StringJoiner("&");
            for (Iterator<Map.Entry<String, JsonNode>> it = queryParams.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    q.add(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                            + URLEncoder.encode(e.getValue().asText(), StandardCharsets.UTF_8));
                }
            }
            query = q.toString();
        }
        boolean none = body == null || body.isNull() || body.isMissingNode();
        return new Saved(none ? null : Json.write(body), none ? null : body, method, path, query);
    }

    public void check(String provider, Exchange exchange) {
        if (exchange.getProperty(HubKeys.HTTP_NO_ANSWER) != null) {
            return; // no answer to check: verdict() raises it after the breaker
        }
        Message msg = exchange.getMessage();
        int status = msg.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = text(exchange, msg);
        Long started = exchange.getProperty(HubKeys.HTTP_STARTED, Long.class);
        ObjectNode detail = Json.object().put("provider", provider).put("httpStatus", status);
        if (started != null) {
            detail.put("durationMs", (System.nanoTime() - started) / 1_000_000);
        }
        detail.set("body", withoutSecrets(provider, bodyNode(body)));
        record(exchange, "PROVIDER_RESPONSE", provider, detail);
        if (status >= 200 && status < 300) {
            exchange.removeProperty(HubKeys.HTTP_REQUEST);
            msg.setBody(body);
            return;
        }
        if (providers.notProcessed(provider).contains(status)) {
            // documented by the provider as "not processed" (its declaration's resend.notProcessed, e.g. a 429):
            // sent again, after the wait it asks for
            throw new ProviderThrottledException(provider, status, retryAfter(msg.getHeader("Retry-After", String.class)));
        }
        if (status == 429 || status == 503) {
            // an answer: a gateway may say 503 after the provider processed the request, so the outcome is
            // unknown (never a reason to fall back to another provider or to resend blindly)
            throw new ProviderBusyException(provider, status, retryAfter(msg.getHeader("Retry-After", String.class)));
        }
        if (status >= 500 || status == 0) {
            throw new OutcomeUnknownException(provider, provider + " answered HTTP " + status
                    + " after the request reached it; the outcome is unknown");
        }
        // a refusal is a healthy answer: it must not count against the circuit breaker, so it is raised by
        // verdict(), after the breaker
        exchange.setProperty(HubKeys.HTTP_VERDICT, status == 401 ? new TokenRejectedException(provider)
                : new ProviderRejectedException(provider, status, body));
    }

    /**
     * The answer's body as text: a stream (the HTTP component's answer, cached) is read in one go and decoded
     * with the exchange's charset, as Camel's converter would, without the reader and buffers it builds for
     * every conversion. A cached stream is rewound for whoever reads it next; any other stream is closed.
     */
    private static String text(Exchange exchange, Message msg) {
        Object raw = msg.getBody();
        if (raw instanceof InputStream in) {
            try {
                byte[] bytes = in.readAllBytes();
                if (raw instanceof StreamCache cache) {
                    cache.reset();
                } else {
                    in.close();
                }
                return new String(bytes, ExchangeHelper.getCharset(exchange));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return msg.getBody(String.class);
    }

    /**
     * No answer in time after the request left (read timeout, connection lost): the outcome is unknown, and a
     * slow provider is not an unwell one, so it is noted here, inside the circuit breaker, and raised by
     * {@link #verdict} after it: a burst of timeouts never opens the circuit (which would hold everyone's
     * unsent payments). A connect timeout (nothing sent: the provider cannot be reached) is raised at once.
     */
    public void noAnswer(String provider, Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        for (Throwable c = caught; c != null; c = c.getCause()) {
            if (c instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                throw caught;
            }
        }
        exchange.setProperty(HubKeys.HTTP_NO_ANSWER, caught);
    }

    /**
     * Raises the refusal {@link #check} noted (401: the token is dropped first so the retry logs in again),
     * or the missing answer {@link #noAnswer} noted.
     */
    public void verdict(String provider, Exchange exchange) throws Exception {
        Exception noAnswer = exchange.getProperty(HubKeys.HTTP_NO_ANSWER, Exception.class);
        if (noAnswer != null) {
            exchange.removeProperty(HubKeys.HTTP_NO_ANSWER);
            throw noAnswer;
        }
        ProviderException refusal = exchange.getProperty(HubKeys.HTTP_VERDICT, ProviderException.class);
        if (refusal == null) {
            return;
        }
        exchange.removeProperty(HubKeys.HTTP_VERDICT);
        if (refusal instanceof TokenRejectedException) {
            tokens.invalidate(provider, exchange);
        }
        throw refusal;
    }

    /**
     * The HTTP component's own method value for a method name: given as a string, the component converts it on
     * every call through Camel's generic (uncached) enum conversion. A name it does not know stays a string, so
     * the component refuses it as before.
     */
    static Object method(String name) {
        try {
            return HttpMethods.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return name;
        }
    }

    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return null; // an HTTP date: fall back to the poller's backoff
        }
    }

    /** A request as sent: its body as text and as the JSON it was written from (for the timeline), method, path, query. */
    private record Saved(String body, JsonNode json, String method, String path, String query) {
    }
}
