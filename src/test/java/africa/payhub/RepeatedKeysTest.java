package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key repeated in one JSON object, read by who wrote it (see {@link Json}): a client's message that repeats
 * one is refused, since two readers could take it two ways; a provider's answer that repeats one is read as
 * its document reads it, the last value winning. Lipad's documented reversal answer (wallet-as-a-service.txt
 * lines 300-340, {@code "transaction_id"} twice in {@code destination_transaction}), served verbatim by the
 * WaaS simulator, reverses the original payment end to end.
 */
class RepeatedKeysTest extends HubTestSupport {

    /** The document's reversal example, byte for byte (mappings/waas/fixtures/docs/index.yaml). */
    static final Path LIPAD_REVERSAL = Path.of("mappings/waas/fixtures/docs/0300-0340.reversal.response.json");

    private final CallbackReceiver receiver = CallbackReceiver.get();

    @Test
    void aClientMessageRepeatingAKeyIsRefusedWithAProblem() {
        String id = messageId("twice");
        String twice = "{\"messageId\": \"" + id + "\", \"operation\": \"PAYOUT\", \"provider\": \"monnify\","
                + " \"amount\": {\"value\": \"10.00\", \"currency\": \"NGN\"}, \"amount\": {\"value\": \"10000.00\", \"currency\": \"NGN\"},"
                + " \"destination\": {\"type\": \"BANK_ACCOUNT\", \"accountNumber\": \"2085886393\", \"bankCode\": \"057\"}}";
        Response r = post("/api/v1/payments", twice, CLIENT);
        HostileInputTest.problem(r, 400);
        assertThat(r.body()).contains("amount");
        assertThat(get("/api/v1/payments?messageId=" + id, CLIENT).json().path("payments")).isEmpty();
    }

    @Test
    void lipadsDocumentedReversalAnswerServedVerbatimReversesTheOriginal() throws Exception {
        byte[] documented = Files.readAllBytes(LIPAD_REVERSAL);
        String text = new String(documented, java.nio.charset.StandardCharsets.UTF_8);
        // the example as the document prints it: transaction_id twice in destination_transaction (lines 321, 338)
        String destination = text.substring(text.indexOf("\"destination_transaction\""));
        assertThat(destination.split("\"transaction_id\"", -1)).hasSize(3);

        String path = "/hooks/" + messageId("lipad-reversal");
        String wallet = openWallet();
        // the document's reversal moved 997.0000 KES: the original is a credit of that amount
        ObjectNode credit = Json.object();
        credit.put("messageId", messageId("credit-997"));
        credit.put("operation", "WALLET_CREDIT");
        credit.put("provider", "waas");
        credit.set("amount", Json.object().put("value", "997.00").put("currency", "KES"));
        credit.set("destination", Json.object().put("type", "WALLET").put("accountNumber", wallet));
        credit.put("narration", "Top-up");
        credit.put("callbackUrl", receiver.url(path));
        String original = submit(credit).path("paymentId").asText();
        String postedId = awaitStatus(original, "SUCCEEDED").path("result").path("providerTransactionId").asText();

        Response scripted = postBytes("/sandbox/waas/_control/transactions/" + postedId + "/reversal-answer", documented,
                "Content-Type", "application/json");
        assertThat(scripted.status()).as(scripted.body()).isEqualTo(200);

        ObjectNode reversal = Json.object();
        reversal.put("messageId", messageId("reversal-997"));
        reversal.put("operation", "REVERSAL");
        reversal.put("provider", "waas");
        reversal.put("reversalOf", original);
        reversal.put("callbackUrl", receiver.url(path));
        String reversalId = submit(reversal).path("paymentId").asText();

        JsonNode reversed = awaitStatus(reversalId, "SUCCEEDED");
        // what the document says: the reversal's debit leg 7609 of 997.0000 KES, the credit leg 7610
        assertThat(reversed.path("result").path("providerTransactionId").asText()).isEqualTo("7609");
        assertThat(reversed.path("result").path("destination").path("providerTransactionId").asText()).isEqualTo("7610");
        assertThat(reversed.path("result").path("source").path("previousBalance").asText()).isEqualTo("1093.0000");
        assertThat(payment(original).path("status").asText()).isEqualTo("REVERSED");
        assertThat(payment(original).path("reasonCode").asText()).isEqualTo("REVERSED_ON_REQUEST");
        // the answer the hub read is on the reversal's timeline as it came
        assertThat(timeline(reversalId).toString()).contains("PROVIDER_RESPONSE").contains("RVS21212adas");

        // both payments are called back: the reversal SUCCEEDED, the original REVERSED
        Awaitility.await().untilAsserted(() -> assertThat(receiver.receivedAt(path).stream()
                .map(r -> Json.toNode(r.text()).path("payment"))
                .map(p -> p.path("paymentId").asText() + ":" + p.path("status").asText()).toList())
                .contains(reversalId + ":SUCCEEDED", original + ":REVERSED"));
    }

    private static String openWallet() {
        ObjectNode open = Json.object();
        open.put("messageId", messageId("open"));
        open.put("operation", "WALLET_OPEN");
        open.put("provider", "waas");
        open.put("currency", "KES");
        open.set("customer", Json.object().put("name", "Wanjiru Kamau").put("email", messageId("wanjiru") + "@example.com")
                .put("phone", "254712345678"));
        return awaitStatus(submit(open).path("paymentId").asText(), "SUCCEEDED").path("result").path("accountNumber").asText();
    }
}
