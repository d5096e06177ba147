package africa.payhub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent acceptances are committed together (group commit), and the idempotency rule holds inside a
 * group as across groups: one payment per message id, the stored answer for the same content, 422 for other.
 */
class AcceptGroupsTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void concurrentMessagesShareCommitsAndKeepOnePaymentPerMessageId() throws Exception {
        String prefix = messageId("group");
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            // 40 distinct messages at once: fewer commits than payments
            List<Callable<Response>> distinct = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String body = payout(prefix + "-" + i, "2085886393", "5.00").toString();
                distinct.add(() -> post("/api/v1/payments", body, CLIENT));
            }
            for (Future<Response> f : pool.invokeAll(distinct)) {
                assertThat(f.get().status()).isEqualTo(202);
            }
            int transactions = jdbc.sql("SELECT count(DISTINCT xmin::text) FROM payments WHERE message_id LIKE :p")
                    .param("p", prefix + "-%").query(Integer.class).single();
            assertThat(transactions).as("transactions that stored 40 concurrent payments").isLessThan(40);

            // one message id, posted 30 times at once: 20 with one content, 10 with another
            String same = prefix + "-dup";
            String first = payout(same, "2085886393", "7.00").toString();
            String other = payout(same, "2085886393", "8.00").toString();
            List<Callable<Response>> duplicates = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String body = i % 3 == 2 ? other : first;
                duplicates.add(() -> post("/api/v1/payments", body, CLIENT));
            }
            List<Response> answers = new ArrayList<>();
            for (Future<Response> f : pool.invokeAll(duplicates)) {
                answers.add(f.get());
            }
            assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE client_id = 'demo-erp' AND message_id = :m")
                    .param("m", same).query(Integer.class).single()).isEqualTo(1);
            String stored = jdbc.sql("SELECT amount_value::text FROM payments WHERE client_id = 'demo-erp' AND message_id = :m")
                    .param("m", same).query(String.class).single();
            String winner = stored.equals("7.00") ? first : other;
            long created = answers.stream().filter(r -> r.status() == 202).count();
            assertThat(created).isEqualTo(1);
            for (int i = 0; i < 30; i++) {
                String sent = i % 3 == 2 ? other : first;
                Response r = answers.get(i);
                if (sent.equals(winner)) {
                    assertThat(r.status()).isIn(200, 202);
                    assertThat(r.json().path("messageId").asText()).isEqualTo(same);
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(422);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
