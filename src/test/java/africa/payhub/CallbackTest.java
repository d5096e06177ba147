package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.callback.CallbackDelivery;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Signed callbacks to the enterprise system: every status change, retried, dead, redelivered. */
class CallbackTest extends HubTestSupport {

    private final CallbackReceiver receiver = CallbackReceiver.get();

    @Test
    void everyStatusChangeIsCalledBackSignedWithTheClientsSecret() {
        String path = "/hooks/" + messageId("ok");
        ObjectNode m = payout(messageId("cb"), "2085886393", "2500.00");
        m.put("callbackUrl", receiver.url(path));
        String id = submit(m).path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        await().untilAsserted(() -> assertThat(statusesCalledBack(path)).contains("SUCCEEDED"));

        List<CallbackReceiver.Received> got = receiver.receivedAt(path);
        assertThat(statusesCalledBack(path)).first().isEqualTo("SUBMITTED");
        assertThat(statusesCalledBack(path)).last().isEqualTo("SUCCEEDED");
        for (CallbackReceiver.Received r : got) {
            String expected = "sha256=" + CallbackDelivery.sign(r.body(), CALLBACK_SECRET.getBytes(StandardCharsets.UTF_8));
            assertThat(r.headers().get("X-Hub-Signature-256")).isEqualTo(expected);
            JsonNode event = Json.toNode(r.text());
            assertThat(r.headers().get("X-Hub-Event-Id")).isEqualTo(event.path("eventId").asText());
            assertThat(event.path("payment").path("paymentId").asText()).isEqualTo(id);
        }
        assertThat(got.stream().map(r -> r.headers().get("X-Hub-Event-Id")).distinct()).hasSize(got.size());
        JsonNode last = Json.toNode(got.get(got.size() - 1).text());
        assertThat(last.path("eventType").asText()).isEqualTo("payment.status.changed");
        assertThat(last.path("payment").path("amount").path("value").asText()).isEqualTo("2500.00");
    }

    @Test
    void aFailingReceiverIsRetriedOnTheLadder() {
        String path = "/hooks/" + messageId("flaky");
        receiver.failFirst(path, 2, 500);
        ObjectNode m = payout(messageId("cb-retry"), "1000000006", "10.00"); // invalid account: one change, to FAILED
        m.put("callbackUrl", receiver.url(path));
        String id = submit(m).path("paymentId").asText();
        awaitStatus(id, "FAILED");
        await().untilAsserted(() -> assertThat(callback(id, "FAILED").path("status").asText()).isEqualTo("DELIVERED"));
        // callbacks keep their order: SUBMITTED took the two failures, FAILED waited for it
        assertThat(callback(id, "SUBMITTED").path("attempts").asInt()).isEqualTo(3);
        assertThat(callback(id, "FAILED").path("attempts").asInt()).isEqualTo(1);
        assertThat(statusesCalledBack(path)).containsExactly("SUBMITTED", "SUBMITTED", "SUBMITTED", "FAILED");
        assertThat(MonnifyPayoutTest.eventTypes(id).stream().filter("CALLBACK_ATTEMPT"::equals)).hasSize(4);
    }

    @Test
    void afterTheLastRetryACallbackIsDeadUntilRedelivered() {
        String path = "/hooks/" + messageId("down");
        receiver.failFirst(path, 1000, 503);
        ObjectNode m = payout(messageId("cb-dead"), "1000000006", "10.00");
        m.put("callbackUrl", receiver.url(path));
        String id = submit(m).path("paymentId").asText();
        awaitStatus(id, "FAILED");
        await().untilAsserted(() -> assertThat(callback(id, "FAILED").path("status").asText()).isEqualTo("DEAD"));
        JsonNode dead = callback(id, "FAILED");
        assertThat(dead.path("attempts").asInt()).isEqualTo(4); // first try and three retries
        assertThat(dead.path("lastStatusCode").asInt()).isEqualTo(503);

        receiver.failFirst(path, 0, 200);
        String eventId = dead.path("eventId").asText();
        Response again = post("/api/v1/payments/" + id + "/events/" + eventId + "/redeliver", "", CLIENT);
        assertThat(again.status()).isEqualTo(202);
        await().untilAsserted(() -> assertThat(callback(id, "FAILED").path("status").asText()).isEqualTo("DELIVERED"));
        assertThat(MonnifyPayoutTest.eventTypes(id)).contains("CALLBACK_REDELIVERY");

        assertThat(post("/api/v1/payments/" + id + "/events/" + eventId + "/redeliver", "", OTHER_CLIENT).status()).isEqualTo(404);
        assertThat(post("/api/v1/payments/" + id + "/events/00000000-0000-0000-0000-000000000000/redeliver", "", CLIENT).status())
                .isEqualTo(404);
    }

    @Test
    void anUnreachableReceiverEndsDeadWithTheError() {
        ObjectNode m = payout(messageId("cb-refused"), "1000000006", "10.00");
        m.put("callbackUrl", "http://127.0.0.1:" + freePort() + "/nobody-listens");
        String id = submit(m).path("paymentId").asText();
        awaitStatus(id, "FAILED");
        await().untilAsserted(() -> assertThat(callback(id, "FAILED").path("status").asText()).isEqualTo("DEAD"));
        // the client learns that it failed, not how: no error class, no port or service detail
        assertThat(callback(id, "FAILED").path("lastError").asText()).isEqualTo("delivery failed");
    }

    private List<String> statusesCalledBack(String path) {
        return receiver.receivedAt(path).stream().map(r -> Json.toNode(r.text()).path("payment").path("status").asText()).toList();
    }

    /** The callback for the change to {@code status}, from the payment's timeline. */
    private static JsonNode callback(String id, String status) {
        JsonNode timeline = timeline(id);
        String eventId = null;
        for (JsonNode e : timeline.path("events")) {
            if (e.path("type").asText().equals("CALLBACK_QUEUED") && e.path("detail").path("status").asText().equals(status)) {
                eventId = e.path("detail").path("eventId").asText();
            }
        }
        for (JsonNode c : timeline.path("callbacks")) {
            if (c.path("eventId").asText().equals(eventId)) {
                return c;
            }
        }
        throw new AssertionError("no callback for " + status + " in " + timeline);
    }
}
