package africa.payhub;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Canonical PAYOUTs carried by Monnify (the sandbox, over real HTTP) through every answer Monnify can
 * give: each scenario is picked by the destination account number, as documented in docs/providers/monnify.md.
 */
class MonnifyPayoutTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void immediateSuccessIsReportedAndPaidOnce() {
        JsonNode accepted = submit(payout(messageId("ok"), "2085886393", "2500.00"));
        assertThat(accepted.path("status").asText()).isEqualTo("ACCEPTED");
        String id = accepted.path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(done.path("amount").path("value").asText()).isEqualTo("2500.00");
        assertThat(done.path("result").path("destinationAccountName").asText()).isEqualTo("ADA OBI");
        assertThat(done.path("result").path("fee").asText()).isEqualTo("35");
        JsonNode seen = monnify(done.path("providerReference").asText());
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("executions").asInt()).isEqualTo(1);
        // what went to Monnify: the exact decimal amount, our reference, the configured source account
        JsonNode request = firstEvent(id, "PROVIDER_REQUEST").path("detail").path("body");
        assertThat(request.path("amount").decimalValue()).isEqualByComparingTo("2500.00");
        assertThat(request.path("reference").asText()).isEqualTo(done.path("providerReference").asText());
        assertThat(request.path("sourceAccountNumber").asText()).isEqualTo("3934178936");
    }

    @Test
    void pendingThenSuccessByWebhook() {
        String id = submit(payout(messageId("wh-ok"), "1000000001", "1200.50")).path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        assertThat(changedBy(id, "SUCCEEDED")).isEqualTo("monnify:webhook");
        assertThat(statuses(id)).containsSubsequence("SUBMITTED", "PENDING", "SUCCEEDED");
        assertThat(webhookResults(id)).containsExactly("APPLIED");
    }

    @Test
    void pendingThenFailureByWebhook() {
        String id = submit(payout(messageId("wh-fail"), "1000000002", "300.00")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "FAILED");
        assertThat(done.path("reasonCode").asText()).isEqualTo("PROVIDER_FAILED");
        assertThat(changedBy(id, "FAILED")).isEqualTo("monnify:webhook");
    }

    @Test
    void pendingWithoutWebhookIsResolvedByPolling() {
        String id = submit(payout(messageId("poll"), "1000000003", "450.00")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(changedBy(id, "SUCCEEDED")).isEqualTo("hub:poller");
        assertThat(webhookResults(id)).isEmpty();
        assertThat(monnify(done.path("providerReference").asText()).path("requests").asInt()).isEqualTo(1);
    }

    @Test
    void unavailableBeforeProcessingIsRetriedThenSucceeds() {
        String id = submit(payout(messageId("503"), "1000000004", "99.99")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        JsonNode seen = monnify(done.path("providerReference").asText());
        assertThat(seen.path("requests").asInt()).isEqualTo(2);
        assertThat(seen.path("executions").asInt()).isEqualTo(1);
        assertThat(httpStatuses(id)).contains(503, 200);
    }

    @Test
    void responseLostAfterTheTransferIsResolvedByStatusQueryNeverResent() {
        String id = submit(payout(messageId("lost"), "1000000005", "5000.00")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        // the status query (not the lost answer) settled it; the send's outcome was recorded as unknown
        assertThat(changedBy(id, "SUCCEEDED")).isEqualTo("hub:poller");
        await().untilAsserted(() -> assertThat(sendOutcomes(id)).containsExactly("UNKNOWN"));
        JsonNode seen = monnify(done.path("providerReference").asText());
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("executions").asInt()).isEqualTo(1);
    }

    @Test
    void serverErrorAfterTheTransferIsResolvedByStatusQuery() {
        String id = submit(payout(messageId("500"), "1000000010", "61.00")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        await().untilAsserted(() -> assertThat(sendOutcomes(id)).containsExactly("UNKNOWN"));
        assertThat(changedBy(id, "SUCCEEDED")).isEqualTo("hub:poller");
        assertThat(monnify(done.path("providerReference").asText()).path("requests").asInt()).isEqualTo(1);
    }

    @Test
    void invalidAccountFailsWithACanonicalReason() {
        String id = submit(payout(messageId("invalid"), "1000000006", "10.00")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "FAILED");
        assertThat(done.path("reasonCode").asText()).isEqualTo("INVALID_ACCOUNT");
        assertThat(done.path("statusReason").asText()).contains("Invalid destination account");
        assertThat(monnify(done.path("providerReference").asText()).path("executions").asInt()).isZero();
    }

    @Test
    void insufficientFundsFailsWithACanonicalReason() {
        String id = submit(payout(messageId("nsf"), "1000000012", "10.00")).path("paymentId").asText();
        assertThat(awaitStatus(id, "FAILED").path("reasonCode").asText()).isEqualTo("INSUFFICIENT_FUNDS");
    }

    @Test
    void duplicateWebhooksChangeNothingTwice() {
        String id = submit(payout(messageId("dup-wh"), "1000000007", "20.00")).path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        await().untilAsserted(() -> assertThat(webhookResults(id)).hasSize(3));
        assertThat(webhookResults(id)).containsExactlyInAnyOrder("APPLIED", "DUPLICATE", "DUPLICATE");
        assertThat(statuses(id).stream().filter("SUCCEEDED"::equals)).hasSize(1);
    }

    @Test
    void outOfOrderWebhooksNeverMoveAFinalStatusBack() {
        String id = submit(payout(messageId("ooo"), "1000000008", "20.00")).path("paymentId").asText();
        awaitStatus(id, "REVERSED");
        // the late SUCCESSFUL_DISBURSEMENT arrives after the reversal and changes nothing
        await().untilAsserted(() -> assertThat(webhookResults(id)).hasSize(2));
        assertThat(webhookResults(id)).containsExactly("APPLIED", "NO_CHANGE");
        assertThat(payment(id).path("status").asText()).isEqualTo("REVERSED");
        assertThat(eventTypes(id)).contains("TRANSITION_REFUSED");
    }

    @Test
    void aSucceededTransferCanBeReversedLater() {
        String id = submit(payout(messageId("rev"), "1000000013", "20.00")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "REVERSED");
        assertThat(statuses(id)).containsSubsequence("SUCCEEDED", "REVERSED");
        assertThat(done.path("reasonCode").asText()).isEqualTo("REVERSED_BY_PROVIDER");
    }

    @Test
    void duplicateRequestD07IsNeverTakenForAFailure() {
        String id = submit(payout(messageId("d07"), "1000000009", "20.00")).path("paymentId").asText();
        // D07 means "another transfer like this exists": the hub checks by reference, finds nothing, sends
        // again with the same reference, and after the configured sends asks a person
        JsonNode done = awaitStatus(id, "NEEDS_REVIEW");
        assertThat(done.path("reasonCode").asText()).isEqualTo("NOT_FOUND_AT_PROVIDER");
        JsonNode seen = monnify(done.path("providerReference").asText());
        assertThat(seen.path("requests").asInt()).isEqualTo(3);
        assertThat(seen.path("executions").asInt()).isZero();
        assertThat(statuses(id)).doesNotContain("FAILED");
    }

    @Test
    void tokenExpiryMidRunIsRefreshedOnceAndTheCallRetried() {
        awaitStatus(submit(payout(messageId("warm"), "2085886393", "1.00")).path("paymentId").asText(), "SUCCEEDED");
        int loginsBefore = get("/sandbox/monnify/_control/stats", null).json().path("logins").asInt();
        post("/sandbox/monnify/_control/expire-tokens", "", null);
        String id = submit(payout(messageId("expired"), "2085886393", "11.00")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(httpStatuses(id)).contains(401, 200);
        assertThat(get("/sandbox/monnify/_control/stats", null).json().path("logins").asInt()).isGreaterThan(loginsBefore);
        assertThat(monnify(done.path("providerReference").asText()).path("executions").asInt()).isEqualTo(1);
    }

    @Test
    void theTimelineNeverHoldsTokensOrSecrets() {
        String id = submit(payout(messageId("redact"), "2085886393", "5.00")).path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        String all = timeline(id).toString();
        assertThat(all).doesNotContain("sbx.").doesNotContain("SANDBOXSECRETKEY").doesNotContain("Bearer");
        String rows = jdbc.sql("SELECT string_agg(detail::text, ' ') FROM payment_events").query(String.class).single();
        assertThat(rows).doesNotContain("SANDBOXSECRETKEY").doesNotContain("Bearer ").doesNotContain("sbx.");
    }

    // ------------------------------------------------------------------ timeline helpers

    private static JsonNode firstEvent(String id, String type) {
        for (JsonNode e : timeline(id).path("events")) {
            if (e.path("type").asText().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event for " + id);
    }

    static List<String> statuses(String id) {
        List<String> out = new ArrayList<>();
        timeline(id).path("events").forEach(e -> {
            if (e.path("type").asText().equals("STATUS_CHANGED")) {
                out.add(e.path("statusTo").asText());
            }
        });
        return out;
    }

    static List<String> eventTypes(String id) {
        List<String> out = new ArrayList<>();
        timeline(id).path("events").forEach(e -> out.add(e.path("type").asText()));
        return out;
    }

    static String changedBy(String id, String status) {
        for (JsonNode e : timeline(id).path("events")) {
            if (e.path("type").asText().equals("STATUS_CHANGED") && e.path("statusTo").asText().equals(status)) {
                return e.path("actor").asText();
            }
        }
        throw new AssertionError("never " + status);
    }

    static String reasonOf(String id, String status) {
        for (JsonNode e : timeline(id).path("events")) {
            if (e.path("type").asText().equals("STATUS_CHANGED") && e.path("statusTo").asText().equals(status)) {
                return e.path("detail").path("reason").asText();
            }
        }
        throw new AssertionError("never " + status);
    }

    static List<String> sendOutcomes(String id) {
        List<String> out = new ArrayList<>();
        timeline(id).path("events").forEach(e -> {
            if (e.path("type").asText().equals("SEND_OUTCOME")) {
                out.add(e.path("detail").path("outcome").asText());
            }
        });
        return out;
    }

    static List<Integer> httpStatuses(String id) {
        List<Integer> out = new ArrayList<>();
        timeline(id).path("events").forEach(e -> {
            if (e.path("type").asText().equals("PROVIDER_RESPONSE")) {
                out.add(e.path("detail").path("httpStatus").asInt());
            }
        });
        return out;
    }

    List<String> webhookResults(String id) {
        return jdbc.sql("SELECT outcome FROM provider_webhooks WHERE payment_id = :id ORDER BY id")
                .param("id", id).query(String.class).list();
    }
}
