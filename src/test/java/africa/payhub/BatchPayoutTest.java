package africa.payhub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.payment.Batches;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Payroll: one PAYOUT_BATCH message, its items paid in one Monnify bulk transfer, each item a payment of
 * its own (status, reason, callback), the batch's counts and totals, one callback when every item is final,
 * and never an item sent twice, whatever stopped in between.
 */
class BatchPayoutTest extends HubTestSupport {

    private final CallbackReceiver receiver = CallbackReceiver.get();

    @Autowired
    Batches batches;

    @Autowired
    africa.payhub.payment.PaymentStore store;

    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;

    @Autowired
    javax.sql.DataSource dataSource;

    @Test
    void aPayrollOfFiveHundredIsPaidInOneBulkTransferWithEachItemTrackedOnItsOwn() {
        String path = "/payroll-" + messageId("cb");
        ObjectNode message = batch(messageId("payroll"), 500, 7);
        message.put("callbackUrl", receiver.url(path));
        Response accepted = post("/api/v1/payments", Json.write(message), CLIENT);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String batchId = accepted.json().path("batchId").asText();
        assertThat(accepted.header("Location")).isEqualTo("/api/v1/batches/" + batchId);
        assertThat(accepted.json().path("items").size()).isEqualTo(500);

        JsonNode done = awaitBatch(batchId, "COMPLETED");
        assertThat(done.path("counts").path("SUCCEEDED").asInt()).isEqualTo(500 - 72);
        assertThat(done.path("counts").path("FAILED").asInt()).isEqualTo(72);
        assertThat(done.path("paid").path("NGN").asText()).isEqualTo(sum(done, "SUCCEEDED"));
        assertThat(done.path("total").path("NGN").asText()).isEqualTo("125250.00");

        JsonNode record = get("/sandbox/monnify/_control/batches/" + done.path("providerReference").asText(), null).json();
        assertThat(record.path("requests").asInt()).as("one bulk call").isEqualTo(1);
        assertThat(record.path("executions").asInt()).isEqualTo(428);
        JsonNode failedItem = done.path("items").get(7);
        assertThat(failedItem.path("status").asText()).isEqualTo("FAILED");
        JsonNode item = payment(failedItem.path("paymentId").asText());
        assertThat(item.path("batchId").asText()).isEqualTo(batchId);
        assertThat(item.path("messageId").asText()).endsWith("#emp-0007");
        assertThat(monnify(item.path("providerReference").asText()).path("requests").asInt()).isEqualTo(1);

        await().untilAsserted(() -> assertThat(receiver.receivedAt(path).stream()
                .map(r -> Json.toNode(r.text()).path("eventType").asText())
                .filter("payment.batch.completed"::equals).count()).isEqualTo(1));
        JsonNode completed = receiver.receivedAt(path).stream().map(r -> Json.toNode(r.text()))
                .filter(n -> n.path("eventType").asText().equals("payment.batch.completed")).findFirst().orElseThrow();
        assertThat(completed.path("batch").path("counts").path("SUCCEEDED").asInt()).isEqualTo(428);

        // the same message again: the stored batch, nothing sent again
        Response replay = post("/api/v1/payments", Json.write(message), CLIENT);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("batchId").asText()).isEqualTo(batchId);
        assertThat(get("/sandbox/monnify/_control/batches/" + done.path("providerReference").asText(), null).json()
                .path("requests").asInt()).isEqualTo(1);
        assertThat(get("/api/v1/batches/" + batchId, OTHER_CLIENT).status()).isEqualTo(404);
    }

    @Test
    void badItemsAreRefusedBeforeAnythingIsStoredListingEachOne() {
        ObjectNode message = batch(messageId("bad"), 5, 0);
        ArrayNode items = (ArrayNode) message.get("items");
        ((ObjectNode) items.get(1).get("amount")).put("value", "10.123");
        ((ObjectNode) items.get(3).get("destination")).put("type", "WALLET");
        Response refused = post("/api/v1/payments", Json.write(message), CLIENT);
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("items.1.amount.value", "items.3.destination.type");

        ObjectNode twice = batch(messageId("twice"), 3, 0);
        ((ObjectNode) twice.get("items").get(2)).put("itemId", "emp-0000");
        Response duplicate = post("/api/v1/payments", Json.write(twice), CLIENT);
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.json().path("errors").get(0).path("field").asText()).isEqualTo("items.2.itemId");
        assertThat(get("/api/v1/batches?messageId=" + twice.path("messageId").asText(), CLIENT).json()
                .path("batches").size()).isZero();
    }

    @Test
    void aBatchLeftUnsentByACrashIsSentOnceAfterTheRestart() throws Exception {
        // what a crash between "stored" and "sent" leaves: a batch whose items are all ACCEPTED
        ObjectNode message = batch(messageId("crash"), 20, 0);
        Batches.Accepted accepted = batches.accept("demo-erp", message, "monnify");
        String batchId = accepted.batch().id();
        JsonNode done = awaitBatch(batchId, "COMPLETED");
        assertThat(done.path("counts").path("SUCCEEDED").asInt()).isEqualTo(20);
        JsonNode record = get("/sandbox/monnify/_control/batches/" + done.path("providerReference").asText(), null).json();
        assertThat(record.path("requests").asInt()).isEqualTo(1);
        // a late dispatch of the same batch (the queue the crash interrupted) finds nothing left to send
        camelContext.createProducerTemplate().sendBody("direct:send-batch", batchId);
        assertThat(get("/sandbox/monnify/_control/batches/" + done.path("providerReference").asText(), null).json()
                .path("requests").asInt()).isEqualTo(1);
    }

    @Test
    void aBatchHeldForItsOtpIsReleasedByTheBatchCode() {
        post("/sandbox/monnify/_control/otp", "{\"required\": true}", null);
        try {
            ObjectNode message = batch(messageId("otp-batch"), 10, 0);
            String batchId = post("/api/v1/payments", Json.write(message), CLIENT).json().path("batchId").asText();
            await().untilAsserted(() -> assertThat(get("/api/v1/batches/" + batchId, CLIENT).json()
                    .path("items").findValuesAsText("reasonCode")).hasSize(10).containsOnly("AWAITING_AUTHORIZATION"));
            String reference = get("/api/v1/batches/" + batchId, CLIENT).json().path("providerReference").asText();
            assertThat(get("/sandbox/monnify/_control/batches/" + reference, null).json().path("executions").asInt()).isZero();

            Response wrong = post("/api/v1/batches/" + batchId + "/authorization", "{\"otp\": \"000000\"}", CLIENT);
            assertThat(wrong.status()).as(wrong.body()).isEqualTo(422);
            String otp = Json.toNode(get("/sandbox/monnify/_control/otp/" + reference, null).body()).path("otp").asText();
            Response right = post("/api/v1/batches/" + batchId + "/authorization", "{\"otp\": \"" + otp + "\"}", CLIENT);
            assertThat(right.status()).as(right.body()).isEqualTo(200);
            JsonNode done = awaitBatch(batchId, "COMPLETED");
            assertThat(done.path("counts").path("SUCCEEDED").asInt()).isEqualTo(10);
            assertThat(get("/sandbox/monnify/_control/batches/" + reference, null).json().path("executions").asInt()).isEqualTo(10);
        } finally {
            post("/sandbox/monnify/_control/otp", "{\"required\": false}", null);
        }
    }

    /**
     * A batch's code submitted while a poller's group commit holds one of its items and wants another (as it
     * locks them, in id order): the authorization takes the items in that order too, so it waits its turn and is
     * answered 200; taken in item order, it held the later one and waited for the earlier, a deadlock that
     * PostgreSQL broke by failing the authorization (a 500 to the person with the code).
     */
    @Test
    void aBatchCodeWaitsForThePollersLocksInsteadOfDeadlocking() throws Exception {
        post("/sandbox/monnify/_control/otp", "{\"required\": true}", null);
        try {
            String batchId = post("/api/v1/payments", Json.write(batch(messageId("otp-locks"), 10, 0)), CLIENT).json()
                    .path("batchId").asText();
            await().untilAsserted(() -> assertThat(get("/api/v1/batches/" + batchId, CLIENT).json()
                    .path("items").findValuesAsText("reasonCode")).hasSize(10).containsOnly("AWAITING_AUTHORIZATION"));
            String reference = get("/api/v1/batches/" + batchId, CLIENT).json().path("providerReference").asText();
            String otp = Json.toNode(get("/sandbox/monnify/_control/otp/" + reference, null).body()).path("otp").asText();
            // two items whose ids are in the other order than the items: `later` comes first in the batch
            java.util.List<String> ids = get("/api/v1/batches/" + batchId, CLIENT).json().path("items").findValuesAsText("paymentId");
            String later = null;
            String earlier = null;
            for (int i = 0; i < ids.size() && later == null; i++) {
                for (int j = i + 1; j < ids.size() && later == null; j++) {
                    if (ids.get(j).compareTo(ids.get(i)) < 0) {
                        later = ids.get(i);
                        earlier = ids.get(j);
                    }
                }
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(later != null, "the items' ids are in item order");
            String first = earlier;
            String second = later;

            java.util.concurrent.CompletableFuture<Response> code = new java.util.concurrent.CompletableFuture<>();
            new org.springframework.transaction.support.TransactionTemplate(transactions).executeWithoutResult(tx -> {
                store.lockAll(java.util.List.of(first));
                java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        code.complete(post("/api/v1/batches/" + batchId + "/authorization", "{\"otp\": \"" + otp + "\"}", CLIENT));
                    } catch (Throwable e) {
                        code.completeExceptionally(e);
                    }
                });
                // until the authorization waits for `earlier` (taken in item order, after holding `later`), 3 s at most
                try {
                    await().atMost(java.time.Duration.ofSeconds(3)).until(() -> org.springframework.jdbc.core.simple.JdbcClient
                            .create(dataSource).sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                    + " AND query LIKE 'INSERT INTO payment_events%'").query(Long.class).single() > 0);
                } catch (org.awaitility.core.ConditionTimeoutException inIdOrder) {
                    // it took the items in id order: it waits for `earlier` holding nothing after it
                }
                store.lock(second); // as the group commit goes on in id order
            });
            Response answer = code.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(awaitBatch(batchId, "COMPLETED").path("counts").path("SUCCEEDED").asInt()).isEqualTo(10);
        } finally {
            post("/sandbox/monnify/_control/otp", "{\"required\": false}", null);
        }
    }

    /** {@code n} payouts of 50.00 + i/100; every {@code failEvery}-th one (from 7) to an account Monnify refuses. */
    static ObjectNode batch(String messageId, int n, int failEvery) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId);
        m.put("operation", "PAYOUT_BATCH");
        m.put("provider", "monnify");
        m.put("narration", "November salaries");
        ArrayNode items = m.putArray("items");
        for (int i = 0; i < n; i++) {
            boolean fails = failEvery > 0 && i % failEvery == 0;
            ObjectNode item = items.addObject();
            item.put("itemId", String.format("emp-%04d", i));
            item.set("amount", Json.object().put("value", "250.50").put("currency", "NGN"));
            item.set("destination", Json.object().put("type", "BANK_ACCOUNT")
                    .put("accountNumber", fails ? "1000000006" : "2085886393").put("bankCode", "057"));
        }
        return m;
    }

    private static String sum(JsonNode batch, String status) {
        java.math.BigDecimal total = java.math.BigDecimal.ZERO;
        for (JsonNode i : batch.path("items")) {
            if (i.path("status").asText().equals(status)) {
                total = total.add(new java.math.BigDecimal(i.path("amount").path("value").asText()));
            }
        }
        return total.toPlainString();
    }

    private static JsonNode awaitBatch(String batchId, String status) {
        await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(get("/api/v1/batches/" + batchId, CLIENT).json().path("status").asText()).isEqualTo(status));
        return get("/api/v1/batches/" + batchId, CLIENT).json();
    }
}
