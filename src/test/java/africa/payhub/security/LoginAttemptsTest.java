package africa.payhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import africa.payhub.config.HubProperties;
import org.junit.jupiter.api.Test;

/** The per-address bound on failed logins holds when many logins from one address arrive together. */
class LoginAttemptsTest {

    private static final int PER_ADDRESS = 5;

    @Test
    void loginsArrivingTogetherFromOneAddressFailNoMoreOftenThanItsBound() throws Exception {
        try (LoginAttempts attempts = new LoginAttempts(new HubProperties.Limits(65536, Duration.ofSeconds(10), 32, 256,
                50, 20, 10, PER_ADDRESS, Duration.ofMinutes(5), 16, 64))) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Future<?>> logins = new ArrayList<>();
            try {
                for (int i = 0; i < 64; i++) {
                    String name = "intruder-" + i;
                    logins.add(pool.submit(() -> {
                        start.await();
                        try (LoginAttempts.Admission admission = attempts.admit("10.0.0.7")) {
                            attempts.check(() -> {
                                Thread.sleep(20); // a slow hash: the others arrive while it runs
                                return false;
                            });
                            attempts.failed("api", name, "10.0.0.7", admission);
                            failures.incrementAndGet();
                        } catch (LoginAttempts.Refused e) {
                            refused.incrementAndGet();
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : logins) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(failures.get()).as("failed logins counted").isEqualTo(PER_ADDRESS);
            assertThat(refused.get()).isEqualTo(64 - PER_ADDRESS);
            // a check that ended without failing gives its place back
            try (LoginAttempts other = new LoginAttempts(new HubProperties.Limits(65536, Duration.ofSeconds(10), 32,
                    256, 50, 20, 10, 1, Duration.ofMinutes(5), 1, 1))) {
                other.admit("10.0.0.8").close();
                try (LoginAttempts.Admission again = other.admit("10.0.0.8")) {
                    assertThat(again).isNotNull();
                }
            }
        }
    }
}
