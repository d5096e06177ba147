package africa.payhub.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.provider.PeriodReconciliation;
import africa.payhub.provider.WebhookRecords;
import africa.payhub.security.Caller;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * What operators look at for money that came in: verified provider webhooks no payment of the hub matched
 * ({@code GET /api/v1/ops/webhooks}), and reconciliations of a period against the provider's own listing
 * ({@code GET} and {@code POST /api/v1/ops/reconciliations}). Operators only.
 */
@Component("moneyInOpsApi")
public class MoneyInOpsApi {

    static final int MAX_LIMIT = 500;

    private final WebhookRecords webhooks;
    private final PeriodReconciliation reconciliation;

    public MoneyInOpsApi(WebhookRecords webhooks, PeriodReconciliation reconciliation) {
        this.webhooks = webhooks;
        this.reconciliation = reconciliation;
    }

    /** GET /api/v1/ops/webhooks?provider=&limit=: verified webhooks left UNMATCHED or PARTLY_MATCHED, newest first. */
    public void webhooks(Exchange exchange) {
        requireOperator(exchange);
        ObjectNode out = Json.object();
        out.set("webhooks", webhooks.unmatched(param(exchange, "provider"), limit(exchange)));
        PaymentApi.respond(exchange, 200, out);
    }

    /** GET /api/v1/ops/reconciliations?provider=&limit=: recent runs with their differences, newest first. */
    public void reconciliations(Exchange exchange) {
        requireOperator(exchange);
        ObjectNode out = Json.object();
        out.set("runs", reconciliation.list(param(exchange, "provider"), limit(exchange)));
        PaymentApi.respond(exchange, 200, out);
    }

    /** POST /api/v1/ops/reconciliations {provider, from, to}: reconcile that period now; the run. */
    public void reconcile(Exchange exchange) {
        Caller caller = requireOperator(exchange);
        JsonNode body = OperatorCallApi.body(exchange);
        String provider = body.path("provider").asText("");
        if (!provider.matches("[a-z][a-z0-9-]{1,31}")) {
            throw Refusal.invalid("provider", "must name a provider");
        }
        ObjectNode run = reconciliation.run(provider, instant(body, "from"), instant(body, "to"), "operator:" + caller.name());
        PaymentApi.respond(exchange, 200, run);
    }

    private static Caller requireOperator(Exchange exchange) {
        Caller caller = PaymentApi.caller(exchange);
        if (!caller.operator()) {
            throw Refusal.forbidden("this needs the OPERATOR role");
        }
        return caller;
    }

    private static Instant instant(JsonNode body, String field) {
        try {
            return Instant.parse(body.path(field).asText(""));
        } catch (DateTimeParseException e) {
            throw Refusal.invalid(field, "must be an instant, e.g. 2026-03-01T08:00:00Z");
        }
    }

    private static String param(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int limit(Exchange exchange) {
        String v = param(exchange, "limit");
        if (v == null) {
            return 50;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw Refusal.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
}
