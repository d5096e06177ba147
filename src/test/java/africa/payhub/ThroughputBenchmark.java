package africa.payhub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A measurement, not a test: how fast the hub accepts payouts and carries them to SUCCEEDED through the
 * Monnify sandbox, over real HTTP and PostgreSQL. Off by default; run it with
 * {@code ./mvnw test -Dtest=ThroughputBenchmark -Dbenchmark=true [-Dbenchmark.payments=500 -Dbenchmark.threads=20]}.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ThroughputBenchmark extends HubTestSupport {

    @Test
    void acceptAndSettlePayouts() throws Exception {
        int n = Integer.getInteger("benchmark.payments", 500);
        int threads = Integer.getInteger("benchmark.threads", 20);
        // warm up: class loading, connection pools, the provider token
        awaitStatus(submit(payout(messageId("warm"), "2085886393", "1.00")).path("paymentId").asText(), "SUCCEEDED");

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Callable<Long>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(() -> {
                long t0 = System.nanoTime();
                submit(payout(messageId("bench"), "2085886393", "10.00"));
                return System.nanoTime() - t0;
            });
        }
        long start = System.nanoTime();
        List<Long> latencies = new ArrayList<>();
        for (Future<Long> f : pool.invokeAll(calls)) {
            latencies.add(f.get());
        }
        long accepted = System.nanoTime() - start;
        pool.shutdown();
        await().atMost(java.time.Duration.ofMinutes(5)).until(() -> jdbcCount("SUCCEEDED") >= n);
        long settled = System.nanoTime() - start;
        Collections.sort(latencies);
        System.out.printf("%nBENCHMARK %d payouts, %d client threads: accepted in %d ms (%.0f/s), accept p50 %.1f ms, "
                        + "p95 %.1f ms, p99 %.1f ms; all SUCCEEDED after %d ms (%.0f/s)%n%n", n, threads,
                accepted / 1_000_000, n / (accepted / 1e9), latencies.get(n / 2) / 1e6, latencies.get(n * 95 / 100) / 1e6,
                latencies.get(n * 99 / 100) / 1e6, settled / 1_000_000, n / (settled / 1e9));
        assertThat(latencies).hasSize(n);
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private int jdbcCount(String status) {
        return jdbc.sql("SELECT count(*) FROM payments WHERE message_id LIKE 'bench-%' AND status = :s")
                .param("s", status).query(Integer.class).single();
    }
}
