package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages that name no provider: the rules in mappings/routing.yaml choose, and a provider that was never
 * reached hands the payment to the next one of the rule, never one that may have received it.
 */
class RoutingTest extends HubTestSupport {

    private static final Path ROUTING = HOME.resolve("mappings/routing.yaml");
    private static String original;

    @BeforeAll
    static void addTestRules() throws Exception {
        original = Files.readString(ROUTING);
        Files.writeString(ROUTING, original.replace("rules:\n", """
                rules:
                  - name: test-fallback
                    when:
                      operation: PAYOUT
                      currency: NGN
                      amount: { min: "777.77", max: "777.77" }
                    providers: [connect, monnify]
                  - name: test-no-fallback-after-send
                    when:
                      operation: PAYOUT
                      currency: ETB
                      amount: { min: "888.88", max: "888.88" }
                    providers: [connect, monnify]
                """));
        Thread.sleep(400); // past the mappings' change check
    }

    @AfterAll
    static void restoreRules() throws Exception {
        Files.writeString(ROUTING, original);
    }

    @Test
    void aRuleChoosesTheProviderAndTheTimelineSaysWhich() {
        ObjectNode birr = ConnectTest.transfer("1000123456", "55.00");
        birr.remove("provider");
        JsonNode accepted = submit(birr);
        assertThat(accepted.path("provider").asText()).isEqualTo("connect");
        assertThat(accepted.path("routing").path("rule").asText()).isEqualTo("birr-bank-payouts");
        String id = accepted.path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        JsonNode routed = event(id, "ROUTED");
        assertThat(routed.path("detail").path("provider").asText()).isEqualTo("connect");
        assertThat(routed.path("detail").path("rule").asText()).isEqualTo("birr-bank-payouts");

        // a replay keeps what was decided
        Response replay = post("/api/v1/payments", Json.write(birr), CLIENT);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("paymentId").asText()).isEqualTo(id);

        ObjectNode wallet = Json.object();
        wallet.put("messageId", messageId("routed-wallet")).put("operation", "WALLET_OPEN").put("currency", "KES");
        wallet.set("customer", Json.object().put("name", "Routed Person").put("email", messageId("r") + "@example.com").put("phone", "254700000001"));
        assertThat(submit(wallet).path("provider").asText()).isEqualTo("waas");
    }

    @Test
    void aMessageNoRuleMatchesIsRefusedWithTheReason() {
        ObjectNode dollars = payout(messageId("usd"), "2085886393", "10.00");
        dollars.remove("provider");
        ((ObjectNode) dollars.get("amount")).put("currency", "USD");
        Response r = post("/api/v1/payments", Json.write(dollars), CLIENT);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().path("detail").asText()).contains("no routing rule matches operation PAYOUT, currency USD");
    }

    @Test
    void aProviderThatWasNeverReachedHandsThePaymentToTheNextOne() {
        // more than the attempts of one send (the first try and three redeliveries); the rest is cleared below
        post("/sandbox/connect/_control/faults", "{\"failNext\": 8, \"failStatus\": 503}", null);
        JsonNode done;
        try {
            ObjectNode naira = payout(messageId("fallback"), "2085886393", "777.77");
            naira.remove("provider");
            JsonNode accepted = submit(naira);
            assertThat(accepted.path("provider").asText()).isEqualTo("connect");
            done = awaitStatus(accepted.path("paymentId").asText(), "SUCCEEDED");
        } finally {
            post("/sandbox/connect/_control/faults", "{\"failNext\": 0}", null);
            closeCircuitBreaker("connect");
        }
        String id = done.path("paymentId").asText();
        assertThat(done.path("provider").asText()).isEqualTo("monnify");
        JsonNode fallback = event(id, "FALLBACK");
        assertThat(fallback.path("detail").path("from").asText()).isEqualTo("connect");
        assertThat(fallback.path("detail").path("to").asText()).isEqualTo("monnify");
        assertThat(fallback.path("detail").path("rule").asText()).isEqualTo("test-fallback");
        String reference = done.path("providerReference").asText();
        assertThat(monnify(reference).path("executions").asInt()).isEqualTo(1);
        assertThat(ConnectTest.connect(reference).path("requests").asInt()).isZero();
    }

    @Test
    void aProviderThatMayHaveReceivedThePaymentKeepsIt() {
        ObjectNode birr = ConnectTest.transfer("1000123461", "888.88"); // accepted, then answered 500
        birr.remove("provider");
        JsonNode done = awaitStatus(submit(birr).path("paymentId").asText(), "SUCCEEDED");
        assertThat(done.path("provider").asText()).isEqualTo("connect");
        assertThat(MonnifyPayoutTest.eventTypes(done.path("paymentId").asText())).doesNotContain("FALLBACK");
        String reference = done.path("providerReference").asText();
        assertThat(ConnectTest.connect(reference).path("requests").asInt()).isEqualTo(1);
        assertThat(monnify(reference).path("requests").asInt()).isZero();
    }

    private static JsonNode event(String id, String type) {
        for (JsonNode e : timeline(id).path("events")) {
            if (e.path("type").asText().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " in " + timeline(id));
    }
}
