package africa.payhub.provider;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.payment.Payment;
import africa.payhub.payment.PaymentStatus;
import africa.payhub.payment.PaymentStore;
import africa.payhub.payment.Timeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Compares what a provider says it collected in a period (the listing its declaration names,
 * {@code reconcile}) with the hub's payments of the declared operations, both ways: paid at the provider but
 * unknown to the hub or not SUCCEEDED there, SUCCEEDED in the hub but not paid at the provider, and amounts
 * that differ. Nothing is changed (a person decides): the differences are kept with the run
 * ({@code reconciliation_runs}) and written to the timelines of the payments concerned
 * ({@code RECONCILIATION_DIFFERENCE}). Runs on a schedule for each past period of
 * {@code hub.reconciliation.period} (claimed once across hubs) and when an operator asks.
 */
@Component("periodReconciliation")
public class PeriodReconciliation {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodReconciliation.class);
    static final String ACTOR = "hub:reconciliation";

    private final JdbcClient jdbc;
    private final ProviderCatalog providers;
    private final OperatorCalls calls;
    private final Mappings mappings;
    private final PaymentStore payments;
    private final Timeline timeline;
    private final Duration period;
    private final Duration lag;

    public PeriodReconciliation(JdbcClient jdbc, ProviderCatalog providers, OperatorCalls calls, Mappings mappings,
                                PaymentStore payments, Timeline timeline,
                                @Value("${hub.reconciliation.period:1h}") Duration period,
                                @Value("${hub.reconciliation.lag:15m}") Duration lag) {
        this.jdbc = jdbc;
        this.providers = providers;
        this.calls = calls;
        this.mappings = mappings;
        this.payments = payments;
        this.timeline = timeline;
        this.period = period;
        this.lag = lag;
    }

    /** The scheduled round: the last whole period that ended {@code lag} ago, for each provider declaring one. */
    public int runDue() {
        long size = period.toMillis();
        long end = (Instant.now().minus(lag).toEpochMilli() / size) * size;
        Instant from = Instant.ofEpochMilli(end - size);
        Instant to = Instant.ofEpochMilli(end);
        int done = 0;
        for (String provider : providers.enabledProviders()) {
            if (declared(provider).isEmpty()) {
                continue;
            }
            Optional<Long> claimed = jdbc.sql("""
                            INSERT INTO reconciliation_runs (provider, period_from, period_to, requested_by)
                            VALUES (:provider, :from, :to, 'schedule') ON CONFLICT DO NOTHING RETURNING id""")
                    .param("provider", provider).param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                    .query(Long.class).optional();
            if (claimed.isPresent()) {
                finish(claimed.get(), provider, from, to);
                done++;
            }
        }
        return done;
    }

    /** An operator's run over any period: the run with its differences. */
    public ObjectNode run(String provider, Instant from, Instant to, String requestedBy) {
        if (declared(provider).isEmpty()) {
            throw Refusal.notFound("provider " + provider + " declares no reconciliation");
        }
        if (!from.isBefore(to)) {
            throw Refusal.invalid("from", "from must be before to");
        }
        long id = jdbc.sql("""
                        INSERT INTO reconciliation_runs (provider, period_from, period_to, requested_by)
                        VALUES (:provider, :from, :to, :by) RETURNING id""")
                .param("provider", provider).param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .param("by", requestedBy).query(Long.class).single();
        finish(id, provider, from, to);
        return find(id).orElseThrow();
    }

    /** Recent runs, newest first, optionally of one provider. */
    public ArrayNode list(String provider, int limit) {
        ArrayNode out = Json.NODES.arrayNode();
        jdbc.sql("""
                        SELECT id FROM reconciliation_runs WHERE (CAST(:provider AS text) IS NULL OR provider = :provider)
                        ORDER BY id DESC LIMIT :limit""")
                .param("provider", provider).param("limit", limit).query(Long.class).list()
                .forEach(id -> find(id).ifPresent(out::add));
        return out;
    }

    private Optional<ObjectNode> find(long id) {
        return jdbc.sql("""
                        SELECT id, provider, period_from, period_to, requested_by, started_at, finished_at, status,
                               CAST(summary AS text) AS summary, CAST(differences AS text) AS differences
                        FROM reconciliation_runs WHERE id = :id""")
                .param("id", id).query((rs, n) -> {
                    ObjectNode v = Json.object();
                    v.put("runId", rs.getLong("id"));
                    v.put("provider", rs.getString("provider"));
                    v.put("from", rs.getTimestamp("period_from").toInstant().toString());
                    v.put("to", rs.getTimestamp("period_to").toInstant().toString());
                    v.put("requestedBy", rs.getString("requested_by"));
                    v.put("status", rs.getString("status"));
                    v.put("startedAt", rs.getTimestamp("started_at").toInstant().toString());
                    Timestamp finished = rs.getTimestamp("finished_at");
                    v.put("finishedAt", finished == null ? null : finished.toInstant().toString());
                    v.set("summary", rs.getString("summary") == null ? Json.NODES.nullNode() : Json.toNode(rs.getString("summary")));
                    v.set("differences", rs.getString("differences") == null ? Json.NODES.arrayNode()
                            : Json.toNode(rs.getString("differences")));
                    return v;
                }).optional();
    }

    private void finish(long id, String provider, Instant from, Instant to) {
        try {
            ArrayNode differences = Json.NODES.arrayNode();
            ObjectNode summary = compare(provider, declared(provider).orElseThrow(), from, to, differences, id);
            jdbc.sql("""
                            UPDATE reconciliation_runs SET status = 'DONE', finished_at = now(),
                                summary = CAST(:summary AS jsonb), differences = CAST(:differences AS jsonb) WHERE id = :id""")
                    .param("summary", Json.write(summary)).param("differences", Json.write(differences)).param("id", id).update();
            LOG.info("Reconciliation {} of {} for {} .. {}: {}", id, provider, from, to, Json.write(summary));
        } catch (RuntimeException e) {
            jdbc.sql("""
                            UPDATE reconciliation_runs SET status = 'FAILED', finished_at = now(),
                                summary = CAST(:summary AS jsonb) WHERE id = :id""")
                    .param("summary", Json.write(Json.object().put("error", Outcomes.describe(e)))).param("id", id).update();
            LOG.warn("Reconciliation {} of {} failed: {}", id, provider, Outcomes.describe(e));
        }
    }

    private ObjectNode compare(String provider, ProviderDeclaration.PeriodReconcile declared, Instant from, Instant to,
                               ArrayNode differences, long runId) {
        List<JsonNode> rows = listing(provider, declared, from, to);
        Set<String> matched = new HashSet<>();
        int paidThere = 0;
        for (JsonNode row : rows) {
            if (providers.status(provider, row.path("status").asText("")).status() != PaymentStatus.SUCCEEDED) {
                continue;
            }
            paidThere++;
            Optional<Payment> hub = Optional.empty();
            if (row.hasNonNull("reference")) {
                hub = payments.findByProviderReference(provider, row.get("reference").asText());
            }
            if (hub.isEmpty() && row.hasNonNull("transactionReference")) {
                hub = payments.findByProviderTransactionId(provider, row.get("transactionReference").asText());
            }
            ObjectNode d = Json.object().put("reference", row.path("reference").asText(null))
                    .put("transactionReference", row.path("transactionReference").asText(null))
                    .put("providerStatus", row.path("status").asText(null)).put("providerAmount", row.path("amount").asText(null));
            if (hub.isEmpty()) {
                differences.add(d.put("kind", "PAID_AT_PROVIDER_NOT_IN_HUB"));
                continue;
            }
            Payment p = hub.get();
            matched.add(p.id());
            d.put("paymentId", p.id()).put("hubStatus", p.status().name());
            if (p.status() != PaymentStatus.SUCCEEDED) {
                difference(differences, d.put("kind", "PAID_AT_PROVIDER_NOT_SUCCEEDED_IN_HUB"), p.id(), runId);
            } else if (p.amountValue() != null && row.hasNonNull("amount")
                    && new BigDecimal(row.get("amount").asText()).compareTo(p.amountValue()) != 0) {
                difference(differences, d.put("kind", "AMOUNT_DIFFERS").put("hubAmount", p.amountValue().toPlainString()),
                        p.id(), runId);
            }
        }
        List<Map<String, Object>> succeeded = declared.operations().isEmpty() ? List.of() : jdbc.sql("""
                        SELECT id, provider_reference, provider_transaction_id FROM payments
                        WHERE provider = :provider AND operation IN (:operations) AND status = 'SUCCEEDED'
                          AND updated_at >= :from AND updated_at < :to""")
                .param("provider", provider).param("operations", declared.operations())
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to)).query().listOfRows();
        for (Map<String, Object> p : succeeded) {
            String id = (String) p.get("id");
            if (!matched.contains(id)) {
                difference(differences, Json.object().put("kind", "SUCCEEDED_IN_HUB_NOT_PAID_AT_PROVIDER").put("paymentId", id)
                        .put("reference", (String) p.get("provider_reference"))
                        .put("transactionReference", (String) p.get("provider_transaction_id")), id, runId);
            }
        }
        return Json.object().put("providerRows", rows.size()).put("paidAtProvider", paidThere)
                .put("succeededInHub", succeeded.size()).put("differences", differences.size());
    }

    private void difference(ArrayNode differences, ObjectNode d, String paymentId, long runId) {
        differences.add(d);
        timeline.record(paymentId, "RECONCILIATION_DIFFERENCE", ACTOR, d.deepCopy().put("runId", runId));
    }

    /** Every row of the provider's listing for the period, page by page. */
    private List<JsonNode> listing(String provider, ProviderDeclaration.PeriodReconcile declared, Instant from, Instant to) {
        return pages(ACTOR, provider, declared.call(), declared.input(), declared.pageSize(), Reconciliation.MAX_PAGES, from, to)
                .rows();
    }

    /** The rows a paged listing gave, and whether it had more than the pages read. */
    record Pages(List<JsonNode> rows, boolean more) {
    }

    /**
     * A provider's listing between two times, through its operator call {@code call} (answering {@code
     * {"transactions": [...], "last"}}), page by page, at most {@code maxPages}: each call's input fields are JSLT
     * over {@code {from, to, page, pageSize}} (from and to in epoch milliseconds). The calls are audited as {@code actor}'s.
     */
    Pages pages(String actor, String provider, String call, java.util.Map<String, String> fields, int pageSize, int maxPages,
                Instant from, Instant to) {
        String method = providers.require(provider).declaration().operatorCalls().get(call).method();
        List<JsonNode> rows = new ArrayList<>();
        for (int page = 0; page < maxPages; page++) {
            ObjectNode context = Json.object().put("from", from.toEpochMilli()).put("to", to.toEpochMilli())
                    .put("page", page).put("pageSize", pageSize);
            ObjectNode input = Json.object();
            fields.forEach((field, expression) -> {
                JsonNode v = mappings.evaluate(provider, expression, context);
                if (v != null && !v.isNull()) {
                    input.set(field, v);
                }
            });
            JsonNode result = calls.call(actor, provider, call, method, input);
            result.path("transactions").forEach(rows::add);
            if (result.path("last").asBoolean(true) || result.path("transactions").isEmpty()) {
                return new Pages(rows, false);
            }
        }
        return new Pages(rows, true);
    }

    private Optional<ProviderDeclaration.PeriodReconcile> declared(String provider) {
        return providers.provider(provider).map(p -> p.declaration().reconcile());
    }
}
