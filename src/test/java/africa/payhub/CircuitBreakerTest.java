package africa.payhub;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monnify's own circuit breaker: while it is open nothing is sent, so payments stay ACCEPTED (never
 * SUBMITTED, never PENDING, never re-sent after a guard); once it closes each is sent, once.
 */
class CircuitBreakerTest extends HubTestSupport {

    @Test
    void paymentsWaitAcceptedWhileTheCircuitIsOpenAndAreSentOnceWhenItCloses() throws Exception {
        ResilienceProcessor breaker = breaker("monnify");
        List<String> ids = new ArrayList<>();
        try {
            breaker.transitionToForcedOpenState();
            for (int i = 0; i < 3; i++) {
                ids.add(submit(payout(messageId("cb-open"), "2085886393", "4" + i + ".00")).path("paymentId").asText());
            }
            // past the accepted grace, so the poller has offered them again while the circuit was open
            Thread.sleep(3_000);
            for (String id : ids) {
                JsonNode waiting = payment(id);
                assertThat(waiting.path("status").asText()).isEqualTo("ACCEPTED");
                assertThat(monnify(waiting.path("providerReference").asText()).path("requests").asInt()).isZero();
                assertThat(MonnifyPayoutTest.eventTypes(id)).doesNotContain("PROVIDER_REQUEST");
            }
        } finally {
            breaker.transitionToCloseState();
        }
        for (String id : ids) {
            JsonNode done = awaitStatus(id, "SUCCEEDED");
            JsonNode seen = monnify(done.path("providerReference").asText());
            assertThat(seen.path("executions").asInt()).isEqualTo(1);
            assertThat(seen.path("requests").asInt()).isEqualTo(1);
            assertThat(MonnifyPayoutTest.statuses(id)).doesNotContain("PENDING");
        }
    }
}
