package africa.payhub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;

import static africa.payhub.MonnifyCollectionTest.collection;
import static africa.payhub.MonnifyCollectionTest.postCard;
import static africa.payhub.MonnifyCollectionTest.sandbox;
import static africa.payhub.MonnifyCollectionTest.started;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations of monnify-api-reference.txt the hub carried last, told over HTTP against the simulator:
 * 3-D Secure authorized through Authorize 3DS Card in the card's own request; an account reserved for
 * invoices; the listings (invoices, single and bulk transfers) and Get Transaction Status as operator calls;
 * a reserved account's BVN, sent and never kept or logged; and the two places where the hub's default is an
 * ASSUMPTION beside the document's form (a collection's status query, a card's OTP), each run both ways.
 */
@ExtendWith(OutputCaptureExtension.class)
class MonnifyDocumentedOperationsTest extends HubTestSupport {

    private static final String SECURE_CARD = "4000000000000002";
    private static final String OTP_CARD = "5060995994247093";

    @Autowired
    ConfigurableEnvironment env;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aCardNeeding3dsIsAuthorizedThroughItsOwnCallInTheSameRequestThenTheBankConfirms() {
        JsonNode secure = started(collection("CARD", "175.00"));
        String id = secure.path("paymentId").asText();
        JsonNode waiting = postCard(id, SECURE_CARD, null).json();
        assertThat(waiting.path("status").asText()).isEqualTo("PENDING");
        assertThat(waiting.path("reasonCode").asText()).isEqualTo("AWAITING_3DS");
        assertThat(waiting.path("result").path("redirectUrl").asText()).startsWith("https://sandbox.sdk.monnify.com/3ds/MNFY|");
        String reference = secure.path("providerReference").asText();
        assertThat(sandbox(reference).path("charges").asInt()).isEqualTo(1);
        assertThat(sandbox(reference).path("secure3dAuthorizations").asInt()).isEqualTo(1);
        List<String> calls = requests(id);
        assertThat(calls).containsSubsequence("POST /api/v1/merchant/cards/charge", "POST /api/v1/sdk/cards/secure-3d/authorize");
        assertThat(timeline(id).toString()).doesNotContain(SECURE_CARD);

        post("/sandbox/monnify/_control/collections/" + reference + "/3ds", "", null);
        awaitStatus(id, "SUCCEEDED");
    }

    @Test
    void aCollectionsStatusIsAskedByOurReferenceOrAsTheDocumentAsksItByMonnifysReference() {
        for (String form : List.of("payment-reference", "transaction-reference")) {
            try {
                set("collections.status-query", form);
                JsonNode p = started(collection("CHECKOUT", "300.00"));
                String id = p.path("paymentId").asText();
                // paid without a webhook: only the status query can tell
                Response paid = post("/sandbox/monnify/_control/collections/" + p.path("providerReference").asText() + "/pay",
                        "{\"amount\": \"300.00\", \"webhook\": false}", null);
                assertThat(paid.status()).as(paid.body()).isEqualTo(200);
                JsonNode done = awaitStatus(id, "SUCCEEDED");
                assertThat(done.path("result").path("amountPaid").asText()).isEqualTo("300.00");
                String expected = form.equals("payment-reference")
                        ? "GET /api/v2/merchant/transactions/query?paymentReference=" + p.path("providerReference").asText()
                        : "GET /api/v2/transactions/" + ReservedAccountsTest.encoded(p.path("result").path("transactionReference").asText());
                assertThat(requests(id)).as(form).contains(expected);
            } finally {
                unset("collections.status-query");
            }
        }
    }

    @Test
    void aCardsOtpGoesWhereTheHubAssumesOrWhereTheDocumentPostsIt() {
        for (String form : List.of("otp-path", "charge-path")) {
            try {
                set("cards.otp-authorize", form);
                JsonNode p = started(collection("CARD", "150.00"));
                String id = p.path("paymentId").asText();
                assertThat(postCard(id, OTP_CARD, null).json().path("reasonCode").asText()).isEqualTo("AWAITING_AUTHORIZATION");
                Response released = post("/api/v1/payments/" + id + "/authorization", "{\"otp\": \"123456\"}", CLIENT);
                assertThat(released.status()).as(released.body()).isEqualTo(200);
                assertThat(released.json().path("status").asText()).isEqualTo("SUCCEEDED");
                // the last POST (the poller's status queries are GETs, and may come in between)
                List<String> posts = requests(id).stream().filter(c -> c.startsWith("POST ")).toList();
                assertThat(posts.get(posts.size() - 1)).as(form).isEqualTo(form.equals("otp-path")
                        ? "POST /api/v1/merchant/cards/otp/authorize" : "POST /api/v1/merchant/cards/charge");
                assertThat(sandbox(p.path("providerReference").asText()).path("otpAuthorizations").asInt()).isEqualTo(1);
                assertThat(sandbox(p.path("providerReference").asText()).path("charges").asInt()).isEqualTo(1);
            } finally {
                unset("cards.otp-authorize");
            }
        }
    }

    @Test
    void anAccountReservedForInvoicesIsMadeInactiveAndPaidThroughTheInvoiceThatNamesIt() {
        ObjectNode open = Json.object().put("messageId", messageId("va-invoice")).put("operation", "VIRTUAL_ACCOUNT_OPEN")
                .put("provider", "monnify").put("currency", "NGN");
        open.set("customer", Json.object().put("name", "Jane Doe").put("email", "jane@example.com"));
        open.set("virtualAccount", Json.object().put("type", "INVOICE"));
        JsonNode opened = awaitStatus(submit(open).path("paymentId").asText(), "SUCCEEDED");
        assertThat(opened.path("result").path("reservedAccountType").asText()).isEqualTo("INVOICE");
        assertThat(opened.path("result").path("status").asText()).isEqualTo("INACTIVE");
        String accountNumber = opened.path("result").path("accounts").path(0).path("accountNumber").asText();
        assertThat(accountNumber).matches("[0-9]{10}");
        assertThat(requests(opened.path("paymentId").asText())).contains("POST /api/v1/bank-transfer/reserved-accounts");

        String reference = opened.path("result").path("accountReference").asText();
        JsonNode invoice = awaitStatus(submit(ReservedAccountsTest.invoice(messageId("inv-va"), "999.00", reference))
                .path("paymentId").asText(), "PENDING");
        assertThat(invoice.path("result").path("accountNumber").asText()).isEqualTo(accountNumber);
        ReservedAccountsTest.pay(invoice.path("providerReference").asText(), "{}");
        awaitStatus(invoice.path("paymentId").asText(), "SUCCEEDED");

        // an account reserved for invoices is at one bank with no split of its own: asking for either is a 400
        ObjectNode mixed = open.deepCopy().put("messageId", messageId("va-invoice-banks"));
        ((ObjectNode) mixed.get("virtualAccount")).set("preferredBanks", Json.NODES.arrayNode().add("035"));
        Response refused = post("/api/v1/payments", Json.write(mixed), CLIENT);
        HostileInputTest.problem(refused, 400);
        assertThat(refused.body()).contains("virtualAccount").contains("GENERAL");
    }

    @Test
    void theListingsAndTheTransactionStatusAreOperatorCalls() {
        // Get Transaction Status by Monnify's reference, of a collection paid on the checkout page
        JsonNode p = started(collection("CHECKOUT", "420.00"));
        MonnifyCollectionTest.customerPays(p.path("providerReference").asText(), "420.00");
        String transactionReference = awaitStatus(p.path("paymentId").asText(), "SUCCEEDED").path("result")
                .path("transactionReference").asText();
        JsonNode status = operator("GET", "transaction-status?transactionReference=" + ReservedAccountsTest.encoded(transactionReference));
        assertThat(status.path("paymentStatus").asText()).isEqualTo("PAID");
        assertThat(status.path("amountPaid").asText()).isEqualTo("420.00");
        assertThat(status.path("paymentReference").asText()).isEqualTo(p.path("providerReference").asText());

        // Get All Invoices lists an invoice just made
        JsonNode invoice = awaitStatus(submit(ReservedAccountsTest.invoice(messageId("inv-list"), "310.00", null))
                .path("paymentId").asText(), "PENDING");
        JsonNode invoices = operator("GET", "invoices?size=1000");
        assertThat(invoices.path("invoices").findValuesAsText("invoiceReference")).contains(invoice.path("providerReference").asText());

        // single transfers (a payout) and bulk transfers (a batch, whose items are not single transfers)
        JsonNode payout = awaitStatus(submit(payout(messageId("single"), "2085886393", "75.00")).path("paymentId").asText(), "SUCCEEDED");
        Response batch = post("/api/v1/payments", Json.write(BatchPayoutTest.batch(messageId("bulk"), 2, 0)), CLIENT);
        assertThat(batch.status()).as(batch.body()).isEqualTo(202);
        String batchId = batch.json().path("batchId").asText();
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(get("/api/v1/batches/" + batchId, CLIENT).json()
                .path("providerReference").asText()).isNotBlank());
        JsonNode submitted = get("/api/v1/batches/" + batchId, CLIENT).json();
        String itemReference = payment(submitted.path("items").path(0).path("paymentId").asText()).path("providerReference").asText();

        JsonNode singles = operator("GET", "single-transfers?pageSize=100&pageNo=0");
        List<String> references = singles.path("transactions").findValuesAsText("reference");
        assertThat(references).contains(payout.path("providerReference").asText()).doesNotContain(itemReference);
        JsonNode bulks = operator("GET", "bulk-transfers?pageSize=100&pageNo=0");
        JsonNode listed = null;
        for (JsonNode b : bulks.path("batches")) {
            if (b.path("batchReference").asText().equals(submitted.path("providerReference").asText())) {
                listed = b;
            }
        }
        assertThat(listed).as(bulks.toString()).isNotNull();
        assertThat(listed.path("totalTransactionsCount").asInt()).isEqualTo(2);
        assertThat(new java.math.BigDecimal(listed.path("totalAmount").asText())).isEqualByComparingTo("501.00");
    }

    @Test
    void aReservedAccountsBvnReachesMonnifyAndNowhereElse(CapturedOutput output) {
        String bvn = "22387105946";
        JsonNode opened = awaitStatus(ReservedAccountsTest.open(messageId("va-bvn"), null, List.of("035")).path("paymentId").asText(),
                "SUCCEEDED");
        String reference = opened.path("result").path("accountReference").asText();
        Response updated = ReservedAccountsTest.send("PUT", "/api/v1/providers/monnify/update-reserved-account-bvn",
                "{\"accountReference\": \"" + reference + "\", \"bvn\": \"" + bvn + "\"}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("result").path("bvnUpdated").asBoolean()).isTrue();
        assertThat(updated.json().path("result").path("accountReference").asText()).isEqualTo(reference);
        assertThat(updated.body()).doesNotContain(bvn);
        // Monnify has it
        assertThat(get("/sandbox/monnify/_control/reserved-accounts/" + reference, null).json().path("bvn").asText()).isEqualTo(bvn);
        // a wrong one is refused before anything is sent, naming the field and not the value
        Response wrong = ReservedAccountsTest.send("PUT", "/api/v1/providers/monnify/update-reserved-account-bvn",
                "{\"accountReference\": \"" + reference + "\", \"bvn\": \"2238710594\"}");
        HostileInputTest.problem(wrong, 400);
        assertThat(wrong.body()).contains("bvn").doesNotContain("2238710594");

        for (String table : jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                + " AND table_type = 'BASE TABLE'").query(String.class).list()) {
            long hits = jdbc.sql("SELECT count(*) FROM " + table + " t WHERE strpos(CAST(row_to_json(t) AS text), :bvn) > 0")
                    .param("bvn", bvn).query(Long.class).single();
            assertThat(hits).as(table + " holding the BVN").isZero();
        }
        assertThat(jdbc.sql("SELECT count(*) FROM operator_calls WHERE call = 'update-reserved-account-bvn' AND outcome = 'OK'")
                .query(Long.class).single()).isPositive();
        assertThat(output.getAll()).doesNotContain(bvn);
    }

    // ------------------------------------------------------------------ helpers

    /** "METHOD path?query" of every request the payment's timeline shows sent to Monnify, in order. */
    static List<String> requests(String paymentId) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : timeline(paymentId).path("events")) {
            if (e.path("type").asText().equals("PROVIDER_REQUEST")) {
                out.add(e.path("detail").path("method").asText() + " " + e.path("detail").path("path").asText());
            }
        }
        return out;
    }

    private static JsonNode operator(String method, String call) {
        Response r = ReservedAccountsTest.send(method, "/api/v1/providers/monnify/" + call, "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("result");
    }

    /** A Monnify setting as an operator changes it (hub.providers.monnify.<key>), seen by the next call. */
    private void set(String key, String value) {
        env.getPropertySources().addFirst(new MapPropertySource("document-form-" + key,
                Map.of("hub.providers.monnify." + key, value)));
    }

    private void unset(String key) {
        env.getPropertySources().remove("document-form-" + key);
    }
}
