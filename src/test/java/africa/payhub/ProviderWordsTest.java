package africa.payhub;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the hub tells a person about a payment at its provider is what the provider saw. A Dollr payment whose
 * execution Dollr never records goes to review quoting the reference_id the hub asked Dollr about (the payment
 * id, as dollr.provider.yaml declares), never our HUB... reference, which Dollr never saw. A status query an open
 * circuit breaker refuses is not a send that never left: the payment, whose own send is still under way, keeps
 * its status and reason, and the poller does not ask a provider whose circuit is open.
 */
class ProviderWordsTest extends HubTestSupport {

    @Test
    void aReviewReasonQuotesTheReferenceTheProviderWasAskedAbout() {
        // every execution answered 503 (the outcome unknown), every status query 404: after the sends the
        // declaration allows, a person decides
        DollrTest.fault("{\"failNext\": 3, \"failStatus\": 503, \"path\": \"/v1/executions/payout\"}");
        try {
            String id = submit(DollrTest.payoutTo(messageId("dollr-words"), "231880000001", "4.00")).path("paymentId").asText();
            JsonNode review = awaitStatus(id, "NEEDS_REVIEW");
            assertThat(review.path("reasonCode").asText()).isEqualTo("NOT_FOUND_AT_PROVIDER");
            assertThat(review.path("statusReason").asText()).contains("reference " + id)
                    .doesNotContain(review.path("providerReference").asText());
            assertThat(DollrTest.dollr("references/" + id).path("executions").asInt()).isZero();
        } finally {
            DollrTest.fault("{\"failNext\": 0}");
        }
    }

    @Test
    void aStatusQueryTheCircuitBreakerRefusesIsNotTakenForASendThatNeverLeft() {
        // 1000000005: the transfer is made and its answer held past the read timeout, so the payment waits
        // SUBMITTED for its send's outcome while the poller would ask
        String id = submit(payout(messageId("breaker-words"), "1000000005", "12.00")).path("paymentId").asText();
        Awaitility.await().until(() -> monnify(payment(id).path("providerReference").asText()).path("requests").asInt() == 1);
        breaker("monnify").transitionToForcedOpenState();
        try {
            // the send is under way past the breaker; the poller's turns come and go while the circuit is open
            Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> true);
            for (JsonNode e : timeline(id).path("events")) {
                if ("POLL_OUTCOME".equals(e.path("type").asText())) {
                    assertThat(e.path("detail").path("outcome").asText()).as("no status query while the circuit is open")
                            .isNotEqualTo("NOT_SENT");
                }
                assertThat(e.path("detail").path("reason").asText()).as("never told it was not sent")
                        .doesNotContain("not sent");
            }
        } finally {
            closeCircuitBreaker("monnify");
        }
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        JsonNode seen = monnify(done.path("providerReference").asText());
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("executions").asInt()).isEqualTo(1);
    }
}
