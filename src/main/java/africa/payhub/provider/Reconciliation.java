package africa.payhub.provider;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.payment.PaymentStatus;
import africa.payhub.payment.Timeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Compares a completed batch with the provider's own record of it, through the operator call its
 * operation declares ({@code reconcile}): each item's status and amount against the provider's row with the
 * item's reference. A mismatch (a final status that differs, a transfer the provider has no record of though
 * the hub counts it paid, another amount) is written to that item's timeline as
 * {@code RECONCILIATION_MISMATCH}; the batch keeps the counts. Nothing is changed: a person decides.
 * Run by route {@code reconciliation} for batches completed at least {@code hub.reconciliation.settle} ago,
 * each claimed once (a second hub skips it).
 */
@Component("reconciliation")
public class Reconciliation {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciliation.class);
    static final String ACTOR = "hub:reconciliation";
    static final int MAX_PAGES = 50;

    private final JdbcClient jdbc;
    private final ProviderCatalog providers;
    private final OperatorCalls calls;
    private final Mappings mappings;
    private final Timeline timeline;
    private final long settleSeconds;

    public Reconciliation(JdbcClient jdbc, ProviderCatalog providers, OperatorCalls calls, Mappings mappings,
                          Timeline timeline, @Value("${hub.reconciliation.settle:5m}") java.time.Duration settle) {
        this.jdbc = jdbc;
        this.providers = providers;
        this.calls = calls;
        this.mappings = mappings;
        this.timeline = timeline;
        this.settleSeconds = settle.toSeconds();
    }

    /** Claims and reconciles up to 10 batches that are due; how many were reconciled. */
    public int reconcileDue() {
        List<String> due = jdbc.sql("""
                        UPDATE payment_batches SET reconciled_at = now() WHERE id IN (
                            SELECT id FROM payment_batches
                            WHERE status = 'COMPLETED' AND reconciled_at IS NULL
                              AND completed_at < now() - (CAST(:settle AS integer) * interval '1 second')
                            ORDER BY completed_at LIMIT 10 FOR UPDATE SKIP LOCKED)
                        RETURNING id""")
                .param("settle", settleSeconds).query(String.class).list();
        int done = 0;
        for (String id : due) {
            try {
                reconcile(id);
                done++;
            } catch (RuntimeException e) {
                // the provider could not be asked: the batch is tried again next round
                jdbc.sql("UPDATE payment_batches SET reconciled_at = NULL WHERE id = :id").param("id", id).update();
                LOG.warn("Reconciliation of batch {} postponed: {}", id, Outcomes.describe(e));
            }
        }
        return done;
    }

    /** Reconciles one batch now; the summary kept with it. */
    public ObjectNode reconcile(String batchId) {
        Map<String, Object> b = jdbc.sql("SELECT provider, operation, provider_reference FROM payment_batches WHERE id = :id")
                .param("id", batchId).query().singleRow();
        String provider = (String) b.get("provider");
        ObjectNode summary = Json.object();
        ProviderDeclaration.Reconcile declared = providers.provider(provider)
                .map(p -> p.declaration().operations().get((String) b.get("operation")))
                .map(ProviderDeclaration.Operation::reconcile).orElse(null);
        if (declared == null) {
            summary.put("skipped", provider + " declares no reconcile call for " + b.get("operation"));
            return keep(batchId, summary);
        }
        Map<String, JsonNode> atProvider = listing(provider, declared, (String) b.get("provider_reference"));
        List<Map<String, Object>> items = jdbc.sql("""
                        SELECT id, provider_reference, status, amount_value FROM payments
                        WHERE batch_id = :id ORDER BY item_id""").param("id", batchId).query().listOfRows();
        int mismatched = 0;
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> item : items) {
            String reference = (String) item.get("provider_reference");
            seen.add(reference);
            PaymentStatus hub = PaymentStatus.valueOf((String) item.get("status"));
            BigDecimal hubAmount = (BigDecimal) item.get("amount_value");
            ObjectNode found = mismatch(provider, hub, hubAmount, atProvider.get(reference));
            if (found != null) {
                mismatched++;
                found.put("batchId", batchId).put("reference", reference);
                timeline.record((String) item.get("id"), "RECONCILIATION_MISMATCH", ACTOR, found);
            }
        }
        summary.put("checked", items.size());
        summary.put("mismatched", mismatched);
        summary.put("unknownAtHub", atProvider.keySet().stream().filter(r -> !seen.contains(r)).count());
        return keep(batchId, summary);
    }

    /** What differs between the hub's item and the provider's row, or null. */
    private ObjectNode mismatch(String provider, PaymentStatus hub, BigDecimal hubAmount, JsonNode row) {
        if (row == null) {
            return hub == PaymentStatus.SUCCEEDED
                    ? Json.object().put("kind", "MISSING_AT_PROVIDER").put("hubStatus", hub.name()) : null;
        }
        String providerStatus = row.path("status").asText("");
        PaymentStatus theirs = providers.status(provider, providerStatus).status();
        ObjectNode out = Json.object().put("hubStatus", hub.name()).put("providerStatus", providerStatus);
        if (theirs != hub) {
            return out.put("kind", "STATUS");
        }
        BigDecimal amount = row.hasNonNull("amount") ? new BigDecimal(row.get("amount").asText()) : null;
        if (amount != null && hubAmount != null && amount.compareTo(hubAmount) != 0) {
            return out.put("kind", "AMOUNT").put("hubAmount", hubAmount.toPlainString()).put("providerAmount", amount.toPlainString());
        }
        return null;
    }

    /** Every row of the provider's listing, by reference, page by page. */
    private Map<String, JsonNode> listing(String provider, ProviderDeclaration.Reconcile declared, String batchReference) {
        ProviderDeclaration.OperatorCall call = calls.declared(provider, declared.call(),
                providers.require(provider).declaration().operatorCalls().get(declared.call()).method());
        Map<String, JsonNode> rows = new HashMap<>();
        for (int page = 0; page < MAX_PAGES; page++) {
            ObjectNode context = Json.object();
            context.set("batch", Json.object().put("providerReference", batchReference));
            context.put("page", page).put("pageSize", declared.pageSize());
            ObjectNode input = Json.object();
            declared.input().forEach((field, expression) -> {
                JsonNode v = mappings.evaluate(provider, expression, context);
                if (!v.isNull()) {
                    input.set(field, v);
                }
            });
            JsonNode result = calls.call(ACTOR, provider, declared.call(), call.method(), input);
            result.path("transactions").forEach(t -> rows.put(t.path("reference").asText(), t));
            if (result.path("last").asBoolean(true) || result.path("transactions").isEmpty()) {
                break;
            }
        }
        return rows;
    }

    private ObjectNode keep(String batchId, ObjectNode summary) {
        summary.put("at", java.time.Instant.now().toString());
        jdbc.sql("UPDATE payment_batches SET reconciled_at = now(), reconciliation = CAST(:s AS JSONB) WHERE id = :id")
                .param("s", Json.write(summary)).param("id", batchId).update();
        LOG.info("Batch {} reconciled: {}", batchId, Json.write(summary));
        return summary;
    }
}
