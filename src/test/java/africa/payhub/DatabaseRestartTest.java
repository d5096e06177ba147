package africa.payhub;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.config.EmbeddedDatabase;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded PostgreSQL killed with kill -9: the hub answers 503 with Retry-After while it is gone, the
 * supervisor starts it again on the same data and port, the pool reconnects by itself, a payment acknowledged
 * before the kill is still there, and a new one posts and settles.
 */
class DatabaseRestartTest extends HubTestSupport {

    @Autowired
    EmbeddedDatabase database;

    @Test
    void aKilledDatabaseIsRestartedAndWhatWasAcknowledgedSurvives() throws Exception {
        String before = submit(payout(messageId("db-kill-before"), "2085886393", "31.00")).path("paymentId").asText();
        awaitStatus(before, "SUCCEEDED");
        long restartsBefore = database.restarts();
        int port = database.port();

        Path pidFile = HOME.resolve("data/postgres/postmaster.pid");
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        postmaster.destroyForcibly();
        postmaster.onExit().get(10, TimeUnit.SECONDS);

        // while it is gone: a 503 problem with Retry-After, never a 500 or a hang (or, if the supervisor was
        // quicker than this request, the payment itself)
        Response during = get("/api/v1/payments/" + before, CLIENT);
        assertThat(during.status()).as(during.body()).isIn(503, 200);
        if (during.status() == 503) {
            assertThat(during.header("Retry-After")).isNotBlank();
            assertThat(during.header("Content-Type")).startsWith("application/problem+json");
        }

        Awaitility.await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(database.restarts()).isEqualTo(restartsBefore + 1));
        assertThat(database.port()).as("restarted where the pool looks for it").isEqualTo(port);
        long newPid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        assertThat(newPid).isNotEqualTo(pid);

        // the pool reconnects by itself; what was acknowledged before the kill is still there, unchanged
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get("/api/v1/payments/" + before, CLIENT).status()).isEqualTo(200));
        JsonNode kept = payment(before);
        assertThat(kept.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(monnify(kept.path("providerReference").asText()).path("executions").asInt()).isEqualTo(1);

        String after = submit(payout(messageId("db-kill-after"), "2085886393", "32.00")).path("paymentId").asText();
        awaitStatus(after, "SUCCEEDED");

        JsonNode health = get("/actuator/health", OPERATOR).json();
        assertThat(health.at("/components/embeddedDatabase/status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/embeddedDatabase/details/restarts").asLong()).isEqualTo(restartsBefore + 1);
        assertThat(get("/actuator/prometheus", OPERATOR).body())
                .contains("hub_database_restarts_total");
    }

    /**
     * A restart that timed out (on a loaded machine the server was slower than the wait) left the library's lock
     * on the data directory held by an object nobody can close, so every later try in this JVM failed at once
     * on that lock and the hub never got its database back. A database of its own whose first restarts wait a
     * millisecond: they time out, and a later one (each waits twice as long) still brings it back.
     */
    @Test
    void aRestartThatTimedOutIsTriedAgainUntilTheServerIsBack() throws Exception {
        Path dir = Files.createTempDirectory(HOME, "restart-timeout-");
        EmbeddedDatabase own = new EmbeddedDatabase(dir, Duration.ofMillis(100), Duration.ofMillis(1));
        try {
            int port = own.port();
            long pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
            postmaster.destroyForcibly();
            postmaster.onExit().get(10, TimeUnit.SECONDS);

            Awaitility.await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(own.restarts()).isEqualTo(1));
            assertThat(own.health().getDetails()).containsKey("lastRestart");
            assertThat(own.port()).isEqualTo(port);
            try (Connection c = DriverManager.getConnection(own.jdbcUrl()); ResultSet r = c.createStatement().executeQuery("SELECT 1")) {
                assertThat(r.next()).isTrue();
            }
        } finally {
            own.close();
        }
    }
}
