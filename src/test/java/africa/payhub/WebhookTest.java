package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.sandbox.monnify.MonnifySignature;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Monnify webhooks as an attacker, a flaky network and Monnify itself send them. */
class WebhookTest extends HubTestSupport {

    private static final String SECRET = "SANDBOXSECRETKEY00000000000000001";

    @Autowired
    JdbcClient jdbc;

    @Test
    void forgedOrUnsignedWebhooksAreRefusedRecordedAndChangeNothing() {
        JsonNode p = pendingPayment();
        byte[] body = event("SUCCESSFUL_DISBURSEMENT", p.path("providerReference").asText(), "SUCCESS", "20.00");

        Response unsigned = postBytes("/webhooks/monnify", body, "Content-Type", "application/json");
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.header("Content-Type")).startsWith("application/problem+json");

        String wrongKey = "not-the-secret";
        Response forged = postBytes("/webhooks/monnify", body, "Content-Type", "application/json",
                MonnifySignature.HEADER, MonnifySignature.sign(body, wrongKey));
        assertThat(forged.status()).isEqualTo(401);

        Response garbage = postBytes("/webhooks/monnify", body, "Content-Type", "application/json",
                MonnifySignature.HEADER, "zz-not-hex");
        assertThat(garbage.status()).isEqualTo(401);

        assertThat(payment(p.path("paymentId").asText()).path("status").asText()).isEqualTo("PENDING");
        int rejected = jdbc.sql("SELECT count(*) FROM provider_webhooks WHERE body_sha256 = :sha AND NOT signature_valid")
                .param("sha", Json.sha256(body)).query(Integer.class).single();
        assertThat(rejected).isEqualTo(3);
    }

    @Test
    void theSignatureCoversTheRawBytesNotTheJsonValue() {
        JsonNode p = pendingPayment();
        byte[] compact = event("SUCCESSFUL_DISBURSEMENT", p.path("providerReference").asText(), "SUCCESS", "20.00");
        // the same JSON value, re-serialised with other whitespace: a different MAC
        byte[] pretty = Json.toNode(compact).toPrettyString().getBytes(StandardCharsets.UTF_8);
        Response r = postBytes("/webhooks/monnify", pretty, "Content-Type", "application/json",
                MonnifySignature.HEADER, MonnifySignature.sign(compact, SECRET));
        assertThat(r.status()).isEqualTo(401);
        assertThat(payment(p.path("paymentId").asText()).path("status").asText()).isEqualTo("PENDING");
    }

    @Test
    void aValidWebhookAppliesOnceAndItsReplayChangesNothing() {
        JsonNode p = pendingPayment();
        String id = p.path("paymentId").asText();
        byte[] body = event("FAILED_DISBURSEMENT", p.path("providerReference").asText(), "FAILED", "20.00");
        Response first = signed(body);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("result").asText()).isEqualTo("APPLIED");
        assertThat(payment(id).path("status").asText()).isEqualTo("FAILED");

        Response replay = signed(body);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("result").asText()).isEqualTo("DUPLICATE");

        // a different, later event for the same transfer cannot move a final status
        byte[] late = event("SUCCESSFUL_DISBURSEMENT", p.path("providerReference").asText(), "SUCCESS", "20.00");
        assertThat(signed(late).json().path("result").asText()).isEqualTo("NO_CHANGE");
        assertThat(payment(id).path("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void aWebhookCutOffBeforeItsChangeCommitsLeavesNoKeySoItsResendIsApplied() throws Exception {
        JsonNode p = pendingPayment();
        String id = p.path("paymentId").asText();
        byte[] body = event("SUCCESSFUL_DISBURSEMENT", p.path("providerReference").asText(), "SUCCESS", "20.00");
        java.util.concurrent.CompletableFuture<Response> cut;
        try (java.sql.Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (var s = holder.prepareStatement("SELECT id FROM payments WHERE id = ? FOR UPDATE")) {
                s.setString(1, id);
                s.executeQuery();
            }
            // the webhook's transaction has written its event key and now waits for the payment's row
            cut = java.util.concurrent.CompletableFuture.supplyAsync(() -> signed(body));
            Integer victim = org.awaitility.Awaitility.await().until(() -> jdbc.sql("""
                    SELECT a.pid FROM pg_stat_activity a
                    WHERE a.wait_event_type = 'Lock' AND a.backend_xid IS NOT NULL AND a.query LIKE '%FOR UPDATE%'
                    LIMIT 1""").query(Integer.class).optional().orElse(null), java.util.Objects::nonNull);
            // the hub's connection dies mid-apply (as when the hub or its database is killed)
            jdbc.sql("SELECT pg_terminate_backend(:pid)").param("pid", victim).query(Boolean.class).single();
            holder.rollback();
        }
        assertThat(cut.get().status()).isGreaterThanOrEqualTo(500);
        assertThat(payment(id).path("status").asText()).isEqualTo("PENDING");
        // Monnify sends it again (it got no 200): its key went with the failed transaction, so it is applied
        // now (had the key committed first, this would be a DUPLICATE and the payment would stay PENDING)
        Response resent = signed(body);
        assertThat(resent.json().path("result").asText()).isEqualTo("APPLIED");
        assertThat(payment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(signed(body).json().path("result").asText()).isEqualTo("DUPLICATE");
    }

    @Autowired
    javax.sql.DataSource dataSource;

    @Test
    void twoEventsAtOnceAreRecordedAsWhatEachDid() throws Exception {
        JsonNode p = pendingPayment();
        String id = p.path("paymentId").asText();
        jdbc.sql("UPDATE payments SET next_poll_at = now() + interval '1 hour' WHERE id = :id").param("id", id).update();
        String reference = p.path("providerReference").asText();
        java.util.List<java.util.concurrent.CompletableFuture<Response>> sent = new java.util.ArrayList<>();
        try (java.sql.Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (var s = holder.prepareStatement("SELECT id FROM payments WHERE id = ? FOR UPDATE")) {
                s.setString(1, id);
                s.executeQuery();
            }
            // a failure and a success arrive together (Monnify's sender is not one queue): both wait for the row
            sent.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> signed(event("FAILED_DISBURSEMENT", reference, "FAILED", "20.00"))));
            sent.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> signed(event("SUCCESSFUL_DISBURSEMENT", reference, "SUCCESS", "20.00"))));
            org.awaitility.Awaitility.await().until(() -> jdbc.sql("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'""").query(Integer.class).single() >= 2);
            holder.rollback();
        }
        java.util.List<String> results = new java.util.ArrayList<>();
        for (var r : sent) {
            results.add(r.get().json().path("result").asText());
        }
        // one moved the payment, the other changed nothing: neither is told, nor records, the other's change
        assertThat(results).containsExactlyInAnyOrder("APPLIED", "NO_CHANGE");
        assertThat(jdbc.sql("SELECT outcome FROM provider_webhooks WHERE payment_id = :id").param("id", id)
                .query(String.class).list()).containsExactlyInAnyOrder("APPLIED", "NO_CHANGE");
        assertThat(payment(id).path("status").asText()).isIn("SUCCEEDED", "FAILED");
    }

    @Test
    void aWebhookReportingAnotherAmountSendsThePaymentToReview() {
        JsonNode p = pendingPayment();
        byte[] body = event("SUCCESSFUL_DISBURSEMENT", p.path("providerReference").asText(), "SUCCESS", "2000.00");
        assertThat(signed(body).status()).isEqualTo(200);
        JsonNode after = payment(p.path("paymentId").asText());
        assertThat(after.path("status").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(after.path("reasonCode").asText()).isEqualTo("AMOUNT_MISMATCH");

        // the provider's own record says the transfer was made: an operator cannot mark it FAILED (the client
        // would send it again and pay twice), but can settle it as made
        Response failed = post("/api/v1/payments/" + after.path("paymentId").asText() + "/resolution",
                "{\"status\":\"FAILED\",\"reason\":\"amount looks wrong\"}", OPERATOR);
        assertThat(failed.status()).isEqualTo(409);
        assertThat(failed.json().path("detail").asText()).contains("provider's evidence").contains("SUCCESS");
        Response settled = post("/api/v1/payments/" + after.path("paymentId").asText() + "/resolution",
                "{\"status\":\"SUCCEEDED\",\"reason\":\"fee deducted, confirmed\"}", OPERATOR);
        assertThat(settled.json().path("status").asText()).as(settled.body()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aVerifiedWebhookForAnUnknownReferenceIsAcknowledgedAndRecorded() {
        byte[] body = event("SUCCESSFUL_DISBURSEMENT", "NOT-OURS-" + System.nanoTime(), "SUCCESS", "5.00");
        Response r = signed(body);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("result").asText()).isEqualTo("UNMATCHED");
        String outcome = jdbc.sql("SELECT outcome FROM provider_webhooks WHERE body_sha256 = :sha")
                .param("sha", Json.sha256(body)).query(String.class).single();
        assertThat(outcome).isEqualTo("UNMATCHED");
    }

    @Test
    void anEventForNoPaymentOfTheHubIsAcknowledgedAndRecordedUnmatchedNeverIgnored() {
        // an event type the hub does not apply, and a collection paid under a reference the hub never gave
        for (String type : new String[] {"MANDATE_STATUS_UPDATE", "SUCCESSFUL_TRANSACTION"}) {
            ObjectNode e = Json.object();
            e.put("eventType", type);
            e.set("eventData", Json.object().put("transactionReference", "MNFY|04|" + System.nanoTime())
                    .put("paymentReference", "x").put("amountPaid", "100.00"));
            Response r = signed(Json.write(e).getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("result").asText()).as(type).isEqualTo("UNMATCHED");
        }
    }

    @Test
    void aSignedButMalformedBodyIsA400() {
        Response r = signed("this is not json".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    }

    /** A payment Monnify holds in PENDING_AUTHORIZATION: it waits for whatever the webhook says. */
    private static JsonNode pendingPayment() {
        String id = submit(payout(messageId("wh"), "1000000011", "20.00")).path("paymentId").asText();
        return awaitStatus(id, "PENDING");
    }

    private static Response signed(byte[] body) {
        return postBytes("/webhooks/monnify", body, "Content-Type", "application/json",
                MonnifySignature.HEADER, MonnifySignature.sign(body, SECRET));
    }

    static byte[] event(String type, String reference, String status, String amount) {
        ObjectNode data = Json.object();
        data.set("amount", Json.NODES.numberNode(new java.math.BigDecimal(amount)));
        data.put("transactionReference", "MFDS" + System.nanoTime());
        data.put("reference", reference);
        data.put("currency", "NGN");
        data.put("status", status);
        data.put("destinationAccountName", "ADA OBI");
        ObjectNode e = Json.object();
        e.put("eventType", type);
        e.set("eventData", data);
        return Json.write(e).getBytes(StandardCharsets.UTF_8);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
