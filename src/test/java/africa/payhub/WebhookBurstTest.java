package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import africa.sandbox.monnify.MonnifySignature;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider's burst of webhooks (a payroll's items, each its own webhook, all from the provider's one sending
 * address) is never throttled by the limit on anonymous callers, while an address sending forgeries is: that
 * limit counts only what fails its check ({@code hub.limits.anonymous-requests-per-second}, 20 here, 50 by
 * default), and nothing from a provider's declared senders.
 */
class WebhookBurstTest extends HubTestSupport {

    /** The address Acme (ProviderAsDataTest's provider) declares as its webhook sender. */
    static final String ACME_SENDER = "127.0.0.72";

    private static final String MONNIFY_KEY = "SANDBOXSECRETKEY00000000000000001";

    @Test
    void aThousandItemPayrollsWebhooksFromOneAddressAreAllAccepted() throws Exception {
        FromAddress monnify = new FromAddress("127.0.0.70", PORT);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Map<Integer, Integer> statuses = new TreeMap<>();
        long started = System.nanoTime();
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                byte[] body = WebhookTest.event("SUCCESSFUL_DISBURSEMENT", "PAYROLL-" + System.nanoTime() + "-" + i,
                        "SUCCESS", "1500.00");
                sent.add(pool.submit(() -> monnify.post("/webhooks/monnify", null, body,
                        MonnifySignature.HEADER, MonnifySignature.sign(body, MONNIFY_KEY)).status()));
            }
            for (Future<Integer> f : sent) {
                statuses.merge(f.get(60, TimeUnit.SECONDS), 1, Integer::sum);
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("1,000 signed webhooks from one address in %.1f s (%.0f/s): %s%n", seconds, 1000 / seconds, statuses);
        assertThat(statuses).as("answers by status").isEqualTo(Map.of(200, 1000));
    }

    @Test
    void forgeriesFromOneAddressAreThrottledAndThoseFromADeclaredSenderAreNot() throws Exception {
        byte[] body = "{\"eventType\":\"SUCCESSFUL_DISBURSEMENT\",\"eventData\":{\"reference\":\"x\"}}"
                .getBytes(StandardCharsets.UTF_8);
        String forged = MonnifySignature.sign(body, "not-the-key");
        // 20 refused in a second, then the door is shut until the next one
        Map<Integer, Integer> forger = burst(new FromAddress("127.0.0.71", PORT), body, forged);
        assertThat(forger.get(429)).as("forgeries throttled: " + forger).isPositive();
        // from Acme's declared sender: still checked (and refused), never throttled
        Map<Integer, Integer> sender = burst(new FromAddress(ACME_SENDER, PORT), body, forged);
        assertThat(sender).as("from the declared sender").isEqualTo(Map.of(401, 150));
    }

    /** 150 forged Acme webhooks from one address, 16 at a time: answers by status. */
    private static Map<Integer, Integer> burst(FromAddress from, byte[] body, String signature) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Map<Integer, Integer> statuses = new TreeMap<>();
        try {
            List<Future<FromAddress.Answer>> sent = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                sent.add(pool.submit(() -> from.post("/webhooks/acme", null, body, MonnifySignature.HEADER, signature)));
            }
            for (Future<FromAddress.Answer> f : sent) {
                FromAddress.Answer a = f.get(60, TimeUnit.SECONDS);
                if (a.status() == 429) {
                    assertThat(a.header("Retry-After")).isNotBlank();
                }
                statuses.merge(a.status(), 1, Integer::sum);
            }
        } finally {
            pool.shutdownNow();
        }
        return statuses;
    }
}
