package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.sandbox.payflux.PayfluxSandbox;
import africa.sandbox.payflux.PayfluxSignature;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sixth provider defined by files alone (src/test/resources/hub-home: its declaration and mappings; its
 * simulator, africa.sandbox.payflux): the hub logs in at Payflux's identity host (another host than its API)
 * with an OAuth 2.0 client-credentials grant, the client authenticated by HTTP Basic with a form body, pays out,
 * and settles the payout by Payflux's webhook, signed with an HMAC-SHA256 over "timestamp.body". A webhook with
 * a wrong signature, one signed outside the five-minute window, and a replay change nothing.
 */
class PayfluxTest extends HubTestSupport {

    private static final String SECRET = "pf-webhook-sandbox-secret-0001";

    @Autowired
    JdbcClient jdbc;

    static ObjectNode payoutTo(String messageId, String account, String amount) {
        ObjectNode m = payout(messageId, account, amount);
        m.put("provider", "payflux");
        return m;
    }

    @Test
    void itLogsInAtItsIdentityHostPaysAndSettlesByWebhook() throws Exception {
        // only Payflux's webhook may settle it here: no status query runs meanwhile
        camelContext.getRouteController().stopRoute("polling");
        String id;
        try {
            id = submit(payoutTo(messageId("payflux"), "0123456789", "1250.50")).path("paymentId").asText();
            JsonNode done = awaitStatus(id, "SUCCEEDED");
            assertThat(done.path("provider").asText()).isEqualTo("payflux");
        } finally {
            camelContext.getRouteController().startRoute("polling");
        }
        JsonNode seen = Json.toNode(get("/sandbox/payflux/_control/seen", null).body());
        assertThat(texts(seen.path("tokenHosts"))).isNotEmpty().allMatch(h -> h.startsWith("127.0.0.1:"));
        assertThat(texts(seen.path("apiHosts"))).isNotEmpty().allMatch(h -> h.startsWith("localhost:"));
        String reference = payment(id).path("providerReference").asText();
        assertThat(seen.path("payouts").path(reference).path("status").asText()).isEqualTo("completed");
        assertThat(jdbc.sql("SELECT outcome FROM provider_webhooks WHERE payment_id = :id AND signature_valid")
                .param("id", id).query(String.class).list()).containsExactly("APPLIED");
    }

    @Test
    void aWrongSignatureAnExpiredTimestampAndAReplayChangeNothing() {
        String id = submit(payoutTo(messageId("payflux-held"), PayfluxSandbox.HELD, "40.00")).path("paymentId").asText();
        await().until(() -> payment(id).path("providerReference").isTextual()
                && timeline(id).toString().contains("PROVIDER_RESPONSE"));
        String reference = payment(id).path("providerReference").asText();
        byte[] body = ("{\"id\":\"evt_" + reference + "\",\"type\":\"payout.completed\",\"data\":{\"id\":\"po_held\","
                + "\"reference\":\"" + reference + "\",\"status\":\"completed\",\"amount\":\"40.00\",\"currency\":\"NGN\"}}")
                .getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();

        Response forged = deliver(body, now, PayfluxSignature.sign(now, body, "not-payflux-s-secret-000000"));
        assertThat(forged.status()).isEqualTo(401);
        Response moved = deliver(body, now + 1, PayfluxSignature.sign(now, body, SECRET));
        assertThat(moved.status()).as("a timestamp changed after signing").isEqualTo(401);
        Response expired = deliver(body, now - 301, PayfluxSignature.sign(now - 301, body, SECRET));
        assertThat(expired.status()).as(expired.body()).isEqualTo(401);
        Response early = deliver(body, now + 400, PayfluxSignature.sign(now + 400, body, SECRET));
        assertThat(early.status()).isEqualTo(401);
        assertThat(payment(id).path("status").asText()).isEqualTo("PENDING");
        assertThat(outcomes(reference)).containsExactly("REJECTED_SIGNATURE", "REJECTED_SIGNATURE", "REJECTED_TIMESTAMP",
                "REJECTED_TIMESTAMP");

        String signature = PayfluxSignature.sign(now, body, SECRET);
        Response genuine = deliver(body, now, signature);
        assertThat(genuine.status()).as(genuine.body()).isEqualTo(200);
        assertThat(genuine.json().path("result").asText()).isEqualTo("APPLIED");
        assertThat(payment(id).path("status").asText()).isEqualTo("SUCCEEDED");

        // the same request again, inside the window: recognised, answered as a duplicate, nothing changes
        Response replay = deliver(body, now, signature);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("result").asText()).isEqualTo("DUPLICATE");
        assertThat(payment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(jdbc.sql("SELECT count(*) FROM provider_webhooks WHERE payment_id = :id AND outcome = 'APPLIED'")
                .param("id", id).query(Integer.class).single()).isEqualTo(1);
    }

    private static Response deliver(byte[] body, long timestamp, String signature) {
        return postBytes("/webhooks/payflux", body, "Content-Type", "application/json",
                PayfluxSignature.TIMESTAMP, String.valueOf(timestamp), PayfluxSignature.SIGNATURE, signature);
    }

    /** What the hub recorded of the refused webhooks naming {@code reference}, in order (by their body's hash). */
    private List<String> outcomes(String reference) {
        return jdbc.sql("SELECT outcome FROM provider_webhooks WHERE provider = 'payflux' AND NOT signature_valid"
                        + " AND body_sha256 = :sha ORDER BY id")
                .param("sha", Json.sha256(("{\"id\":\"evt_" + reference + "\",\"type\":\"payout.completed\",\"data\":{\"id\":"
                        + "\"po_held\",\"reference\":\"" + reference + "\",\"status\":\"completed\",\"amount\":\"40.00\","
                        + "\"currency\":\"NGN\"}}").getBytes(StandardCharsets.UTF_8)))
                .query(String.class).list();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
