package africa.payhub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dollr's chains resume exactly where a hub stopped. A hub dies (kill -9) at every step of a collection (operator,
 * party, counterparty, invoice, its items, its publication, the fee preview, the checkout session, the payment
 * account, the execution) and of a payout (operator, party, payout account, payout session, execution): while the step's request is being sent, and, for the steps Dollr makes something of, after Dollr
 * answered but before the hub kept the answer. The dead hub's threads stop where they are (frozen here, as a
 * killed process leaves its work); its database rows are what a restart finds. The hub that goes on (its poller,
 * once the dead send's step mark and resource claims are old) must bring every payment to SUCCEEDED with, at
 * Dollr's own records, one invoice (with each line item once) and one execution, without asking a person; and
 * where the dead hub never sent the execution, without a status query first: the step it recorded says so.
 * All the crashes run at once.
 */
class DollrCrashTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    /**
     * A hub's thread that stops at a step, as kill -9 stops it. It is let go (it throws: it is gone) once another
     * send of its payment took over, so its thread is free again, or at the end; either way what it did until
     * then is all it did.
     */
    static final class Freezer {
        /** messageId -> "before|after <endpoint>": where that payment's sending thread stops. */
        final Map<String, String> armed = new ConcurrentHashMap<>();
        final Map<String, String> messageOf = new ConcurrentHashMap<>();
        /** paymentId -> the send that stopped, and what keeps it stopped. */
        final Map<String, Integer> frozenSend = new ConcurrentHashMap<>();
        final Map<String, CountDownLatch> thaw = new ConcurrentHashMap<>();
        volatile JdbcClient jdbc;

        /** Lets go every stopped send another send of its payment took over (or every one, {@code all}). */
        void letGo(boolean all) {
            frozenSend.forEach((paymentId, send) -> {
                int now = jdbc.sql("SELECT send_attempts FROM payments WHERE id = :id").param("id", paymentId)
                        .query(Integer.class).single();
                if (all || now > send) {
                    thaw.get(paymentId).countDown();
                }
            });
        }

        void before(Exchange e) {
            JsonNode request = Json.toNode(e.getMessage().getBody());
            String endpoint = request.path("_endpoint").asText("");
            e.setProperty("testEndpoint", endpoint);
            stop(e, "before " + endpoint);
        }

        void after(Exchange e) {
            stop(e, "after " + e.getProperty("testEndpoint", "", String.class));
        }

        private void stop(Exchange e, String where) {
            String paymentId = e.getProperty("hubPaymentId", String.class);
            if (paymentId == null || armed.isEmpty()) {
                return;
            }
            String messageId = messageOf.computeIfAbsent(paymentId, id -> jdbc.sql(
                    "SELECT message_id FROM payments WHERE id = :id").param("id", id).query(String.class).optional().orElse("-"));
            if (!armed.remove(messageId, where)) {
                return;
            }
            CountDownLatch latch = new CountDownLatch(1);
            thaw.put(paymentId, latch);
            // the send that stops: the payment's latest (a step's call runs on an exchange of its own)
            frozenSend.put(paymentId, jdbc.sql("SELECT send_attempts FROM payments WHERE id = :id").param("id", paymentId)
                    .query(Integer.class).single());
            try {
                latch.await(180, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("this hub was killed (kill -9) at " + where);
        }
    }

    static final Freezer FREEZER = new Freezer();
    private static volatile boolean installed;

    private void install() throws Exception {
        FREEZER.jdbc = jdbc;
        if (!installed) {
            AdviceWith.adviceWith(camelContext, "dollr-http", a -> {
                a.weaveAddFirst().process(FREEZER::before);
                a.weaveAddLast().process(FREEZER::after);
            });
            installed = true;
        }
    }

    /** One crash: a message and the place its sending thread dies. */
    record Crash(ObjectNode message, String where, boolean collection) {
        String messageId() {
            return message.path("messageId").asText();
        }
    }

    /** How many status queries of a payment found nothing at the provider. */
    private long notFoundQueries(String paymentId) {
        return jdbc.sql("""
                        SELECT count(*) FROM payment_events WHERE payment_id = :id AND type = 'POLL_OUTCOME'
                          AND detail->>'outcome' = 'NOT_FOUND'""")
                .param("id", paymentId).query(Long.class).single();
    }

    private static String phone(String prefix) {
        return prefix + String.format("%07d", Math.floorMod(UUID.randomUUID().getLeastSignificantBits(), 10_000_000L));
    }

    @Test
    void aHubKilledAtAnyStepOfAChainIsGoneOnFromWithOneInvoiceAndOneExecution() throws Exception {
        install();
        List<Crash> crashes = new ArrayList<>();
        for (String where : List.of("before /v1/predictions/mmo-provider-info", "before /v1/parties/create",
                "before /v1/counterparties/create", "before /v1/invoices/create", "after /v1/invoices/create",
                "before /v1/invoices/{invoice}/items/add", "after /v1/invoices/{invoice}/items/add",
                "before /v1/invoices/publish/{invoice}", "after /v1/invoices/publish/{invoice}",
                "before /v1/predictions/amount-and-fees", "before /v1/sessions/checkout", "before /v1/payment-accounts/create",
                "before /v1/executions/collection", "after /v1/executions/collection")) {
            ObjectNode m = DollrTest.collection(messageId("kill-collection"), phone("23177"), "30.00");
            m.set("items", Json.NODES.arrayNode()
                    .add(Json.object().put("name", "Tuition").put("amount", "12.50").put("quantity", 2))
                    .add(Json.object().put("name", "Books").put("amount", "5.00")));
            crashes.add(new Crash(m, where, true));
        }
        for (String where : List.of("before /v1/predictions/mmo-provider-info", "before /v1/parties/create",
                "before /v1/payment-accounts/create", "before /v1/sessions/payout",
                "before /v1/executions/payout", "after /v1/executions/payout")) {
            crashes.add(new Crash(DollrTest.payoutTo(messageId("kill-payout"), phone("23188"), "2.50"), where, false));
        }
        FREEZER.frozenSend.clear();
        FREEZER.thaw.clear();
        crashes.forEach(c -> FREEZER.armed.put(c.messageId(), c.where()));
        Map<Crash, String> ids = new ConcurrentHashMap<>();
        // the hub that dies runs no poller from now on: only its sends, which stop at their steps
        camelContext.getRouteController().stopRoute("polling");
        boolean polling = false;
        try {
            for (Crash c : crashes) {
                ids.put(c, submit(c.message()).path("paymentId").asText());
            }
            // every sending thread has died at its step
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(FREEZER.armed).isEmpty());

            // the restarted hub: the dead sends' resource claims have outlived their lease (2 minutes), their step
            // marks their resend guard; its poller starts, finds the payments and goes on
            jdbc.sql("UPDATE provider_resources SET claimed_until = now() - interval '1 second'"
                    + " WHERE provider = 'dollr' AND state = 'CREATING'").update();
            // the outage (all the crashes, one after another here) and twenty chains of ten calls at once are long next
            // to the test profile's review-after (8 s; 24 h in production): the restarted hub has that whole budget
            // again, and half a minute more
            jdbc.sql("UPDATE payments SET created_at = now() + interval '30 seconds' WHERE id IN (:ids)")
                    .param("ids", List.copyOf(ids.values())).update();
            camelContext.getRouteController().startRoute("polling");
            polling = true;
            for (Crash c : crashes) {
                String id = ids.get(c);
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    FREEZER.letGo(false);
                    assertThat(payment(id).path("status").asText()).as(c.where() + " " + id).isEqualTo("SUCCEEDED");
                });
            }
        } finally {
            FREEZER.armed.clear();
            FREEZER.letGo(true);
            if (!polling) {
                camelContext.getRouteController().startRoute("polling");
            }
        }

        for (Crash c : crashes) {
            String id = ids.get(c);
            JsonNode seen = DollrTest.dollr("references/" + id);
            assertThat(seen.path("executions").asInt()).as(c.where() + ": one execution").isEqualTo(1);
            assertThat(MonnifyPayoutTest.statuses(id)).as(c.where() + ": never a person's").doesNotContain("NEEDS_REVIEW");
            if (c.collection()) {
                JsonNode invoices = DollrTest.dollr("invoices?note=" + id);
                assertThat(invoices).as(c.where() + ": one invoice").hasSize(1);
                assertThat(invoices.get(0).path("items")).as(c.where() + ": each line item once").hasSize(2);
                assertThat(invoices.get(0).path("total_amount").asText()).isEqualTo("30.00");
            }
            if (!c.where().endsWith("/v1/executions/collection") && !c.where().endsWith("/v1/executions/payout")) {
                // the dead hub recorded a step before the execution: the next one knew nothing had left, and went
                // on without asking Dollr (a status query would have found nothing, and nothing to find)
                assertThat(seen.path("requests").asInt()).as(c.where()).isEqualTo(1);
                assertThat(notFoundQueries(id)).as(c.where() + ": Dollr was never asked about an execution that never left")
                        .isZero();
                assertThat(timeline(id).toString()).as(c.where()).contains("before its request left the hub");
            }
        }

        // the dead hub's threads, let go, sent nothing more: every count at Dollr is as it was
        Thread.sleep(1500);
        for (Crash c : crashes) {
            String id = ids.get(c);
            assertThat(DollrTest.dollr("references/" + id).path("executions").asInt()).isEqualTo(1);
            if (c.collection()) {
                assertThat(DollrTest.dollr("invoices?note=" + id)).hasSize(1);
            }
            assertThat(payment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        }
    }
}
