package africa.payhub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.payment.Decision;
import africa.payhub.payment.GroupCommit;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.OutcomeRules;
import africa.payhub.payment.Timeline;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writes around provider calls are committed in groups: concurrent payouts share the transactions of
 * their claims (ACCEPTED -> SUBMITTED) and of their outcomes, and each is still claimed once, sent once and
 * settled once. A group that fails is done again piece by piece, so one bad piece fails only its caller.
 */
class SendGroupsTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void whatASendCameToIsWrittenWithTheMoveItBroughtOrAloneWhenThePaymentDidNotMoveSo(@Autowired OutcomeRules flow) {
        // the send's answer moves the payment, and what the send came to goes with the move: SUCCESS at once,
        // and PENDING (its webhook never comes)
        String done = submit(payout(messageId("outcome-success"), "2085886393", "31.00")).path("paymentId").asText();
        awaitStatus(done, "SUCCEEDED");
        assertThat(lastOutcome(done)).isEqualTo("STATUS");
        String waiting = submit(payout(messageId("outcome-pending"), "1000000003", "32.00")).path("paymentId").asText();
        awaitStatus(waiting, "PENDING");
        assertThat(lastOutcome(waiting)).isEqualTo("STATUS");

        // an answer to a send that says SUCCESS for another amount: the payment goes to review, not to the status
        // the provider named, and what the send came to is written on its own
        jdbc.sql("UPDATE payments SET last_outcome = NULL WHERE id = :id").param("id", waiting).update();
        flow.applyOutcome(waiting, Decision.Phase.SEND, Outcome.from(Json.object().put("outcome", "STATUS")
                .put("providerStatus", "SUCCESS").set("amount", Json.object().put("value", "99.00").put("currency", "NGN"))));
        assertThat(payment(waiting).path("status").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(lastOutcome(waiting)).isEqualTo("STATUS");
    }

    @Test
    void aGroupOfOutcomesWritesEachCallBeforeItsMoveAndAPaymentNamedAgainAfterItsFirst(@Autowired OutcomeRules flow) throws Exception {
        // two payments waiting for their provider (its webhook never comes)
        String first = submit(payout(messageId("group-calls-a"), "1000000003", "33.00")).path("paymentId").asText();
        String second = submit(payout(messageId("group-calls-b"), "1000000003", "34.00")).path("paymentId").asText();
        awaitStatus(first, "PENDING");
        awaitStatus(second, "PENDING");
        // the poller asks of them no more, and a status query it already made has ended (its read timeout is 1.5 s):
        // the only outcomes written from here are the group's
        jdbc.sql("UPDATE payments SET next_poll_at = now() + interval '1 hour' WHERE id IN (:a, :b)")
                .param("a", first).param("b", second).update();
        Thread.sleep(1600);
        long before = jdbc.sql("SELECT max(id) FROM payment_events").query(Long.class).single();

        // one outcome group: a status query that settles the first, one that leaves the second waiting, and a
        // webhook for the first again, late, which must see the first's move
        Outcome succeeded = Outcome.from(Json.object().put("outcome", "STATUS").put("providerStatus", "SUCCESS"));
        Outcome pending = Outcome.from(Json.object().put("outcome", "STATUS").put("providerStatus", "PENDING"));
        List<Timeline.Entry> call = List.of(new Timeline.Entry("PROVIDER_REQUEST", "hub", null, "{}"),
                new Timeline.Entry("PROVIDER_RESPONSE", "monnify", null, "{}"));
        List<Decision> decisions = new TransactionTemplate(transactions).execute(tx ->
                flow.applyAll(List.of(
                        new GroupCommit.Piece<>(new OutcomeRules.Applied(first, Decision.Phase.POLL, succeeded, call), null),
                        new GroupCommit.Piece<>(new OutcomeRules.Applied(second, Decision.Phase.POLL, pending, call), null),
                        new GroupCommit.Piece<>(new OutcomeRules.Applied(first, Decision.Phase.WEBHOOK, succeeded, List.of()), null))));
        assertThat(decisions).hasSize(3);

        // each payment's timeline in the order it happened: its call, the outcome, the move; the late webhook after
        assertThat(eventsSince(first, before)).containsExactly("PROVIDER_REQUEST", "PROVIDER_RESPONSE", "POLL_OUTCOME",
                "STATUS_CHANGED PENDING->SUCCEEDED", "WEBHOOK_OUTCOME");
        assertThat(eventsSince(second, before)).containsExactly("PROVIDER_REQUEST", "PROVIDER_RESPONSE", "POLL_OUTCOME");
        assertThat(payment(first).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(payment(second).path("status").asText()).isEqualTo("PENDING");
    }

    private List<String> eventsSince(String paymentId, long afterEvent) {
        return jdbc.sql("""
                        SELECT type || COALESCE(' ' || status_from || '->' || status_to, '') FROM payment_events
                        WHERE payment_id = :id AND id > :after ORDER BY id""")
                .param("id", paymentId).param("after", afterEvent).query(String.class).list();
    }

    private String lastOutcome(String id) {
        return jdbc.sql("SELECT last_outcome FROM payments WHERE id = :id").param("id", id).query(String.class).single();
    }

    @Test
    void concurrentPayoutsShareClaimAndOutcomeCommitsAndAreSentOnce() throws Exception {
        String prefix = messageId("sendgroup");
        int n = 48;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<String> ids = new ArrayList<>();
        try {
            List<Callable<Response>> posts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String body = payout(prefix + "-" + i, "2085886393", "5.00").toString();
                posts.add(() -> post("/api/v1/payments", body, CLIENT));
            }
            for (Future<Response> f : pool.invokeAll(posts)) {
                assertThat(f.get().status()).as(f.get().body()).isEqualTo(202);
                ids.add(f.get().json().path("paymentId").asText());
            }
        } finally {
            pool.shutdownNow();
        }
        for (String id : ids) {
            JsonNode done = awaitStatus(id, "SUCCEEDED");
            assertThat(monnify(done.path("providerReference").asText()).path("executions").asInt()).as(id).isEqualTo(1);
        }
        // each payment claimed once and settled once ...
        assertThat(count("status_to = 'SUBMITTED'", prefix)).isEqualTo(n);
        assertThat(count("type = 'SEND_OUTCOME'", prefix)).isEqualTo(n);
        // ... in fewer transactions than payments
        assertThat(transactions("status_to = 'SUBMITTED'", prefix)).as("claim transactions for %d payouts", n).isLessThan(n);
        assertThat(transactions("type = 'SEND_OUTCOME'", prefix)).as("outcome transactions for %d payouts", n).isLessThan(n);
    }

    @Test
    void aFailingPieceFailsOnlyItsOwnCaller() throws Exception {
        List<List<String>> groups = java.util.Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, String> commit = new GroupCommit<>("test-writer", transactions, 2, 16, java.time.Duration.ZERO, 64, null, pieces -> {
            List<String> items = pieces.stream().map(GroupCommit.Piece::item).toList();
            groups.add(items);
            if (items.contains("bad")) {
                throw new IllegalArgumentException("bad piece");
            }
            return items.stream().map(String::toUpperCase).toList();
        });
        commit.start();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            // a slow first group, so the next ones gather while it runs
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String item = i == 5 ? "bad" : "p" + i;
                calls.add(() -> {
                    try {
                        return commit.submit(item);
                    } catch (IllegalArgumentException e) {
                        return "refused:" + item;
                    }
                });
            }
            List<Future<String>> answers = pool.invokeAll(calls, 30, java.util.concurrent.TimeUnit.SECONDS);
            for (int i = 0; i < 12; i++) {
                assertThat(answers.get(i).get()).isEqualTo(i == 5 ? "refused:bad" : "P" + i);
            }
            // the bad piece was tried alone at last, and no group holding it committed
            assertThat(groups).contains(List.of("bad"));
        } finally {
            pool.shutdownNow();
            commit.stop();
        }
        // stopped: a piece is done alone on its caller's thread
        assertThat(commit.submit("after")).isEqualTo("AFTER");
        assertThatThrownBy(() -> commit.submit("bad")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPieceThatCameAloneWaitsForASecondButNotForMore() throws Exception {
        List<List<String>> groups = java.util.Collections.synchronizedList(new ArrayList<>());
        // a long gathering time: the second piece, not the time, must end the wait
        GroupCommit<String, String> commit = new GroupCommit<>("test-writer", transactions, 1, 16,
                java.time.Duration.ofSeconds(30), 64, null, pieces -> {
            List<String> items = pieces.stream().map(GroupCommit.Piece::item).toList();
            groups.add(items);
            return items.stream().map(String::toUpperCase).toList();
        });
        commit.start();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = pool.submit(() -> commit.submit("first"));
            Thread.sleep(200);
            assertThat(first).as("a piece alone waits for company").isNotDone();
            Future<String> second = pool.submit(() -> commit.submit("second"));
            assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("FIRST");
            assertThat(second.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("SECOND");
            assertThat(groups).containsExactly(List.of("first", "second"));
        } finally {
            pool.shutdownNow();
            commit.stop();
        }
    }

    @Test
    void withoutGatheringTimeAPieceAloneWaitsForNoOne() throws Exception {
        GroupCommit<String, String> commit = new GroupCommit<>("test-writer", transactions, 1, 16,
                java.time.Duration.ZERO, 64, null, pieces -> pieces.stream().map(p -> p.item().toUpperCase()).toList());
        commit.start();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertThat(pool.submit(() -> commit.submit("alone")).get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo("ALONE");
        } finally {
            pool.shutdownNow();
            commit.stop();
        }
    }

    private int count(String where, String prefix) {
        return jdbc.sql("SELECT count(*) FROM payment_events e JOIN payments p ON p.id = e.payment_id"
                        + " WHERE p.message_id LIKE :p AND e." + where)
                .param("p", prefix + "-%").query(Integer.class).single();
    }

    private int transactions(String where, String prefix) {
        return jdbc.sql("SELECT count(DISTINCT e.xmin::text) FROM payment_events e JOIN payments p ON p.id = e.payment_id"
                        + " WHERE p.message_id LIKE :p AND e." + where)
                .param("p", prefix + "-%").query(Integer.class).single();
    }
}
