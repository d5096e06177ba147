package africa.payhub;

import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.payment.Payment;
import africa.payhub.payment.PaymentAcceptance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work a hub leaves behind when it stops at the worst moment, and what a restarted hub (its poller) does
 * with it; payments nobody can resolve go to a person, who settles them.
 */
class RecoveryTest extends HubTestSupport {

    @Autowired
    PaymentAcceptance payments;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aPaymentAcceptedButNeverSentIsSentAfterARestart() {
        // what a crash between "stored" and "sent" leaves: an ACCEPTED row nobody dispatched
        ObjectNode message = payout(messageId("crash-before-send"), "2085886393", "321.00");
        Payment p = payments.accept("demo-erp", message).payment();
        assertThat(p.status().name()).isEqualTo("ACCEPTED");

        JsonNode done = awaitStatus(p.id(), "SUCCEEDED");
        assertThat(MonnifyPayoutTest.eventTypes(p.id())).contains("RECOVERED");
        assertThat(monnify(done.path("providerReference").asText()).path("requests").asInt()).isEqualTo(1);

        // the client retrying its post meanwhile gets the same payment, not a second transfer
        Response replay = post("/api/v1/payments", Json.write(message), CLIENT);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("paymentId").asText()).isEqualTo(p.id());
    }

    @Test
    void aPaymentSentJustBeforeACrashIsResolvedByStatusQueryNotResent() {
        // what a crash after the request left leaves: SUBMITTED here, and a transfer made at Monnify
        Payment p = payments.accept("demo-erp", payout(messageId("crash-after-send"), "2085886393", "654.00")).payment();
        jdbc.sql("""
                UPDATE payments SET status = 'SUBMITTED', send_attempts = 1, last_sent_at = now(),
                    next_poll_at = now() + interval '1 second' WHERE id = :id""").param("id", p.id()).update();
        sendAsTheHubDid(p);

        awaitStatus(p.id(), "SUCCEEDED");
        JsonNode seen = monnify(p.providerReference());
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("executions").asInt()).isEqualTo(1);
    }

    @Test
    void aPaymentNobodyCanResolveGoesToReviewAndAnOperatorSettlesIt() {
        String path = "/hooks/" + messageId("review");
        ObjectNode m = payout(messageId("otp"), "1000000011", "75.00"); // waits for an OTP forever
        m.put("callbackUrl", CallbackReceiver.get().url(path));
        String id = submit(m).path("paymentId").asText();
        assertThat(awaitStatus(id, "PENDING").path("statusReason").asText()).contains("OTP");

        JsonNode review = awaitStatus(id, "NEEDS_REVIEW");
        assertThat(review.path("reasonCode").asText()).isEqualTo("UNRESOLVED");

        Response invalid = post("/api/v1/payments/" + id + "/resolution", "{\"status\":\"MAYBE\"}", OPERATOR);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("errors")).hasSize(2);

        Response resolved = post("/api/v1/payments/" + id + "/resolution",
                "{\"status\":\"FAILED\",\"reason\":\"Monnify support confirmed the transfer was never authorised\"}", OPERATOR);
        assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
        assertThat(resolved.json().path("status").asText()).isEqualTo("FAILED");
        assertThat(resolved.json().path("reasonCode").asText()).isEqualTo("OPERATOR_DECISION");
        assertThat(MonnifyPayoutTest.changedBy(id, "FAILED")).isEqualTo("operator:ops");

        Response twice = post("/api/v1/payments/" + id + "/resolution", "{\"status\":\"SUCCEEDED\",\"reason\":\"oops\"}", OPERATOR);
        assertThat(twice.status()).isEqualTo(409);

        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(CallbackReceiver.get().receivedAt(path).stream()
                .map(r -> Json.toNode(r.text()).path("payment").path("status").asText())).contains("NEEDS_REVIEW", "FAILED"));
    }

    /** Logs in and posts the transfer to the sandbox exactly as the hub's monnify-payout route would have. */
    private static void sendAsTheHubDid(Payment p) {
        String basic = Base64.getEncoder().encodeToString("MK_TEST_SANDBOX0001:SANDBOXSECRETKEY00000000000000001".getBytes());
        var login = java.net.http.HttpRequest.newBuilder(java.net.URI.create(BASE + "/sandbox/monnify/api/v1/auth/login"))
                .header("Authorization", "Basic " + basic).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build();
        try {
            String token = Json.toNode(HTTP.send(login, java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                    .path("responseBody").path("accessToken").asText();
            ObjectNode transfer = Json.object();
            transfer.set("amount", Json.NODES.numberNode(p.amountValue()));
            transfer.put("reference", p.providerReference()).put("narration", "November salary")
                    .put("destinationBankCode", "057").put("destinationAccountNumber", "2085886393")
                    .put("currency", "NGN").put("sourceAccountNumber", "3934178936");
            var send = java.net.http.HttpRequest.newBuilder(java.net.URI.create(BASE + "/sandbox/monnify/api/v2/disbursements/single"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Json.write(transfer))).build();
            assertThat(HTTP.send(send, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
