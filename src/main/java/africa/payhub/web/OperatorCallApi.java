package africa.payhub.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.provider.OperatorCalls;
import africa.payhub.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code GET|POST|PUT /api/v1/providers/{provider}/{call}}: a call an operator makes at a provider, as the
 * provider's declaration names it ({@code operatorCalls}); {@code GET /api/v1/providers/operator-calls}
 * lists them. Operators only (a client gets 403). A GET's input is its query, a POST's or PUT's a JSON
 * object; the answer is {@code {"provider", "call", "result"}}.
 */
@Component("operatorCallApi")
public class OperatorCallApi {

    private final OperatorCalls calls;

    public OperatorCallApi(OperatorCalls calls) {
        this.calls = calls;
    }

    public void list(Exchange exchange) {
        operator(exchange);
        ArrayNode out = Json.NODES.arrayNode();
        calls.all().forEach((provider, declared) -> declared.forEach((name, c) -> {
            ObjectNode item = out.addObject().put("provider", provider).put("call", name).put("method", c.method())
                    .put("path", "/api/v1/providers/" + provider + "/" + name).put("description", c.description());
            ObjectNode input = item.putObject("input");
            c.input().forEach((field, f) -> input.putObject(field).put("type", f.type()).put("required", f.required()));
        }));
        PaymentApi.respond(exchange, 200, Json.object().set("calls", out));
    }

    /** GET /api/v1/ops/operator-calls?limit=: the calls operators made, newest first (input redacted). */
    public void history(Exchange exchange) {
        operator(exchange);
        PaymentApi.respond(exchange, 200, Json.object().set("calls", calls.recent(PaymentApi.limit(exchange))));
    }

    public void call(Exchange exchange) {
        Caller caller = operator(exchange);
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        String provider = exchange.getMessage().getHeader("provider", String.class);
        String call = exchange.getMessage().getHeader("call", String.class);
        ObjectNode input = "GET".equals(method) ? query(PaymentApi.request(exchange)) : body(exchange);
        JsonNode result = calls.call(caller.name(), provider, call, method, input);
        ObjectNode out = Json.object().put("provider", provider).put("call", call);
        out.set("result", result);
        PaymentApi.respond(exchange, 200, out);
    }

    private static Caller operator(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        if (!caller.operator()) {
            throw Refusal.forbidden("only operators call providers directly");
        }
        return caller;
    }

    /** The query as an object; a name given twice is refused. */
    private static ObjectNode query(HttpServletRequest request) {
        ObjectNode input = Json.object();
        String q = request == null ? null : request.getQueryString();
        if (q == null || q.isEmpty()) {
            return input;
        }
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid("query", "is not properly encoded");
            }
            if (input.has(name)) {
                throw Refusal.invalid(name, "is given more than once");
            }
            input.put(name, value);
        }
        return input;
    }

    /** The request body as a JSON object (empty when there is none); anything else is a 400. */
    static ObjectNode body(Exchange exchange) {
        byte[] bytes = exchange.getMessage().getBody(byte[].class);
        if (bytes == null || bytes.length == 0) {
            return Json.object();
        }
        JsonNode body;
        try {
            body = Json.parse(bytes);
        } catch (Exception e) {
            throw Refusal.invalid("body", "must be a JSON object");
        }
        if (body == null || !body.isObject()) {
            throw Refusal.invalid("body", "must be a JSON object");
        }
        return (ObjectNode) body;
    }
}
