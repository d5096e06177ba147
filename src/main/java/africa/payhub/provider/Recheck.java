package africa.payhub.provider;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.payment.Decision;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.Payment;
import africa.payhub.payment.OutcomeRules;
import africa.payhub.payment.PaymentStatus;
import africa.payhub.payment.PaymentStore;
import africa.payhub.payment.Timeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Final payments asked about again (a provider's declared {@code recheck}): a payment the hub settled SUCCEEDED
 * can be reversed by its provider later, and the webhook that says so can be lost for good (refused during an
 * outage until the provider stopped resending). Each round compares the payments of the declared operations
 * that became SUCCEEDED within the declared window with the provider's own listing of that time: a row whose
 * status means REVERSED is applied to its payment as the provider's word (SUCCEEDED -> REVERSED, with the
 * callback, as its webhook would have); another status that differs is noted on the payment's timeline
 * ({@code RECHECK_DIFFERENCE}, once) for a person. A round runs every declared interval per provider, claimed
 * once across hubs ({@code provider_rechecks}), and reads at most the declared pages; a provider with nothing
 * settled in the window is not called at all.
 */
@Component("recheck")
public class Recheck {

    private static final Logger LOG = LoggerFactory.getLogger(Recheck.class);
    static final String ACTOR = "hub:recheck";
    /** How much earlier than the oldest payment the listing starts (clocks differ; the provider stamps later). */
    static final Duration MARGIN = Duration.ofMinutes(5);

    private final JdbcClient jdbc;
    private final ProviderCatalog providers;
    private final PeriodReconciliation listings;
    private final PaymentStore payments;
    private final OutcomeRules rules;
    private final Timeline timeline;

    public Recheck(JdbcClient jdbc, ProviderCatalog providers, PeriodReconciliation listings, PaymentStore payments,
                   OutcomeRules rules, Timeline timeline) {
        this.jdbc = jdbc;
        this.providers = providers;
        this.listings = listings;
        this.payments = payments;
        this.rules = rules;
        this.timeline = timeline;
    }

    /** The rounds that are due, each claimed by this hub alone: how many ran. */
    public int runDue() {
        int ran = 0;
        for (String provider : providers.enabledProviders()) {
            ProviderDeclaration.Recheck declared = providers.require(provider).declaration().recheck();
            if (declared != null && claim(provider, declared.interval())) {
                run(provider, declared);
                ran++;
            }
        }
        return ran;
    }

    /** Takes the provider's round when it is due (or was never run): true when this hub runs it. */
    private boolean claim(String provider, Duration every) {
        return jdbc.sql("""
                        INSERT INTO provider_rechecks (provider, next_at, last_started)
                        VALUES (:provider, now() + CAST(:every AS interval), now())
                        ON CONFLICT (provider) DO UPDATE SET next_at = now() + CAST(:every AS interval), last_started = now()
                        WHERE provider_rechecks.next_at <= now()
                        RETURNING provider""")
                .param("provider", provider).param("every", every.toMillis() + " milliseconds")
                .query(String.class).optional().isPresent();
    }

    /** One round for one provider: its summary, kept with the provider's row and logged. */
    ObjectNode run(String provider, ProviderDeclaration.Recheck declared) {
        ObjectNode summary = Json.object();
        try {
            Map<String, Object> settled = jdbc.sql("""
                            SELECT count(*) AS n, min(created_at) AS oldest FROM payments
                            WHERE provider = :provider AND operation IN (:operations) AND status = 'SUCCEEDED'
                              AND updated_at >= now() - CAST(:window AS interval)""")
                    .param("provider", provider).param("operations", declared.operations())
                    .param("window", declared.windowLength().toMillis() + " milliseconds").query().singleRow();
            long candidates = ((Number) settled.get("n")).longValue();
            summary.put("settledInWindow", candidates);
            if (candidates > 0) {
                Instant from = ((Timestamp) settled.get("oldest")).toInstant().minus(MARGIN);
                PeriodReconciliation.Pages listed = listings.pages(ACTOR, provider, declared.call(), declared.input(),
                        declared.pageSize(), declared.maxPages(), from, Instant.now().plus(Duration.ofMinutes(1)));
                summary.put("rows", listed.rows().size()).put("truncated", listed.more());
                int reversed = 0;
                int noted = 0;
                for (JsonNode row : listed.rows()) {
                    switch (compare(provider, declared, row)) {
                        case REVERSED -> reversed++;
                        case NOTED -> noted++;
                        default -> {
                        }
                    }
                }
                summary.put("reversed", reversed).put("noted", noted);
                if (listed.more()) {
                    LOG.warn("Recheck of {}: more than {} pages of {} since {}; the rest waits for a later round (raise"
                            + " recheck.maxPages, or shorten its window)", provider, declared.maxPages(), declared.pageSize(), from);
                }
            }
        } catch (RuntimeException e) {
            summary.put("error", Outcomes.describe(e));
            LOG.warn("Recheck of {} failed: {}; tried again next round", provider, Outcomes.describe(e));
        }
        jdbc.sql("UPDATE provider_rechecks SET last_summary = CAST(:summary AS jsonb) WHERE provider = :provider")
                .param("summary", Json.write(summary)).param("provider", provider).update();
        LOG.info("Recheck of {}: {}", provider, Json.write(summary));
        return summary;
    }

    private enum Found { SAME, REVERSED, NOTED }

    /** One listed transaction against the hub's payment it names. */
    private Found compare(String provider, ProviderDeclaration.Recheck declared, JsonNode row) {
        String status = row.path("status").asText("");
        PaymentStatus theirs = providers.status(provider, status).status();
        if (theirs == PaymentStatus.SUCCEEDED || theirs == PaymentStatus.PENDING) {
            return Found.SAME;
        }
        Optional<Payment> hub = Optional.empty();
        if (row.hasNonNull("reference")) {
            hub = payments.findByProviderReference(provider, row.get("reference").asText());
        }
        if (hub.isEmpty() && row.hasNonNull("transactionReference")) {
            hub = payments.findByProviderTransactionId(provider, row.get("transactionReference").asText());
        }
        if (hub.isEmpty() || hub.get().status() != PaymentStatus.SUCCEEDED
                || !declared.operations().contains(hub.get().operation())) {
            return Found.SAME;
        }
        Payment p = hub.get();
        if (theirs == PaymentStatus.REVERSED) {
            ObjectNode outcome = Outcome.of(Outcome.Kind.STATUS, provider + " lists the transaction " + status
                    + " after the payment succeeded (recheck of final payments)");
            outcome.put("providerStatus", status);
            outcome.put("reference", row.path("reference").asText(null));
            outcome.put("providerTransactionId", row.path("transactionReference").asText(null));
            if (row.hasNonNull("amount")) {
                ObjectNode amount = outcome.putObject("amount").put("value", row.get("amount").asText());
                if (row.hasNonNull("currency")) {
                    amount.put("currency", row.get("currency").asText());
                }
            }
            rules.applyOutcome(p.id(), Decision.Phase.RECHECK, Outcome.from(outcome));
            return Found.REVERSED;
        }
        // noted once: every round reads the window again
        return timeline.recordAtMost(p.id(), "RECHECK_DIFFERENCE", ACTOR, Json.object().put("providerStatus", status)
                .put("hubStatus", p.status().name()).put("reference", row.path("reference").asText(null))
                .put("note", provider + " lists it " + status + "; a SUCCEEDED payment moves only to REVERSED, so a"
                        + " person decides"), 1) ? Found.NOTED : Found.SAME;
    }
}
