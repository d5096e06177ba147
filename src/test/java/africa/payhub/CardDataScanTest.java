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

    /**
     * Each way a card number was found to get in, each with a number of its own (so the search afterwards
     * knows what to look for): where it goes in a payment, and how it is written.
     */
    @Test
    void everyDoorRefusesCardNumbersHoweverWrittenAndNeverRepeatsThem(CapturedOutput output) {
        List<String[]> written = List.of(
                new String[] {"4916338506082832", "metadata key", "{\"metadata\":{\"4916338506082832\":\"x\"}}"},
                new String[] {"4012 8888 8888 1881", "metadata key, grouped", "{\"metadata\":{\"4012 8888 8888 1881\":1}}"},
                new String[] {"5105105105105100", "float with exponent", "{\"metadata\":{\"n\":5105105105105100e0}}"},
                new String[] {"4.242424242424242", "float, scientific", "{\"metadata\":{\"n\":4.242424242424242E15}}"},
                new String[] {"4000056655665556", "big integer", "{\"metadata\":{\"n\":[4000056655665556]}}"},
                new String[] {"5555.5555.5555.4444", "dots", "{\"narration\":\"card 5555.5555.5555.4444\"}"},
                new String[] {"3714/496353/98431", "slashes", "{\"narration\":\"3714/496353/98431\"}"},
                new String[] {"6011_0009_9013_9424", "underscores", "{\"narration\":\"6011_0009_9013_9424\"}"},
                new String[] {"6011,1111,1111,1117", "commas", "{\"narration\":\"6011,1111,1111,1117\"}"},
                new String[] {"3530    1113    3330    0000", "many spaces", "{\"narration\":\"3530    1113    3330    0000\"}"},
                new String[] {"5425\n2334\n3010\n9903", "line breaks", "{\"narration\":\"5425\\n2334\\n3010\\n9903\"}"},
                new String[] {"2223\u200b0000\u200b4841\u200b0010", "zero-width spaces",
                        "{\"narration\":\"2223\\u200b0000\\u200b4841\\u200b0010\"}"},
                new String[] {"4263\u00ad9826\u00ad4026\u00ad9299", "soft hyphens",
                        "{\"narration\":\"4263\\u00ad9826\\u00ad4026\\u00ad9299\"}"},
                new String[] {"49174845898971071229", "card number and expiry", "{\"narration\":\"ref 49174845898971071229\"}"},
                new String[] {"0004001919257537193", "padded", "{\"metadata\":{\"ref\":\"00004001919257537193\"}}"},
                new String[] {"hunter2-cyrillic", "Cyrillic key", "{\"metadata\":{\"\u0441vv\":\"hunter2-cyrillic\"}}"},
                new String[] {"4007702835532454", "message id", "{\"messageId\":\"4007702835532454\"}"},
                new String[] {"6362970000457013", "successUrl path", "{\"successUrl\":\"https://shop.example.com/ok/6362970000457013\"}"});
        for (String[] w : written) {
            ObjectNode m = payout(messageId("pan2"), "2085886393", "10.00");
            ObjectNode change = (ObjectNode) Json.toNode(w[2].replace("\\u0441", "\u0441"));
            change.fields().forEachRemaining(e -> {
                if (e.getValue().isObject() && m.get(e.getKey()) instanceof ObjectNode into) {
                    into.setAll((ObjectNode) e.getValue());
                } else {
                    m.set(e.getKey(), e.getValue());
                }
            });
            // numbers are sent as they are written, not as Jackson would write them again
            String body = Json.write(m).replace("\"n\":5105105105105100", "\"n\":5105105105105100e0")
                    .replace("\"n\":4242424242424242", "\"n\":4.242424242424242E15");
            Response r = post("/api/v1/payments", body, CLIENT);
            HostileInputTest.problem(r, 400);
            assertThat(r.json().path("errors")).as(w[1] + ": " + r.body()).isNotEmpty();
            if (digits(w[0]).length() >= 15) {
                assertThat(r.body()).as(w[1]).doesNotContain(digits(w[0]).substring(4, 12));
            }
        }
        // the other resources: a batch's item, data requests, lookups, authorizations, resolutions, operator
        // calls and the card endpoint's other fields
        ObjectNode batch = Json.object().put("messageId", messageId("pan-batch")).put("operation", "PAYOUT_BATCH")
                .put("provider", "monnify");
        batch.putArray("items").addObject().put("itemId", "4111111111111111")
                .set("amount", Json.object().put("value", "10.00").put("currency", "NGN"));
        refused(post("/api/v1/payments", Json.write(batch), CLIENT));
        refused(post("/api/v1/data-requests", "{\"requestId\":\"r1\",\"kind\":\"INSIGHTS\",\"businessId\":\"4111111111111111\"}", CLIENT));
        refused(post("/api/v1/data-requests", "{\"requestId\":\"r2\",\"kind\":\"BUSINESSES\",\"email\":\"4111-1111-1111-1111@example.com\"}", CLIENT));
        refused(post("/api/v1/lookups", "{\"provider\":\"connect\",\"account\":{\"type\":\"WALLET\",\"email\":\"4111111111111111@x.io\"}}", CLIENT));
        refused(post("/api/v1/payments/abc/authorization", "{\"authorizationCode\":\"4111 1111 1111 1111\"}", CLIENT));
        refused(post("/api/v1/payments/abc/resolution", "{\"status\":\"FAILED\",\"reason\":\"card 4111111111111111\"}", OPERATOR));
        refused(post("/api/v1/providers/monnify/create-wallet", "{\"walletName\":\"4111111111111111\"}", OPERATOR));
        refused(post("/api/v1/payments/abc/card", "{\"pan\":\"4111111111111111\",\"note\":\"4111111111111111\"}", CLIENT));
        refused(get("/api/v1/payments?messageId=4111111111111111", CLIENT));
        refused(get("/api/v1/payments/4111111111111111", CLIENT));
        // a card posted where a card belongs is not refused by the scan (this payment does not exist: 404)
        Response card = post("/api/v1/payments/abc/card", "{\"pan\":\"4111111111111111\",\"expiryMonth\":\"09\","
                + "\"expiryYear\":\"2030\",\"cvv\":\"123\",\"pin\":\"1234\"}", CLIENT);
        assertThat(card.status()).as(card.body()).isNotEqualTo(400).isEqualTo(404);

        // the 404 of a payment named by another does not repeat the name
        for (String field : List.of("reversalOf", "refundOf")) {
            ObjectNode m = Json.object().put("messageId", messageId("echo")).put("operation", field.equals("reversalOf")
                    ? "REVERSAL" : "REFUND").put("provider", field.equals("reversalOf") ? "waas" : "monnify").put(field, "zq-77-secretish");
            Response r = post("/api/v1/payments", Json.write(m), CLIENT);
            assertThat(r.status()).as(r.body()).isEqualTo(404);
            assertThat(r.body()).doesNotContain("zq-77-secretish");
        }
        ObjectNode cancel = Json.object().put("messageId", messageId("echo")).put("operation", "CANCEL").put("provider", "dollr")
                .put("cancelOf", "zq-77-secretish");
        Response r = post("/api/v1/payments", Json.write(cancel), CLIENT);
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("zq-77-secretish");

        // what is not a card number passes: an account number, a phone, a reference failing the check, a date
        ObjectNode fine = payout(messageId("not-pan2"), "2085886393", "10.00")
                .put("narration", "acct 0123456789 tel +2348012345678 on 2024/11/15");
        ((ObjectNode) fine.get("metadata")).put("invoice", "4111 1111 1111 1112").put("amount", 12500.5);
        assertThat(post("/api/v1/payments", Json.write(fine), CLIENT).status()).isEqualTo(202);

        String log = output.getAll();
        for (String[] w : written) {
            assertThat(log).as(w[1]).doesNotContain(w[0]);
            if (digits(w[0]).length() < 15) {
                continue;
            }
            assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE strpos(CAST(message AS text), :m) > 0")
                    .param("m", digits(w[0]).substring(0, 8)).query(Long.class).single()).as(w[1]).isZero();
        }
    }

    private static void refused(Response r) {
        HostileInputTest.problem(r, 400);
        assertThat(r.body()).doesNotContain("41111111").doesNotContain("4111 1111").doesNotContain("4111-1111");
    }

    private static String digits(String written) {
        return written.replaceAll("\\\\u[0-9a-f]{4}|[^0-9]", "");
    }

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
        // a partner's confirmation, whose parts become its event key, a recorded webhook and a log line
        post("/partners/connect/status-check", "{\"reference\": \"4111 1111 1111 1111\", \"status\": \"4111-1111-1111-1111\","
                + " \"transaction_id\": \"4111111111111111\", \"amount\": \"1.00\", \"currency\": \"ETB\"}",
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
