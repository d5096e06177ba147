package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Card numbers (however written) and credentials (however their keys are spelt) are refused at every door
 * with a 400 naming the field, and afterwards no table and no log line holds any of them.
 */
@ExtendWith(OutputCaptureExtension.class)
class CardDataScanTest extends HubTestSupport {

    /** The marks the search looks for afterwards: none may be stored or logged anywhere. */
    private static final List<String> MARKS = List.of("4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111",
            "\uFF14\uFF11\uFF11\uFF11", "378282246310005", "5500 0000 0000 0004", "hunter2-top-secret");

    @Autowired
    JdbcClient jdbc;

    @Test
    void cardDataAndCredentialsAreRefusedAndNeverStoredOrLogged(CapturedOutput output) {
        List<java.util.function.Consumer<ObjectNode>> hostile = List.of(
                m -> m.put("narration", "card 4111 1111 1111 1111 exp 12/29"),
                m -> m.put("narration", "card 4111-1111-1111-1111"),
                m -> m.put("narration", "\uFF14\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11"),
                m -> m.put("narration", "amex 3782 822463 10005"),
                m -> ((ObjectNode) m.get("destination")).put("accountNumber", "4111-1111-1111-1111"),
                m -> ((ObjectNode) m.get("destination")).put("accountName", "5500 0000 0000 0004"),
                m -> ((ObjectNode) m.get("customer")).put("phone", "378282246310005"),
                m -> ((ObjectNode) m.get("customer")).put("email", "4111111111111111@example.com"),
                m -> ((ObjectNode) m.get("customer")).put("name", "Ada 4111111111111111"),
                m -> ((ObjectNode) m.get("metadata")).put("Card Number", "hunter2-top-secret"),
                m -> ((ObjectNode) m.get("metadata")).put("cvv ", "hunter2-top-secret"),
                m -> ((ObjectNode) m.get("metadata")).put("card_cvv", "hunter2-top-secret"),
                m -> ((ObjectNode) m.get("metadata")).put("pinBlock", "hunter2-top-secret"),
                m -> ((ObjectNode) m.get("metadata")).put("x-api-key", "hunter2-top-secret"),
                m -> ((ObjectNode) m.get("metadata")).put("passphrase", "hunter2-top-secret"),
                m -> ((ObjectNode) m.get("metadata")).put("customer_bvn", "hunter2-top-secret"),
                m -> ((ObjectNode) m.get("metadata")).set("nested", Json.object().put("Customer-Password", "hunter2-top-secret")),
                m -> ((ObjectNode) m.get("metadata")).put("note", "paid with 4111 1111 1111 1111"),
                m -> m.put("callbackUrl", "https://erp:hunter2-top-secret@example.com/hooks"),
                m -> m.put("cardNumber", "4111111111111111"));
        for (var change : hostile) {
            ObjectNode m = payout(messageId("pan"), "2085886393", "10.00");
            change.accept(m);
            Response r = post("/api/v1/payments", Json.write(m), CLIENT);
            HostileInputTest.problem(r, 400);
            assertThat(r.json().path("errors")).as(r.body()).isNotEmpty();
            MARKS.forEach(mark -> assertThat(r.body()).doesNotContain(mark));
        }
        // malformed JSON that happens to hold a card number, and the same through a webhook and the partner door
        Response broken = post("/api/v1/payments", "{\"narration\": \"4111111111111111\" oops}", CLIENT);
        HostileInputTest.problem(broken, 400);
        assertThat(broken.body()).doesNotContain("4111111111111111");
        postBytes("/webhooks/monnify", "{\"pan\": \"4111111111111111\"}".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json");
        post("/partners/connect/status-check", "{\"reference\": \"4111111111111111\", \"cvv\": \"hunter2-top-secret\"}",
                "connect-partner:partner-sandbox-password");

        // a Luhn-valid number is what is refused: a 16-digit reference that fails the check is fine
        ObjectNode fine = payout(messageId("not-pan"), "2085886393", "10.00").put("narration", "invoice 4111 1111 1111 1112");
        assertThat(post("/api/v1/payments", Json.write(fine), CLIENT).status()).isEqualTo(202);

        for (String table : jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                + " AND table_type = 'BASE TABLE'").query(String.class).list()) {
            for (String mark : MARKS) {
                long hits = jdbc.sql("SELECT count(*) FROM " + table + " t WHERE strpos(CAST(row_to_json(t) AS text), :mark) > 0")
                        .param("mark", mark).query(Long.class).single();
                assertThat(hits).as(table + " holding " + mark).isZero();
            }
        }
        MARKS.forEach(mark -> assertThat(output.getAll()).as("the log").doesNotContain(mark));
    }
}
