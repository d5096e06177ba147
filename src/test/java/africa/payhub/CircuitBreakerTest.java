package africa.payhub;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import africa.payhub.provider.ProviderCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monnify's own circuit breaker: while it is open nothing is sent, so payments stay ACCEPTED (never
 * SUBMITTED, never PENDING, never re-sent after a guard); once it closes each is sent, once. It opens when
 * the provider cannot be reached, never because the provider is slow: read timeouts do not count.
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

    @Test
    void theHubFollowsTheBreakerOfARouteMadeAgain(@Autowired ProviderCatalog providers) throws Exception {
        try {
            breaker("acme").transitionToForcedOpenState();
            assertThat(providers.accepting("acme")).isFalse();
            // as a reload does: the route and its breaker are made anew, closed
            remakeAcmeHttp(BASE + "/sandbox/monnify");
            assertThat(providers.accepting("acme")).isTrue();
            breaker("acme").transitionToForcedOpenState();
            assertThat(providers.accepting("acme")).isFalse();
        } finally {
            remakeAcmeHttp(BASE + "/sandbox/monnify");
        }
    }

    // ------------------------------------------------------------------ what opens it

    @Test
    void refusedConnectionsOpenTheCircuit() throws Exception {
        int closedPort = freePort();   // nothing listens there: every connection is refused
        try {
            remakeAcmeHttp("http://127.0.0.1:" + closedPort);
            for (int i = 0; i < 10; i++) {
                assertThat(root(call().getException())).isInstanceOf(java.net.ConnectException.class);
            }
            assertThat(breaker("acme").getCircuitBreakerState()).isEqualTo("OPEN");
            // while open nothing is even tried
            assertThat(call().getException()).isInstanceOf(CallNotPermittedException.class);
        } finally {
            remakeAcmeHttp(BASE + "/sandbox/monnify");
        }
    }

    @Test
    void aBurstOfReadTimeoutsLeavesTheCircuitClosed() throws Exception {
        // a provider that accepts connections and never answers: every call ends in a read timeout (1.5 s here)
        List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket slow = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(slow.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "never-answers");
            acceptor.setDaemon(true);
            acceptor.start();
            remakeAcmeHttp("http://127.0.0.1:" + slow.getLocalPort());
            List<CompletableFuture<Exchange>> calls = IntStream.range(0, 12)
                    .mapToObj(i -> CompletableFuture.supplyAsync(this::call)).toList();
            for (CompletableFuture<Exchange> c : calls) {
                assertThat(root(c.get().getException())).isInstanceOf(SocketTimeoutException.class);
            }
            ResilienceProcessor acme = breaker("acme");
            assertThat(acme.getCircuitBreaker().getMetrics().getNumberOfBufferedCalls())
                    .as("the breaker saw every call").isGreaterThanOrEqualTo(acme.getCircuitBreakerMinimumNumberOfCalls());
            assertThat(acme.getCircuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
            assertThat(acme.getCircuitBreakerState()).isEqualTo("CLOSED");
        } finally {
            for (Socket s : held) {
                s.close();
            }
            remakeAcmeHttp(BASE + "/sandbox/monnify");
        }
    }

    private static Throwable root(Throwable t) {
        Throwable r = t;
        while (r != null && r.getCause() != null) {
            r = r.getCause();
        }
        return r;
    }

    /** One call through acme's transport route, as a flow makes it (a status query: nothing is moved). */
    private Exchange call() {
        ProducerTemplate template = camelContext.createProducerTemplate();
        return template.send("direct:acme-http", e -> e.getMessage()
                .setBody("{\"_method\":\"GET\",\"_endpoint\":\"/api/v2/disbursements/single/summary\",\"reference\":\"HUB-cb\"}"));
    }

    /** Acme's transport route made again from the shared template against another address (a fresh breaker). */
    private void remakeAcmeHttp(String baseUrl) throws Exception {
        camelContext.getRouteController().stopRoute("acme-http");
        camelContext.removeRoute("acme-http");
        TemplatedRouteBuilder.builder(camelContext, "provider-http").routeId("acme-http")
                .parameter("provider", "acme").parameter("baseUrl", baseUrl).add();
    }
}
