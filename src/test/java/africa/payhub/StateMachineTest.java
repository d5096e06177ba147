package africa.payhub;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import africa.payhub.canonical.Json;
import africa.payhub.data.DataRequestStatus;
import africa.payhub.payment.Payment;
import africa.payhub.payment.OutcomeRules;
import africa.payhub.payment.Decision;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.PaymentAcceptance;
import africa.payhub.payment.PaymentStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The payment (and data request) state machine, enforced by PostgreSQL itself and safe under concurrent news. */
class StateMachineTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PaymentAcceptance payments;

    @Autowired
    OutcomeRules flow;

    @Test
    void theDatabaseAllowsExactlyTheTransitionsTheStateMachineAllows() {
        for (PaymentStatus from : PaymentStatus.values()) {
            for (PaymentStatus to : PaymentStatus.values()) {
                String id = insert(from);
                boolean allowed;
                try {
                    jdbc.sql("UPDATE payments SET status = :to WHERE id = :id").param("to", to.name()).param("id", id).update();
                    allowed = true;
                } catch (RuntimeException e) {
                    allowed = false;
                }
                assertThat(allowed).as(from + " -> " + to).isEqualTo(from.canMoveTo(to));
            }
        }
    }

    @Test
    void theDatabaseAllowsExactlyTheDataRequestTransitionsTheirStateMachineAllows() {
        // data requests keep their own statuses and edges, checked by the one rule payments use
        List<String> expected = new ArrayList<>();
        List<String> refusedWithReason = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        for (DataRequestStatus from : DataRequestStatus.values()) {
            for (DataRequestStatus to : DataRequestStatus.values()) {
                String edge = from + " -> " + to;
                if (from.canMoveTo(to)) {
                    expected.add(edge);
                }
                String id = insert(from);
                try {
                    jdbc.sql("UPDATE data_requests SET status = :to WHERE id = :id").param("to", to.name()).param("id", id)
                            .update();
                    moved.add(edge);
                } catch (RuntimeException e) {
                    if (String.valueOf(e.getMessage()).contains("illegal data request transition " + edge)) {
                        refusedWithReason.add(edge);
                    }
                }
            }
        }
        assertThat(moved).isEqualTo(expected);
        assertThat(moved.size() + refusedWithReason.size()).isEqualTo(DataRequestStatus.values().length
                * DataRequestStatus.values().length);
    }

    @Test
    void aFinalStatusNeverGoesBackEvenInSql() {
        String id = insert(PaymentStatus.FAILED);
        assertThatThrownBy(() -> jdbc.sql("UPDATE payments SET status = 'SUCCEEDED' WHERE id = :id").param("id", id).update())
                .hasMessageContaining("illegal payment transition FAILED -> SUCCEEDED");
    }

    @Test
    void concurrentContradictoryNewsLeavesOneFinalStatusAndOneChange() throws Exception {
        String id = insert(PaymentStatus.PENDING);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Callable<Void>> news = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String providerStatus = i % 2 == 0 ? "SUCCESS" : "FAILED";
            news.add(() -> {
                flow.applyOutcome(id, Decision.Phase.WEBHOOK,
                        Outcome.from(Json.object().put("outcome", "STATUS").put("providerStatus", providerStatus)
                                .set("amount", Json.object().put("value", "10").put("currency", "NGN"))));
                return null;
            });
        }
        pool.invokeAll(news).forEach(f -> {
            try {
                f.get();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        pool.shutdown();
        String status = jdbc.sql("SELECT status FROM payments WHERE id = :id").param("id", id).query(String.class).single();
        assertThat(status).isIn("SUCCEEDED", "FAILED");
        int changes = jdbc.sql("SELECT count(*) FROM payment_events WHERE payment_id = :id AND type = 'STATUS_CHANGED'")
                .param("id", id).query(Integer.class).single();
        assertThat(changes).isEqualTo(1);
        int refused = jdbc.sql("SELECT count(*) FROM payment_events WHERE payment_id = :id AND type = 'TRANSITION_REFUSED'")
                .param("id", id).query(Integer.class).single();
        assertThat(refused).isEqualTo(5);
    }

    private String insert(PaymentStatus status) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                        INSERT INTO payments (id, client_id, message_id, content_hash, operation, provider, status,
                            amount_value, amount_currency, provider_reference, message)
                        VALUES (:id, 'state-machine', :id, 'x', 'PAYOUT', 'monnify', :status, 10, 'NGN', :ref, '{}'::jsonb)""")
                .param("id", id).param("status", status.name()).param("ref", PaymentAcceptance.providerReference(id))
                .update();
        return id;
    }

    private String insert(DataRequestStatus status) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                        INSERT INTO data_requests (id, client_id, request_id, content_hash, kind, provider, status, request)
                        VALUES (:id, 'state-machine', :id, 'x', 'INCOME', 'stub', :status, '{}'::jsonb)""")
                .param("id", id).param("status", status.name()).update();
        return id;
    }
}
