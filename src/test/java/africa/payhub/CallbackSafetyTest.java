package africa.payhub;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Callbacks cannot be aimed at the hub's own network (SSRF), do not follow redirects, tell the client only
 * that a delivery failed, and a receiver that hangs delays only its own client.
 */
class CallbackSafetyTest extends HubTestSupport {

    private static final String PLAIN = "plain-erp:plain-erp-secret-00000000000000000000";

    private final CallbackReceiver receiver = CallbackReceiver.get();

    @Autowired
    JdbcClient jdbc;

    @Autowired
    africa.payhub.callback.CallbackDelivery callbacks;

    @Test
    void loopbackPrivateLinkLocalAndMetadataTargetsAreRefusedAtTheDoor() {
        List<String> targets = List.of(
                BASE + "/sandbox/monnify/_control/faults",           // the hub itself
                "http://localhost:" + PORT + "/actuator/health",
                "http://127.0.0.1:5432/",
                "http://[::1]/",
                "http://0.0.0.0:8080/",
                "http://10.1.2.3/hook",
                "http://192.168.0.10/hook",
                "http://172.16.5.4/hook",
                "http://100.64.0.1/hook",
                "http://169.254.169.254/latest/meta-data/",
                "http://[fd00::1]/hook",
                "http://[::ffff:127.0.0.1]/hook",
                "http://2130706433/hook");                                  // 127.0.0.1 as one number
        for (String target : targets) {
            ObjectNode m = payout(messageId("ssrf"), "2085886393", "10.00").put("callbackUrl", target);
            Response r = post("/api/v1/payments", Json.write(m), PLAIN);
            HostileInputTest.problem(r, 400);
            assertThat(r.json().path("errors").get(0).path("field").asText()).as(target).isEqualTo("callbackUrl");
            assertThat(stored(m)).as(target).isZero();
        }
        // a client allowed private receivers (the test receiver is on loopback) still never reaches metadata
        ObjectNode metadata = payout(messageId("ssrf-md"), "2085886393", "10.00")
                .put("callbackUrl", "http://169.254.169.254/latest/meta-data/iam");
        HostileInputTest.problem(post("/api/v1/payments", Json.write(metadata), CLIENT), 400);
    }

    @Test
    void credentialsInACallbackUrlAreRefused() {
        for (String target : List.of("https://erp:hunter2@example.com/hooks", "https://example.com/hooks?password=hunter2",
                "https://example.com/hooks?api_key=abc", "https://example.com/hooks?Card%20Number=4111111111111111")) {
            ObjectNode m = payout(messageId("userinfo"), "2085886393", "10.00").put("callbackUrl", target);
            Response r = post("/api/v1/payments", Json.write(m), CLIENT);
            HostileInputTest.problem(r, 400);
            assertThat(r.body()).doesNotContain("hunter2").doesNotContain("4111111111111111");
            assertThat(stored(m)).isZero();
        }
    }

    @Test
    void aConfiguredLoopbackTargetIsRefusedAgainAtDeliveryAndTheClientSeesOnlyThatItFailed() {
        // plain-erp's configured callback-url is on loopback: not checked at the door (no callbackUrl in the
        // message), refused before delivery
        ObjectNode m = payout(messageId("ssrf-cfg"), "1000000006", "10.00");
        String id = post("/api/v1/payments", Json.write(m), PLAIN).json().path("paymentId").asText();
        await().untilAsserted(() -> {
            JsonNode callbacks = get("/api/v1/payments/" + id + "/events", PLAIN).json().path("callbacks");
            assertThat(callbacks).isNotEmpty();
            assertThat(callbacks.get(0).path("status").asText()).isEqualTo("DEAD");
        });
        JsonNode timeline = get("/api/v1/payments/" + id + "/events", PLAIN).json();
        JsonNode first = timeline.path("callbacks").get(0);
        assertThat(first.path("lastError").asText()).isEqualTo("delivery failed");
        assertThat(first.has("lastStatusCode") && !first.path("lastStatusCode").isNull()).isFalse();
        assertThat(timeline.toString()).doesNotContain("ConnectException").doesNotContain("Refused");
    }

    @Test
    void redirectsAreNotFollowed() {
        String path = "/hooks/" + messageId("redirect");
        String elsewhere = "/hooks/" + messageId("redirected-to");
        receiver.redirect(path, receiver.url(elsewhere));
        ObjectNode m = payout(messageId("cb-redirect"), "1000000006", "10.00").put("callbackUrl", receiver.url(path));
        String id = submit(m).path("paymentId").asText();
        await().untilAsserted(() -> assertThat(receiver.receivedAt(path)).hasSizeGreaterThanOrEqualTo(2));
        assertThat(receiver.receivedAt(elsewhere)).isEmpty();
        JsonNode callback = timeline(id).path("callbacks").get(0);
        assertThat(callback.path("status").asText()).isNotEqualTo("DELIVERED");
        assertThat(callback.path("lastStatusCode").asInt()).isEqualTo(302);
    }

    @Test
    void aReceiverThatHangsDelaysOnlyItsOwnClient() {
        String slow = "/slow-" + messageId("tenant") + "/";
        CallbackReceiver.Hold hold = receiver.hold(slow);
        try {
            // other-erp: twenty payments whose receiver hangs
            List<String> theirs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ObjectNode m = payout(messageId("slow"), "2085886393", "1.00").put("callbackUrl", receiver.url(slow + i));
                Response r = post("/api/v1/payments", Json.write(m), OTHER_CLIENT);
                assertThat(r.status()).as(r.body()).isEqualTo(202);
                theirs.add(r.json().path("paymentId").asText());
            }
            await().until(() -> hold.held() > 0);

            // demo-erp's callback is delivered while other-erp's receiver still holds its requests
            String mine = "/fast/" + messageId("tenant");
            String id = submit(payout(messageId("fast"), "2085886393", "1.00").put("callbackUrl", receiver.url(mine)))
                    .path("paymentId").asText();
            java.util.concurrent.atomic.AtomicInteger theirSenders = new java.util.concurrent.atomic.AtomicInteger();
            // (the receiver has it before the hub has its answer and marks it DELIVERED)
            await().untilAsserted(() -> {
                theirSenders.accumulateAndGet(callbacks.inFlight("other-erp"), Math::max);
                assertThat(receiver.receivedAt(mine)).isNotEmpty();
                assertThat(timeline(id).path("callbacks").get(0).path("status").asText()).isEqualTo("DELIVERED");
            });
            assertThat(hold.held()).isPositive();
            // other-erp never had more than its share of the hub's senders (hub.callbacks.per-client-concurrency: 4)
            assertThat(theirSenders.get()).isBetween(1, 4);
        } finally {
            hold.release();
        }
    }

    private long stored(ObjectNode m) {
        return jdbc.sql("SELECT count(*) FROM payments WHERE message_id = :m")
                .param("m", m.path("messageId").asText()).query(Long.class).single();
    }
}
