package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import africa.payhub.data.DataRequestStatus;
import africa.payhub.data.DataRequestStore;
import africa.payhub.payment.NotificationStore;
import africa.payhub.payment.PaymentStatus;
import africa.payhub.payment.PaymentStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With 100,000 settled payments (and their callbacks) in the tables, the hot queries find their work through
 * an index, never by reading the whole table: the poller's due-work claim (as routes/core/polling.camel.yaml
 * has it), acceptance's look-up by message id, a payment's row and the callback sender's claim. A plan, not a
 * timing. The rows are made inside a transaction that is rolled back, so no other test ever sees them.
 *
 * <p>And a move of one payment (callback, data request) from a given status reads that one row, however many are
 * open: the statistics of a busy hub's table say open payments are few, so a status beside the key used to send
 * PostgreSQL through an index on status, reading every open payment to move one.
 */
class QueryPlanTest extends HubTestSupport {

    @Autowired
    DataSource dataSource;

    @Test
    void hotQueriesUseIndexesWithAHundredThousandPayments() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("""
                        INSERT INTO payments (id, client_id, message_id, content_hash, operation, provider, status,
                            amount_value, amount_currency, provider_reference, message, callback_url, next_poll_at)
                        SELECT 'plan-' || n, 'plan-erp', 'plan-' || n, 'h', 'PAYOUT', 'monnify',
                            CASE WHEN n % 1000 = 0 THEN 'PENDING' ELSE 'SUCCEEDED' END, 10.00, 'NGN', 'PLAN' || n,
                            '{}', 'https://erp.example/cb', CASE WHEN n % 1000 = 0 THEN now() + interval '1 minute' END
                        FROM generate_series(1, 100000) n""");
                s.execute("""
                        INSERT INTO notifications (event_id, payment_id, client_id, url, payload, status)
                        SELECT gen_random_uuid(), 'plan-' || n, 'plan-erp', 'https://erp.example/cb', '{}',
                            CASE WHEN n % 1000 = 0 THEN 'PENDING' ELSE 'DELIVERED' END
                        FROM generate_series(1, 100000) n""");
                s.execute("ANALYZE payments");
                s.execute("ANALYZE notifications");

                List<String> due = plan(s, pollerQuery()
                        .replace(":#leaseSeconds", "120").replace(":#batchSize", "50"));
                assertThat(String.join("\n", due)).as("the poller's due-work claim").contains("payments_due")
                        .doesNotContain("Seq Scan on payments");

                assertThat(String.join("\n", plan(s, "SELECT id FROM payments WHERE client_id = 'plan-erp' AND message_id = 'plan-77'")))
                        .as("acceptance's look-up by message id").contains("payments_client_message").doesNotContain("Seq Scan");
                assertThat(String.join("\n", plan(s, "SELECT id FROM payments WHERE id = 'plan-77' FOR UPDATE")))
                        .as("a payment's row").contains("payments_pkey").doesNotContain("Seq Scan");
                assertThat(String.join("\n", plan(s, callbackQuery()
                        .replace(":#perClient", "25").replace(":#batchSize", "200"))))
                        .as("the callback sender's claim").doesNotContain("Seq Scan on notifications");
            } finally {
                c.rollback();
            }
        }
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aMoveFromAStatusReadsItsOwnRowHoweverManyAreOpen(@Autowired PaymentStore payments,
                                                         @Autowired NotificationStore notifications,
                                                         @Autowired DataRequestStore dataRequests) {
        TransactionTemplate tx = new TransactionTemplate(transactions);
        tx.executeWithoutResult(status -> {
            status.setRollbackOnly();
            // what the statistics of a busy hub say: 100,000 payments, all settled ...
            rows("plan", 100000, new String[] {"SUCCEEDED"}, 100000, "DELIVERED", 20000, new String[] {"COMPLETED"});
            jdbc.sql("ANALYZE payments").update();
            jdbc.sql("ANALYZE notifications").update();
            jdbc.sql("ANALYZE data_requests").update();
            // ... and then a backlog the statistics do not know of yet: 60,000 open payments (20,000 in each open
            // status), 20,000 callbacks and 20,000 data requests waiting
            rows("open", 60000, new String[] {"ACCEPTED", "SUBMITTED", "PENDING"}, 20000, "PENDING",
                    20000, new String[] {"ACCEPTED", "REQUESTED"});
            Function<String, UUID> pendingCallback = payment -> jdbc.sql(
                    "SELECT event_id FROM notifications WHERE payment_id = :p").param("p", payment).query(UUID.class).single();

            // n % 3 + 1: open-3 is ACCEPTED, open-1 SUBMITTED, open-2 PENDING
            assertThat(blocksRead("payments", () -> payments.moveStatus("open-1", PaymentStatus.SUBMITTED, PaymentStatus.SUCCEEDED,
                    "paid", null, "hub", "{}", null).orElseThrow()))
                    .as("a payment's status move").isLessThan(100);
            assertThat(blocksRead("payments", () -> payments.updateStatus("open-2", PaymentStatus.PENDING, PaymentStatus.FAILED,
                    "refused", "PROVIDER_REJECTED")))
                    .as("a payment's status change").isLessThan(100);
            assertThat(blocksRead("payments", () -> payments.submitAll(List.of("open-3", "open-6"), List.of("sent", "sent"),
                    List.of("{}", "{}"), java.util.Arrays.asList("PREPARING", null), "hub", Instant.now())))
                    .as("a group's claim").isLessThan(200);
            assertThat(blocksRead("payments", () -> payments.markStep("open-3", 1, "invoice", "PREPARING")))
                    .as("a send's step").isLessThan(100);
            assertThat(blocksRead("payments", () -> {
                payments.dueAgain(List.of("open-9", "open-4"), false, Instant.now());
                return null;
            })).as("payments due again").isLessThan(200);
            UUID callback = pendingCallback.apply("open-5");
            assertThat(blocksRead("notifications", () -> {
                notifications.delivered(callback, 200);
                return null;
            })).as("a delivered callback").isLessThan(100);
            UUID failing = pendingCallback.apply("open-7");
            assertThat(blocksRead("notifications", () -> {
                notifications.failed(failing, 500, "refused", Instant.now().plusSeconds(10));
                return null;
            })).as("a failed callback").isLessThan(100);
            assertThat(blocksRead("notifications", () -> {
                notifications.release(failing);
                return null;
            })).as("a released callback").isLessThan(100);
            assertThat(blocksRead("data_requests", () -> dataRequests.updateStatus("open-dr-1", DataRequestStatus.REQUESTED,
                    DataRequestStatus.COMPLETED, "answered", null, null)))
                    .as("a data request's status move").isLessThan(100);

            // and each still moves only from the status it names
            assertThat(payments.moveStatus("open-1", PaymentStatus.SUBMITTED, PaymentStatus.FAILED, "late", null, "hub", "{}", null))
                    .as("a payment no longer SUBMITTED").isEmpty();
            assertThat(payments.updateStatus("open-2", PaymentStatus.PENDING, PaymentStatus.SUCCEEDED, "late", null)).isFalse();
            assertThat(payments.submitAll(List.of("open-3"), List.of("again"), List.of("{}"), java.util.Collections.singletonList(null),
                    "hub", Instant.now()))
                    .as("a payment claimed already").isEmpty();
            assertThat(dataRequests.updateStatus("open-dr-1", DataRequestStatus.REQUESTED, DataRequestStatus.EXPIRED, "late",
                    null, null)).isFalse();
            notifications.failed(callback, 500, "late", null);
            assertThat(jdbc.sql("SELECT status FROM notifications WHERE event_id = :id").param("id", callback)
                    .query(String.class).single()).as("a delivered callback stays delivered").isEqualTo("DELIVERED");
            assertThat(jdbc.sql("SELECT status FROM payments WHERE id = 'open-1'").query(String.class).single())
                    .isEqualTo("SUCCEEDED");
        });
    }

    /**
     * {@code payments} payments named {@code <prefix>-<n>}, in {@code paymentStatuses} in turn (open ones due in a
     * minute), the first {@code callbacks} of them with a callback in {@code callbackStatus}, and {@code requests}
     * data requests in {@code requestStatuses} in turn.
     */
    private void rows(String prefix, int payments, String[] paymentStatuses, int callbacks, String callbackStatus,
                      int requests, String[] requestStatuses) {
        jdbc.sql("""
                INSERT INTO payments (id, client_id, message_id, content_hash, operation, provider, status,
                    amount_value, amount_currency, provider_reference, message, next_poll_at)
                SELECT :prefix || '-' || n, 'plan-erp', :prefix || '-' || n, 'h', 'PAYOUT', 'monnify', s, 10.00, 'NGN',
                    upper(:prefix) || n, '{}', CASE WHEN s IN ('ACCEPTED', 'SUBMITTED', 'PENDING') THEN now() + interval '1 minute' END
                FROM generate_series(1, :count) n,
                    LATERAL (SELECT (CAST(:statuses AS text[]))[n % cardinality(CAST(:statuses AS text[])) + 1] AS s) status""")
                .param("prefix", prefix).param("count", payments).param("statuses", paymentStatuses).update();
        jdbc.sql("""
                INSERT INTO notifications (event_id, payment_id, client_id, url, payload, status)
                SELECT gen_random_uuid(), :prefix || '-' || n, 'plan-erp', 'https://erp.example/cb', '{}', :status
                FROM generate_series(1, :count) n""")
                .param("prefix", prefix).param("count", callbacks).param("status", callbackStatus).update();
        jdbc.sql("""
                INSERT INTO data_requests (id, client_id, request_id, content_hash, kind, provider, status, request)
                SELECT :prefix || '-dr-' || n, 'plan-erp', :prefix || '-dr-' || n, 'h', 'STATEMENT', 'stub',
                    (CAST(:statuses AS text[]))[n % cardinality(CAST(:statuses AS text[])) + 1], '{}'
                FROM generate_series(1, :count) n""")
                .param("prefix", prefix).param("count", requests).param("statuses", requestStatuses).update();
    }

    /**
     * The blocks of {@code table} and its indexes that {@code work} read or wrote, in this transaction
     * ({@code pg_stat_get_xact_blocks_fetched}). Moving one row by its key costs a few dozen (the row, the key's
     * index, an entry in each index for the new version, the timeline); finding it through an index on status
     * costs every open row's entry as well, hundreds with these backlogs.
     */
    private long blocksRead(String table, Supplier<?> work) {
        long before = blocks(table);
        work.get();
        return blocks(table) - before;
    }

    private long blocks(String table) {
        return jdbc.sql("""
                SELECT sum(pg_stat_get_xact_blocks_fetched(oid)) FROM pg_class
                WHERE oid = CAST(:t AS regclass) OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = CAST(:t AS regclass))""")
                .param("t", table).query(Long.class).single();
    }

    private static List<String> plan(Statement s, String sql) throws Exception {
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }

    /** The SQL of the first sql: step of a route file (at any depth: in a loop, a filter), as the route runs it. */
    private static String routeQuery(String file) throws Exception {
        JsonNode routes = new YAMLMapper().readTree(Files.readString(Path.of("routes/core", file)));
        String sql = firstSql(routes.get(0).path("route").path("from"));
        if (sql == null) {
            throw new AssertionError("no sql step in " + file);
        }
        return sql;
    }

    private static String firstSql(JsonNode node) {
        if (node.path("to").path("uri").asText().equals("sql")) {
            return node.path("to").path("parameters").path("query").asText();
        }
        for (JsonNode child : node) {
            if (child.isContainerNode()) {
                String sql = firstSql(child);
                if (sql != null) {
                    return sql;
                }
            }
        }
        return null;
    }

    private static String pollerQuery() throws Exception {
        return routeQuery("polling.camel.yaml");
    }

    private static String callbackQuery() throws Exception {
        return routeQuery("callbacks.camel.yaml");
    }

}
