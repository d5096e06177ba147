package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With 100,000 settled payments (and their callbacks) in the tables, the hot queries find their work through
 * an index, never by reading the whole table: the poller's due-work claim (as routes/core/polling.camel.yaml
 * has it), acceptance's look-up by message id, a payment's row and the callback sender's claim. A plan, not a
 * timing. The rows are made inside a transaction that is rolled back, so no other test ever sees them.
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
