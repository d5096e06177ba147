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
        // Connect's circuit is open: nothing can be sent to it, so the payment goes to the rule's next provider
        breaker("connect").transitionToForcedOpenState();
        JsonNode done;
        try {
            ObjectNode naira = payout(messageId("fallback"), "2085886393", "777.77");
            naira.remove("provider");
            JsonNode accepted = submit(naira);
            assertThat(accepted.path("provider").asText()).isEqualTo("connect");
            done = awaitStatus(accepted.path("paymentId").asText(), "SUCCEEDED");
        } finally {
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
    void anAnswerOfAnyKindEvenA503NeverAllowsAFallback() {
        // a gateway may answer 503 after Connect processed the transfer: the payment stays with Connect
        ObjectNode birr = ConnectTest.transfer("1000123456", "888.88");
        birr.remove("provider");
        JsonNode first;
        post("/sandbox/connect/_control/faults", "{\"failNext\": 1, \"failStatus\": 503, \"transfersOnly\": true}", null);
        try {
            first = awaitStatus(submit(birr).path("paymentId").asText(), "PENDING");
        } finally {
            post("/sandbox/connect/_control/faults", "{\"failNext\": 0}", null);
            closeCircuitBreaker("connect");
        }
        String id = first.path("paymentId").asText();
        String reference = first.path("providerReference").asText();
        JsonNode review = awaitStatus(id, "NEEDS_REVIEW");
        assertThat(review.path("provider").asText()).isEqualTo("connect");
        assertThat(MonnifyPayoutTest.eventTypes(id)).doesNotContain("FALLBACK");
        assertThat(monnify(reference).path("requests").asInt()).isZero();
        // Connect's status query finds nothing, but Connect declares no rule that makes a resend safe:
        // a person decides; the hub never sent it twice
        assertThat(review.path("reasonCode").asText()).isEqualTo("NOT_FOUND_AT_PROVIDER");
        assertThat(review.path("statusReason").asText()).contains("could pay twice");
        assertThat(ConnectTest.connect(reference).path("requests").asInt()).isLessThanOrEqualTo(1);
        assertThat(ConnectTest.connect(reference).path("executions").asInt()).isZero();
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
