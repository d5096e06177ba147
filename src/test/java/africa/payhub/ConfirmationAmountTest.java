package africa.payhub;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.sandbox.monnify.MonnifySignature;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A webhook or a partner's confirmation makes a payment final (SUCCEEDED or FAILED) only when it says the
 * amount and currency the payment expects. Correctly signed, or sent with the partner's credentials, but
 * without them, it settles nothing: a payment the hub sent is confirmed by a status query, whose answer
 * decides; money reported into an account, which no status query can confirm, goes to a person
 * (NEEDS_REVIEW, AMOUNT_MISSING).
 */
class ConfirmationAmountTest extends HubTestSupport {

    private static final String SECRET = "SANDBOXSECRETKEY00000000000000001";
    private static final String PARTNER = "connect-partner:partner-sandbox-password";

    @Autowired
    JdbcClient jdbc;

    @Test
    void aSignedMonnifyWebhookWithoutAmountOrCurrencySettlesNothing() {
        // held by Monnify for its OTP: every status query answers pending
        String id = submit(payout(messageId("amt"), "1000000011", "20.00")).path("paymentId").asText();
        String reference = awaitStatus(id, "PENDING").path("providerReference").asText();

        ObjectNode noAmount = event("SUCCESSFUL_DISBURSEMENT", reference, "SUCCESS");
        ((ObjectNode) noAmount.get("eventData")).remove("amount");
        assertThat(signed(noAmount).json().path("result").asText()).isEqualTo("NO_CHANGE");
        ObjectNode failedNoAmount = event("FAILED_DISBURSEMENT", reference, "FAILED");
        ((ObjectNode) failedNoAmount.get("eventData")).remove("amount");
        assertThat(signed(failedNoAmount).json().path("result").asText()).isEqualTo("NO_CHANGE");
        ObjectNode noCurrency = event("SUCCESSFUL_DISBURSEMENT", reference, "SUCCESS");
        ((ObjectNode) noCurrency.get("eventData")).remove("currency");
        signed(noCurrency);
        JsonNode waiting = payment(id);
        assertThat(waiting.path("status").asText()).isEqualTo("PENDING");
        assertThat(MonnifyPayoutTest.eventTypes(id)).contains("AMOUNT_UNCONFIRMED");

        // the same event with the amount and currency settles it
        assertThat(signed(event("SUCCESSFUL_DISBURSEMENT", reference, "SUCCESS")).json().path("result").asText())
                .isEqualTo("APPLIED");
        assertThat(payment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(MonnifyPayoutTest.changedBy(id, "SUCCEEDED")).isEqualTo("monnify:webhook");
    }

    @Test
    void aPaymentInReviewIsLeftToTheOperatorByAnEventWithoutAmount() {
        String id = submit(payout(messageId("amt-rv"), "1000000011", "20.00")).path("paymentId").asText();
        String reference = awaitStatus(id, "PENDING").path("providerReference").asText();
        // a person is deciding it (as after a mismatch or a long wait)
        jdbc.sql("UPDATE payments SET status = 'NEEDS_REVIEW', reason_code = 'UNRESOLVED', next_poll_at = NULL WHERE id = :id")
                .param("id", id).update();

        ObjectNode noAmount = event("SUCCESSFUL_DISBURSEMENT", reference, "SUCCESS");
        ((ObjectNode) noAmount.get("eventData")).remove("amount");
        assertThat(signed(noAmount).json().path("result").asText()).isEqualTo("NO_CHANGE");
        JsonNode still = payment(id);
        assertThat(still.path("status").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(still.path("reasonCode").asText()).isEqualTo("UNRESOLVED");
        assertThat(MonnifyPayoutTest.eventTypes(id)).contains("AMOUNT_UNCONFIRMED");
    }

    @Test
    void aPartnerConfirmationWithoutAmountSettlesNothingAndTheStatusQueryDecides() {
        ObjectNode m = ConnectTest.transfer("1000123456", "45.50");
        String id = submit(m).path("paymentId").asText();
        String reference = awaitStatus(id, "PENDING").path("providerReference").asText();
        jdbc.sql("UPDATE payments SET next_poll_at = now() + interval '1 hour' WHERE id = :id").param("id", id).update();

        // FAILED without an amount would tell the client to pay again: it fails nothing
        Response failed = post("/partners/connect/status-check", "{\"reference\":\"" + reference + "\",\"status\":\"FAILED\"}", PARTNER);
        assertThat(failed.status()).isEqualTo(200);
        assertThat(payment(id).path("status").asText()).isEqualTo("PENDING");
        // SUCCESS without one settles nothing either: it makes the status query due at once, and its answer decides
        post("/partners/connect/status-check", "{\"reference\":\"" + reference + "\",\"status\":\"SUCCESS\"}", PARTNER);
        assertThat(MonnifyPayoutTest.eventTypes(id)).contains("AMOUNT_UNCONFIRMED");
        Awaitility.await().untilAsserted(() -> assertThat(payment(id).path("status").asText()).isEqualTo("SUCCEEDED"));
        assertThat(MonnifyPayoutTest.changedBy(id, "SUCCEEDED")).isEqualTo("hub:poller");
        assertThat(jdbc.sql("SELECT count(*) FROM payment_events WHERE payment_id = :id AND type = 'STATUS_CHANGED'"
                + " AND actor = 'connect:webhook'").param("id", id).query(Long.class).single()).isZero();
    }

    @Test
    void moneyReportedIntoAnAccountWithoutAnAmountGoesToAPerson() {
        JsonNode opened = awaitStatus(ReservedAccountsTest.open(messageId("amt-va"), null, null).path("paymentId").asText(),
                "SUCCEEDED");
        String account = opened.path("result").path("accountReference").asText();
        ObjectNode e = Json.object().put("eventType", "SUCCESSFUL_TRANSACTION");
        String transaction = "MNFY|04|" + System.nanoTime();
        e.set("eventData", Json.object().put("transactionReference", transaction).put("paymentReference", "MNFY-" + System.nanoTime())
                .put("paymentStatus", "PAID").put("paymentMethod", "ACCOUNT_TRANSFER")
                .set("product", Json.object().put("type", "RESERVED_ACCOUNT").put("reference", account)));
        assertThat(signed(e).json().path("result").asText()).isEqualTo("CREATED");
        String id = jdbc.sql("SELECT id FROM payments WHERE message ->> 'providerTransactionId' = :t").param("t", transaction)
                .query(String.class).single();
        JsonNode review = payment(id);
        assertThat(review.path("status").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(review.path("reasonCode").asText()).isEqualTo("AMOUNT_MISSING");
    }

    private static Response signed(ObjectNode event) {
        byte[] body = Json.write(event).getBytes(StandardCharsets.UTF_8);
        return postBytes("/webhooks/monnify", body, "Content-Type", "application/json",
                MonnifySignature.HEADER, MonnifySignature.sign(body, SECRET));
    }

    private static ObjectNode event(String type, String reference, String status) {
        return (ObjectNode) Json.toNode(WebhookTest.event(type, reference, status, "20.00"));
    }
}
