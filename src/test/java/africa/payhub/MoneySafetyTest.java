package africa.payhub;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import africa.payhub.config.DurabilityCheck;
import africa.payhub.payment.Outcome;
import africa.payhub.provider.Outcomes;
import africa.payhub.provider.ProviderRejectedException;
import africa.payhub.web.Problems;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Money safety under faults: an acknowledgement is durable, a payment is sent again only when the
 * provider's declaration makes that safe, an unrecognised refusal never fails a payment, the hub answers
 * 503 (never 404 or a hang) while it cannot serve, and a slow provider delays only its own payments.
 */
class MoneySafetyTest extends HubTestSupport {

    @Autowired
    DataSource dataSource;

    @Autowired
    Outcomes outcomes;

    @Autowired
    ApplicationContext context;

    // ------------------------------------------------------------------ durability

    @Test
    void theEmbeddedDatabaseFlushesEveryCommitAndTheCheckRefusesOneThatDoesNot() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertThat(DurabilityCheck.check(c, true)).isEmpty();
        }
        // a server (here: a session) that acknowledges before the disk has the commit
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = off");
            try {
                assertThatThrownBy(() -> DurabilityCheck.check(c, true))
                        .hasMessageContaining("refuses to start").hasMessageContaining("synchronous_commit is off");
                assertThat(DurabilityCheck.check(c, false)).containsExactly("synchronous_commit is off (needs on)");
            } finally {
                s.execute("RESET synchronous_commit");
            }
        }
    }

    // ------------------------------------------------------------------ resend rules

    @Test
    void aProviderThatDeclaresAMaximumHoldTimeIsSentAgainOnlyAfterItAndOnlyWhenItsRecordsHaveNothing() {
        // Acme answers 503 to the first request (nothing made); it declares maxHoldTime 4s and no duplicate check
        var message = payout(messageId("hold"), "1000000004", "31.00");
        message.put("provider", ProviderAsDataTest.NAME);
        String id = submit(message).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        JsonNode seen = monnify(done.path("providerReference").asText());
        assertThat(seen.path("requests").asInt()).isEqualTo(2);
        assertThat(seen.path("executions").asInt()).isEqualTo(1);
        JsonNode resent = events(id).stream()
                .filter(e -> "SUBMITTED".equals(e.path("statusTo").asText()) && "PENDING".equals(e.path("statusFrom").asText()))
                .findFirst().orElseThrow();
        assertThat(resent.path("detail").path("reason").asText()).contains("maximum hold time");
        // the resend came after the hold time, never before: the poller queried in between and waited
        List<JsonNode> sends = events(id).stream()
                .filter(e -> "PROVIDER_REQUEST".equals(e.path("type").asText())
                        && e.path("detail").path("method").asText().equals("POST")).toList();
        assertThat(sends).hasSize(2);
        assertThat(java.time.Duration.between(java.time.Instant.parse(sends.get(0).path("at").asText()),
                java.time.Instant.parse(sends.get(1).path("at").asText()))).isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(4));
    }

    @Test
    void onlyARefusalTheProviderMapNamesFailsAPayment() {
        // a duplicate-reference answer reworded by the provider: not in errors.yaml, so never a failure
        Outcomes.Rejection reworded = outcomes.classify(new ProviderRejectedException("monnify", 400,
                "{\"requestSuccessful\":false,\"responseCode\":\"99\",\"responseMessage\":\"This reference has been used before\"}"));
        assertThat(reworded.rule().outcome()).isEqualTo(Outcome.Kind.UNKNOWN);
        assertThat(reworded.rule().reasonCode()).isEqualTo("UNRECOGNISED_REFUSAL");
        Outcomes.Rejection newCode = outcomes.classify(new ProviderRejectedException("connect", 422,
                "{\"code\":\"SOMETHING_NEW\",\"message\":\"try later\"}"));
        assertThat(newCode.rule().outcome()).isEqualTo(Outcome.Kind.UNKNOWN);
        Outcomes.Rejection waas = outcomes.classify(new ProviderRejectedException("waas", 400,
                "{\"status\":\"error\",\"error_code\":\"SOMETHING_NEW\",\"message\":\"odd\"}"));
        assertThat(waas.rule().outcome()).isEqualTo(Outcome.Kind.UNKNOWN);
        // what the map names explicitly still fails
        Outcomes.Rejection named = outcomes.classify(new ProviderRejectedException("monnify", 400,
                "{\"requestSuccessful\":false,\"responseCode\":\"99\",\"responseMessage\":\"Insufficient balance in source account\"}"));
        assertThat(named.rule().outcome()).isEqualTo(Outcome.Kind.REJECTED);
        assertThat(named.rule().reasonCode()).isEqualTo("INSUFFICIENT_FUNDS");
    }

    // ------------------------------------------------------------------ readiness and database outage

    @Test
    void untilTheHubIsReadyEveryRequestIsA503WithRetryAfterNeverA404() {
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            for (String path : new String[] {"/api/v1/payments", "/webhooks/monnify", "/no/such/path"}) {
                Response r = post(path, "{}", CLIENT);
                assertThat(r.status()).as(path).isEqualTo(503);
                assertThat(r.header("Retry-After")).isNotBlank();
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            }
            assertThat(get("/actuator/health/liveness", null).status()).as("the process lives").isEqualTo(200);
            assertThat(get("/actuator/health/readiness", null).status()).as("not ready").isEqualTo(503);
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
        assertThat(post("/no/such/path", "{}", CLIENT).status()).isEqualTo(404);
        assertThat(get("/actuator/health/readiness", null).status()).isEqualTo(200);
    }

    @Test
    void aDatabaseThatGivesNoConnectionIsA503WithRetryAfterNotAHang() {
        HikariDataSource pool = (HikariDataSource) dataSource;
        String message = africa.payhub.canonical.Json.write(payout(messageId("db-down"), "2085886393", "12.00"));
        // every connection taken: to the hub the database gives none, as when it is down or frozen
        List<Connection> taken = new ArrayList<>();
        Response r;
        try {
            try {
                for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                    taken.add(pool.getConnection());
                }
            } catch (java.sql.SQLException alreadyExhausted) {
                // background work holds the rest
            }
            r = post("/api/v1/payments", message, CLIENT);
        } finally {
            for (Connection c : taken) {
                try {
                    c.close();
                } catch (java.sql.SQLException ignored) {
                    // returned to the pool either way
                }
            }
        }
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isNotBlank();
        assertThat(r.json().path("detail").asText()).contains("database");
        // nothing was stored: the same message is accepted once the database is back
        assertThat(post("/api/v1/payments", message, CLIENT).status()).isEqualTo(202);
    }

    @Test
    void aConnectionLostAtCommitOrRollbackCountsAsTheDatabaseBeingAwayNotAsAnError() {
        // the pool's "Connection is closed" carries no SQL state; a rollback on it is what a killed database
        // leaves behind (seen in the chaos suite as 500s before this rule)
        assertThat(Problems.databaseUnavailable(new org.springframework.transaction.TransactionSystemException(
                "JDBC rollback failed", new java.sql.SQLException("Connection is closed")))).isTrue();
        assertThat(Problems.databaseUnavailable(new java.sql.SQLException("broken", "08006"))).isTrue();
        assertThat(Problems.databaseUnavailable(new IllegalStateException("a bug"))).isFalse();
        assertThat(Problems.databaseUnavailable(new java.sql.SQLException("duplicate key", "23505"))).isFalse();
    }

    private static java.time.Instant firstRequest(String id) {
        return events(id).stream().filter(e -> "PROVIDER_REQUEST".equals(e.path("type").asText()))
                .map(e -> java.time.Instant.parse(e.path("at").asText())).findFirst().orElse(null);
    }

    private static List<JsonNode> events(String id) {
        List<JsonNode> out = new ArrayList<>();
        timeline(id).path("events").forEach(out::add);
        return out;
    }

    // ------------------------------------------------------------------ bulkheads

    @Test
    void aSlowProviderHoldsOnlyItsOwnThreads() throws Exception {
        List<String> slow = java.util.Collections.synchronizedList(new ArrayList<>());
        // slow, but inside the read timeout: Monnify's threads (hub.dispatch.concurrency) have a backlog of
        // three rounds
        int threads = camelContext.getPropertiesComponent().resolveProperty("hub.dispatch.concurrency").map(Integer::parseInt).orElseThrow();
        // the HTTP client's connection pool is no second, shared bulkhead: two providers on one host (here, the
        // sandbox) each get a connection per thread (Camel's default, 20 per host, let Monnify's waiting calls
        // hold up Connect's send), over http and https alike, which never resend on their own
        for (String scheme : List.of("http", "https")) {
            org.apache.camel.component.http.HttpComponent http =
                    camelContext.getComponent(scheme, org.apache.camel.component.http.HttpComponent.class);
            assertThat(http.getConnectionsPerRoute()).as(scheme).isGreaterThanOrEqualTo(2 * threads);
            assertThat(http.isAutomaticRetriesDisabled()).as(scheme).isTrue();
        }
        post("/sandbox/monnify/_control/faults", "{\"latencyMs\": 1200}", null);
        JsonNode fast;
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<?>> posted = new ArrayList<>();
            for (int i = 0; i < threads * 3; i++) {
                posted.add(clients.submit(() -> slow.add(
                        submit(payout(messageId("slow"), "2085886393", "3.00")).path("paymentId").asText())));
            }
            for (java.util.concurrent.Future<?> f : posted) {
                f.get();
            }
            // Connect's payment is accepted after all of them, yet is carried on Connect's own threads
            fast = awaitStatus(submit(ConnectTest.transfer("1000123456", "56.00")).path("paymentId").asText(), "SUCCEEDED");
            // sent to Monnify (their first provider request) after Connect's payment had settled: read from the
            // timelines' own times, so however late this test notices, it judges the moment Connect's was done
            java.time.Instant connectDone = events(fast.path("paymentId").asText()).stream()
                    .filter(e -> "STATUS_CHANGED".equals(e.path("type").asText()))
                    .map(e -> java.time.Instant.parse(e.path("at").asText())).max(java.util.Comparator.naturalOrder()).orElseThrow();
            await().atMost(java.time.Duration.ofSeconds(60)).until(() -> slow.stream().allMatch(id -> firstRequest(id) != null));
            long waiting = slow.stream().filter(id -> firstRequest(id).isAfter(connectDone)).count();
            assertThat(waiting).as("Monnify payments still waiting for a Monnify thread when Connect's was done")
                    .isPositive();
        } finally {
            clients.shutdown();
            post("/sandbox/monnify/_control/faults", "{\"latencyMs\": 0}", null);
            closeCircuitBreaker("monnify");
        }
        assertThat(fast.path("provider").asText()).isEqualTo("connect");
        for (String id : slow) {
            JsonNode done = awaitStatus(id, "SUCCEEDED");
            assertThat(monnify(done.path("providerReference").asText()).path("executions").asInt()).isEqualTo(1);
        }
    }
}
