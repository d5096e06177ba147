package africa.payhub;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A final payment still learns what its provider says later. Monnify reverses a transfer the hub settled
 * SUCCEEDED while the hub's database is away: its REVERSED_DISBURSEMENT webhook is refused (503) each time
 * Monnify sends it, until Monnify gives up. Monnify's declared recheck (Search Disbursement Transactions,
 * routes/core/recheck.camel.yaml) finds the reversal within its period and moves the payment to REVERSED,
 * with its callback.
 */
class LateReversalTest extends HubTestSupport {

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aReversalWhoseWebhookWasRefusedDuringAnOutageIsFoundByTheRecheck() {
        String path = "/hooks/" + messageId("late-reversal");
        ObjectNode m = payout(messageId("late-reversal"), "2085886393", "77.00");
        m.put("callbackUrl", CallbackReceiver.get().url(path));
        String id = submit(m).path("paymentId").asText();
        String reference = awaitStatus(id, "SUCCEEDED").path("providerReference").asText();

        // the database goes away (every connection taken): Monnify reverses the transfer and its webhook is refused
        // each time it is sent, three times, a second apart; then Monnify stops trying
        HikariDataSource pool = (HikariDataSource) dataSource;
        List<Connection> taken = new ArrayList<>();
        try {
            try {
                for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                    taken.add(pool.getConnection());
                }
            } catch (SQLException alreadyExhausted) {
                // background work holds the rest
            }
            Response reversed = post("/sandbox/monnify/_control/transfers/" + reference + "/status",
                    "{\"status\": \"REVERSED\", \"webhook\": true}", null);
            assertThat(reversed.status()).isEqualTo(200);
            // the hub's own background work fails while the pool is empty (a callback sender finds no connection):
            // that is the outage, not this test's failure
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(20))
                    .until(() -> monnify(reference).path("webhookAnswers").size() == 3);
        } finally {
            for (Connection c : taken) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // back in the pool either way
                }
            }
        }
        monnify(reference).path("webhookAnswers").forEach(a -> assertThat(a.asInt()).as("the webhook was refused").isEqualTo(503));
        assertThat(monnify(reference).path("status").asText()).isEqualTo("REVERSED");
        assertThat(payment(id).path("status").asText()).as("the webhook was lost").isEqualTo("SUCCEEDED");

        // the recheck's period passes (Monnify declares 30 minutes): its next round finds the reversal
        jdbc.sql("UPDATE provider_rechecks SET next_at = now() WHERE provider = 'monnify'").update();
        JsonNode done = await().atMost(Duration.ofSeconds(15)).until(() -> payment(id),
                p -> "REVERSED".equals(p.path("status").asText()));
        assertThat(done.path("reasonCode").asText()).isEqualTo("REVERSED_BY_PROVIDER");
        assertThat(MonnifyPayoutTest.changedBy(id, "REVERSED")).isEqualTo("hub:recheck");
        assertThat(MonnifyPayoutTest.eventTypes(id)).contains("RECHECK_OUTCOME");
        await().untilAsserted(() -> assertThat(CallbackReceiver.get().receivedAt(path).stream()
                .map(r -> Json.toNode(r.text()).path("payment").path("status").asText())).contains("SUCCEEDED", "REVERSED"));
        assertThat(jdbc.sql("SELECT CAST(last_summary AS text) FROM provider_rechecks WHERE provider = 'monnify'")
                .query(String.class).single()).contains("\"reversed\":");
    }
}
