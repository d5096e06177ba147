package africa.payhub;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handful of addresses try to take the hub from everyone else: bodies sent a byte at a time that never end.
 * Another client's latency is measured before and during the attack (benchmark-style, with generous bounds),
 * and what protects it is checked directly: a trickled body holds no request thread.
 */
class AvailabilityUnderAttackTest extends HubTestSupport {

    private static final String VICTIM_PATH = "/api/v1/payments?messageId=victim-x";


    @Test
    void slowBodiesFromTwentyAddressesHoldNoRequestThreadAndAnotherClientIsServedAsBefore() throws Exception {
        victim(Duration.ofMillis(300)); // warm: the victim's login is verified once, its connection open
        Latencies baseline = victim(Duration.ofMillis(1500));
        long cutOffBefore = health("slowBodiesCutOff").asLong();
        // 120 connections, six from each of 127.0.0.2 .. 127.0.0.21, each announcing 1,000 bytes and sending one
        // every 500 ms (the deadline, 1.5 s here, cuts each off; it connects again at once): more than the
        // server's 64 request threads, had each body held one
        try (Trickle attack = new Trickle(120, 20, "/webhooks/monnify", Duration.ofMillis(500))) {
            Thread.sleep(1500); // every connection is open and sending
            Latencies during = victim(Duration.ofSeconds(4));
            System.out.printf("slow bodies (120 connections, 20 addresses): victim baseline %s; under attack %s%n",
                    baseline, during);
            assertThat(during.failures()).as("the victim's failed requests").isZero();
            assertThat(during.p95()).as("the victim's p95 under attack (ms), baseline " + baseline)
                    .isLessThan(Math.max(5 * baseline.p95(), 1000));
            // the bodies are awaited without a thread each
            JsonNode requests = get("/actuator/health", OPERATOR).json().path("components").path("requests").path("details");
            assertThat(requests.path("slowBodiesAwaited").asInt()).as("bodies being awaited: " + requests).isGreaterThan(60);
            assertThat(requests.path("inFlight").asInt()).as("requests holding a thread: " + requests).isLessThan(32);
        }
        assertThat(health("slowBodiesCutOff").asLong()).as("trickled bodies cut off at the deadline")
                .isGreaterThan(cutOffBefore);
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode health(String detail) {
        return get("/actuator/health", OPERATOR).json().path("components").path("requests").path("details").path(detail);
    }

    /** Another client's requests, one after another for a while: its latencies and failures. */
    static Latencies victim(Duration during) {
        List<Double> millis = new ArrayList<>();
        int failures = 0;
        String auth = "Basic " + Base64.getEncoder().encodeToString(OTHER_CLIENT.getBytes(StandardCharsets.UTF_8));
        long end = System.nanoTime() + during.toNanos();
        while (System.nanoTime() < end) {
            long started = System.nanoTime();
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + VICTIM_PATH))
                        .timeout(Duration.ofSeconds(10)).header("Authorization", auth).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    failures++;
                }
            } catch (IOException e) {
                failures++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            millis.add((System.nanoTime() - started) / 1e6);
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Latencies(sorted, failures);
    }

    /** A victim's latencies (ms, sorted) and how many of its requests failed. */
    record Latencies(double[] sorted, int failures) {

        double p50() {
            return at(0.50);
        }

        double p95() {
            return at(0.95);
        }

        double at(double q) {
            return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
        }

        @Override
        public String toString() {
            return String.format("%d requests, p50 %.1f ms, p95 %.1f ms, max %.1f ms, %d failed", sorted.length, p50(), p95(),
                    sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1], failures);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Latencies l && Arrays.equals(sorted, l.sorted) && failures == l.failures;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sorted) * 31 + failures;
        }
    }

    /**
     * Connections that each announce a 1,000-byte body and send it a byte at a time, spread over loopback
     * addresses 127.0.0.2 and on; a connection the hub closes is opened again, until closed.
     */
    static final class Trickle implements AutoCloseable {

        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Trickle(int connections, int addresses, String path, Duration every) {
            for (int i = 0; i < connections; i++) {
                FromAddress from = new FromAddress("127.0.0." + (2 + i % addresses), PORT);
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try (Socket s = from.connect()) {
                            OutputStream out = s.getOutputStream();
                            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            for (int b = 0; b < 999 && !stop.get(); b++) {
                                Thread.sleep(every.toMillis());
                                out.write(' ');
                                out.flush();
                            }
                        } catch (IOException e) {
                            // closed by the hub (cut off at the deadline): connect again
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "trickle-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                t.join(5_000);
            }
        }
    }
}
