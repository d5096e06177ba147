package africa.payhub;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Monnify's own circuit breaker: repeated unavailability pauses calls; nothing is lost or paid twice. */
class CircuitBreakerTest extends HubTestSupport {

    @Test
    void repeatedUnavailabilityOpensTheBreakerAndPaymentsWaitThenComplete() {
        ResilienceProcessor breaker = breaker("monnify");
        breaker.transitionToCloseState();
        List<String> ids = new ArrayList<>();
        try {
            post("/sandbox/monnify/_control/faults", "{\"failNext\": 1000, \"failStatus\": 503}", null);
            for (int i = 0; i < 3 && !"OPEN".equals(breaker.getCircuitBreakerState()); i++) {
                String id = submit(payout(messageId("cb"), "2085886393", "42.00")).path("paymentId").asText();
                ids.add(id);
                awaitStatus(id, "PENDING");
            }
            assertThat(breaker.getCircuitBreakerState()).isEqualTo("OPEN");

            String paused = submit(payout(messageId("cb-open"), "2085886393", "43.00")).path("paymentId").asText();
            ids.add(paused);
            JsonNode waiting = awaitStatus(paused, "PENDING");
            assertThat(waiting.path("statusReason").asText()).contains("circuit breaker open");
        } finally {
            post("/sandbox/monnify/_control/faults", "{\"failNext\": 0}", null);
            breaker.transitionToCloseState();
        }
        // once the provider is back, the poller finds nothing at Monnify and sends each payment, once
        for (String id : ids) {
            JsonNode done = awaitStatus(id, "SUCCEEDED");
            JsonNode seen = monnify(done.path("providerReference").asText());
            assertThat(seen.path("executions").asInt()).isEqualTo(1);
            assertThat(seen.path("requests").asInt()).isEqualTo(1);
        }
        await().untilAsserted(() -> assertThat(breaker.getCircuitBreakerState()).isEqualTo("CLOSED"));
    }
}
