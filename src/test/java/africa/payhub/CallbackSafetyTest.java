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
                "http://[64:ff9b::7f00:1]/hook",                            // NAT64 of 127.0.0.1
                "http://[64:ff9b:1::a00:1]/hook",                           // local-use NAT64 of 10.0.0.1
                "http://[2002:7f00:1::]/hook",                              // 6to4 of 127.0.0.1
                "http://[2002:a9fe:a9fe::]/hook",                           // 6to4 of the metadata address
                "http://[::127.0.0.1]/hook",                                // IPv4-compatible
                "http://[::a00:1]/hook",
                "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",       // Teredo
                "http://2130706433/hook");                                  // 127.0.0.1 as one number
        for (String target : targets) {
            ObjectNode m = payout(messageId("ssrf"), "2085886393", "10.00").put("callbackUrl", target);
            Response r = post("/api/v1/payments", Json.write(m), PLAIN);
            HostileInputTest.problem(r, 400);
            assertThat(r.json().path("errors").get(0).path("field").asText()).as(target).isEqualTo("callbackUrl");
            assertThat(stored(m)).as(target).isZero();
            // a data request's callbackUrl is checked the same way, at acceptance
            String requestId = messageId("ssrf-dr");
            Response d = post("/api/v1/data-requests", Json.write(Json.object().put("requestId", requestId).put("kind", "INSIGHTS")
                    .put("businessId", "biz_ok").put("callbackUrl", target)), PLAIN);
            HostileInputTest.problem(d, 400);
            assertThat(d.json().path("errors").get(0).path("field").asText()).as(target).isEqualTo("callbackUrl");
            assertThat(jdbc.sql("SELECT count(*) FROM data_requests WHERE request_id = :r").param("r", requestId)
                    .query(Long.class).single()).as(target).isZero();
        }
        // a public IPv6 address, and one carrying a public IPv4 address, are fine
        assertThat(africa.payhub.callback.CallbackTargetsAccess.isPublic("2a00:1450:4001:81b::200e")).isTrue();
        assertThat(africa.payhub.callback.CallbackTargetsAccess.isPublic("64:ff9b::808:808")).isTrue();
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
            Response d = post("/api/v1/data-requests", Json.write(Json.object().put("requestId", messageId("userinfo-dr"))
                    .put("kind", "INSIGHTS").put("businessId", "biz_ok").put("callbackUrl", target)), CLIENT);
            HostileInputTest.problem(d, 400);
            assertThat(d.body()).doesNotContain("hunter2").doesNotContain("4111111111111111");
        }
        // a callback stored with credentials in its URL (before they were refused) is never shown with them
        String id = submit(payout(messageId("userinfo-old"), "2085886393", "10.00")
                .put("callbackUrl", receiver.url("/cb/" + messageId("old")))).path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        await().untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM notifications WHERE payment_id = :id")
                .param("id", id).query(Long.class).single()).isPositive());
        jdbc.sql("UPDATE notifications SET url = 'https://erp:hunter2@example.com/hooks?token=hunter2&x=1', status = 'DEAD'"
                + " WHERE payment_id = :id").param("id", id).update();
        Response listed = get("/api/v1/callbacks?status=DEAD&limit=100", CLIENT);
        assertThat(listed.body()).contains("https://example.com/hooks?token=[REDACTED]&x=1").doesNotContain("hunter2");
        assertThat(get("/api/v1/payments/" + id + "/events", CLIENT).body()).doesNotContain("hunter2");
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
