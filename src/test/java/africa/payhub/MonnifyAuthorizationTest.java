package africa.payhub;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monnify holds API transfers for an OTP it mails to the merchant (on by default, as the simulator is
 * outside the tests). The payout shows it waits (PENDING, AWAITING_AUTHORIZATION, in the view and the
 * callback); the right code releases it, a wrong one is a 422 and it keeps waiting; a new code can be
 * asked for. The code never reaches a table.
 */
class MonnifyAuthorizationTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    private final CallbackReceiver receiver = CallbackReceiver.get();

    @BeforeEach
    void otpOn() {
        post("/sandbox/monnify/_control/otp", "{\"required\": true}", null);
    }

    @AfterEach
    void otpOff() {
        post("/sandbox/monnify/_control/otp", "{\"required\": false}", null);
    }

    @Test
    void aTransferWaitingForItsOtpIsReleasedByTheRightCodeOnly() {
        String path = "/otp-" + messageId("cb");
        com.fasterxml.jackson.databind.node.ObjectNode message = payout(messageId("otp"), "2085886393", "1500.00");
        message.put("callbackUrl", receiver.url(path));
        String id = submit(message).path("paymentId").asText();
        JsonNode waiting = awaitReason(id, "AWAITING_AUTHORIZATION");
        assertThat(waiting.path("status").asText()).isEqualTo("PENDING");
        String reference = waiting.path("providerReference").asText();
        assertThat(monnify(reference).path("executions").asInt()).as("nothing paid before the OTP").isZero();

        Response wrong = post("/api/v1/payments/" + id + "/authorization", "{\"otp\": \"000000\"}", CLIENT);
        assertThat(wrong.status()).as(wrong.body()).isEqualTo(422);
        assertThat(wrong.body()).contains("Invalid authorization code").doesNotContain("000000");
        assertThat(payment(id).path("reasonCode").asText()).isEqualTo("AWAITING_AUTHORIZATION");

        Response other = post("/api/v1/payments/" + id + "/authorization", "{\"otp\": \"123456\"}", OTHER_CLIENT);
        assertThat(other.status()).as("another client's payment does not exist for it").isEqualTo(404);

        String otp = mailedOtp(reference);
        Response right = post("/api/v1/payments/" + id + "/authorization", "{\"otp\": \"" + otp + "\"}", CLIENT);
        assertThat(right.status()).as(right.body()).isEqualTo(200);
        assertThat(right.json().path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(monnify(reference).path("executions").asInt()).isEqualTo(1);
        // the success is the answer to the client's code, and recorded as such (not as a status query's)
        JsonNode succeeded = timeline(id).path("events").findParents("statusTo").stream()
                .filter(e -> "SUCCEEDED".equals(e.path("statusTo").asText())).findFirst().orElseThrow();
        assertThat(succeeded.path("actor").asText()).isEqualTo("client:demo-erp");
        assertThat(MonnifyPayoutTest.eventTypes(id)).containsSubsequence("AUTHORIZATION_SUBMITTED", "AUTHORIZATION_OUTCOME",
                "STATUS_CHANGED");

        Response again = post("/api/v1/payments/" + id + "/authorization", "{\"otp\": \"" + otp + "\"}", CLIENT);
        assertThat(again.status()).as("a final payment waits for nothing").isEqualTo(409);

        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(receiver.receivedAt(path).stream()
                .map(r -> Json.toNode(r.text()).path("payment"))
                .map(p -> p.path("status").asText() + "/" + p.path("reasonCode").asText(""))
                .toList()).contains("PENDING/AWAITING_AUTHORIZATION", "SUCCEEDED/"));
        assertThat(jdbc.sql("SELECT count(*) FROM payment_events WHERE CAST(detail AS text) LIKE :otp")
                .param("otp", "%" + otp + "%").query(Integer.class).single()).as("the OTP is never stored").isZero();
    }

    @Test
    void aNewCodeCanBeAskedForAndOnlyTheNewOneWorks() {
        String id = submit(payout(messageId("otp-resend"), "2085886393", "20.00")).path("paymentId").asText();
        String reference = awaitReason(id, "AWAITING_AUTHORIZATION").path("providerReference").asText();
        String first = mailedOtp(reference);
        Response resend = post("/api/v1/payments/" + id + "/authorization/resend", "", CLIENT);
        assertThat(resend.status()).as(resend.body()).isEqualTo(202);
        assertThat(resend.json().path("message").asText()).contains("sent");
        String second = mailedOtp(reference);
        if (!second.equals(first)) {
            assertThat(post("/api/v1/payments/" + id + "/authorization", "{\"otp\": \"" + first + "\"}", CLIENT).status())
                    .isEqualTo(422);
        }
        assertThat(post("/api/v1/payments/" + id + "/authorization", "{\"otp\": \"" + second + "\"}", CLIENT)
                .json().path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aMalformedCodeIsABadRequestAndAPaymentNotWaitingIsAConflict() {
        String id = submit(payout(messageId("otp-bad"), "2085886393", "20.00")).path("paymentId").asText();
        awaitReason(id, "AWAITING_AUTHORIZATION");
        Response bad = post("/api/v1/payments/" + id + "/authorization", "{\"otp\": \"12 34\"}", CLIENT);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asText()).isEqualTo("otp");
        otpOff();
        String done = submit(payout(messageId("otp-none"), "2085886393", "20.00")).path("paymentId").asText();
        awaitStatus(done, "SUCCEEDED");
        assertThat(post("/api/v1/payments/" + done + "/authorization", "{\"otp\": \"123456\"}", CLIENT).status())
                .isEqualTo(409);
    }

    @Test
    void aBalanceTooLowFailsThePayoutBeforeAnythingIsSent() {
        otpOff();
        post("/sandbox/monnify/_control/wallet-balance", "{\"availableBalance\": \"100.00\"}", null);
        try {
            setBalanceCheck(true);
            JsonNode failed = awaitStatus(submit(payout(messageId("poor"), "2085886393", "100.01"))
                    .path("paymentId").asText(), "FAILED");
            assertThat(failed.path("reasonCode").asText()).isEqualTo("INSUFFICIENT_FUNDS");
            assertThat(monnify(failed.path("providerReference").asText()).path("requests").asInt()).isZero();
            JsonNode paid = awaitStatus(submit(payout(messageId("enough"), "2085886393", "100.00"))
                    .path("paymentId").asText(), "SUCCEEDED");
            assertThat(monnify(paid.path("providerReference").asText()).path("executions").asInt()).isEqualTo(1);
        } finally {
            setBalanceCheck(false);
            post("/sandbox/monnify/_control/wallet-balance", "{\"availableBalance\": \"5000000.00\"}", null);
        }
    }

    @Autowired
    org.springframework.core.env.ConfigurableEnvironment env;

    /** Turns hub.providers.monnify.balance-check.enabled on or off, as an operator's configuration change would. */
    private void setBalanceCheck(boolean on) {
        env.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("balance-check",
                java.util.Map.of("hub.providers.monnify.balance-check.enabled", String.valueOf(on))));
    }

    private static String mailedOtp(String reference) {
        return Json.toNode(get("/sandbox/monnify/_control/otp/" + reference, null).body()).path("otp").asText();
    }

    private static JsonNode awaitReason(String id, String reasonCode) {
        org.awaitility.Awaitility.await().untilAsserted(() ->
                assertThat(payment(id).path("reasonCode").asText()).isEqualTo(reasonCode));
        return payment(id);
    }
}
