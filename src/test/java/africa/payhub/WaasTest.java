package africa.payhub;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wallets at the Wallet-as-a-Service provider (its sandbox, over real HTTP): open, credit, debit, transfer,
 * reverse, with the sandbox's ledger checked against the hub's records after every scenario.
 */
class WaasTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    africa.payhub.payment.PaymentAcceptance paymentAcceptance;

    @AfterEach
    void theBooksBalance() {
        // every posting has its other side: the balances of all accounts add up to zero
        assertThat(get("/sandbox/waas/_control/ledger", null).json().path("sumOfBalances").asText()).isEqualTo("0.0000");
    }

    @Test
    void openingAWalletCreatesTheCustomersProfileOnceAndAnswersTheAccountNumber() {
        String email = messageId("ama") + "@example.com";
        JsonNode kes = succeeded(open(email, "KES"));
        assertThat(kes.path("amount").isNull()).isTrue();
        assertThat(kes.path("result").path("accountNumber").asText()).matches("[0-9]{8}");
        assertThat(kes.path("result").path("currency").asText()).isEqualTo("KES");
        assertThat(kes.path("result").path("accountName").asText()).isEqualTo("Ama Mensah KES");

        JsonNode usd = succeeded(open(email, "USD"));
        assertThat(usd.path("result").path("accountNumber").asText()).isNotEqualTo(kes.path("result").path("accountNumber").asText());
        int profiles = jdbc.sql("SELECT count(*) FROM provider_resources WHERE provider = 'waas' AND kind = 'client-profile' AND natural_key = :k")
                .param("k", email).query(Integer.class).single();
        assertThat(profiles).isEqualTo(1);
    }

    @Test
    void creditDebitAndTransferMoveRealBalancesAndReportThem() {
        String a = wallet("KES");
        String b = wallet("KES");
        JsonNode credit = succeeded(credit(a, "1000.00"));
        assertThat(credit.path("result").path("previousBalance").asText()).isEqualTo("0.0000");
        assertThat(credit.path("result").path("currentBalance").asText()).isEqualTo("1000.0000");
        assertThat(credit.path("result").path("providerTransactionId").asText()).isNotBlank();

        JsonNode debit = succeeded(debit(a, "250.50"));
        assertThat(debit.path("result").path("currentBalance").asText()).isEqualTo("749.5000");

        JsonNode transfer = succeeded(transfer(a, b, "49.50"));
        assertThat(transfer.path("result").path("source").path("currentBalance").asText()).isEqualTo("700.0000");
        assertThat(transfer.path("result").path("destination").path("currentBalance").asText()).isEqualTo("49.5000");

        assertThat(balance(a)).isEqualTo("700.0000");
        assertThat(balance(b)).isEqualTo("49.5000");
        // what went to the provider: exact decimals and our reference as the source transaction id
        JsonNode sent = firstRequest(debit.path("paymentId").asText());
        assertThat(sent.path("transaction_amount").decimalValue()).isEqualByComparingTo("250.50");
        assertThat(sent.path("source_transaction_id").asText()).isEqualTo(debit.path("providerReference").asText());
    }

    @Test
    void aReversalUndoesTheOriginalAndMarksItReversed() {
        String a = wallet("KES");
        JsonNode credit = succeeded(credit(a, "300.00"));
        String original = credit.path("paymentId").asText();

        ObjectNode reversalMessage = reversalMessage(original);
        String reversalId = submit(reversalMessage).path("paymentId").asText();
        // the same message again, at once (its reversal live) and once the original is REVERSED: the stored
        // answer both times, though today's checks would refuse a new reversal of it
        Response sameAtOnce = post("/api/v1/payments", Json.write(reversalMessage), CLIENT);
        assertThat(sameAtOnce.status()).as(sameAtOnce.body()).isEqualTo(200);
        assertThat(sameAtOnce.json().path("paymentId").asText()).isEqualTo(reversalId);
        JsonNode reversal = succeeded(reversalId);
        Response sameLater = post("/api/v1/payments", Json.write(reversalMessage), CLIENT);
        assertThat(sameLater.status()).as(sameLater.body()).isEqualTo(200);
        assertThat(sameLater.json().path("paymentId").asText()).isEqualTo(reversalId);
        assertThat(reversal.path("reversalOf").asText()).isEqualTo(original);
        assertThat(reversal.path("amount").path("value").asText()).isEqualTo("300.00");
        assertThat(balance(a)).isEqualTo("0.0000");
        JsonNode reversed = payment(original);
        assertThat(reversed.path("status").asText()).isEqualTo("REVERSED");
        assertThat(reversed.path("reasonCode").asText()).isEqualTo("REVERSED_ON_REQUEST");

        Response again = post("/api/v1/payments", Json.write(reversalMessage(original)), CLIENT);
        assertThat(again.status()).isEqualTo(422);
        assertThat(again.json().path("detail").asText()).contains("only a SUCCEEDED payment can be reversed");
    }

    @Test
    void onlySucceededPaymentsOfTheSameClientCanBeReversed() {
        Response unknown = post("/api/v1/payments", Json.write(reversalMessage("no-such-payment")), CLIENT);
        assertThat(unknown.status()).isEqualTo(404);
        String a = wallet("KES");
        String mine = succeeded(credit(a, "10.00")).path("paymentId").asText();
        Response other = post("/api/v1/payments", Json.write(reversalMessage(mine)), OTHER_CLIENT);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().path("detail").asText()).contains("no payment");
    }

    @Test
    void aReplayedMessageIsNeverPostedTwice() {
        String a = wallet("KES");
        ObjectNode message = creditMessage(a, "500.00");
        JsonNode first = succeeded(submit(message).path("paymentId").asText());
        Response replay = post("/api/v1/payments", Json.write(message), CLIENT);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("paymentId").asText()).isEqualTo(first.path("paymentId").asText());
        assertThat(postings(first.path("providerReference").asText())).isEqualTo(1);
        assertThat(balance(a)).isEqualTo("500.0000");
    }

    @Test
    void limitsBalanceAndWalletStateGiveClearCanonicalFailures() {
        String a = wallet("KES");
        JsonNode tooMuch = failed(credit(a, "2000000.00"));
        assertThat(tooMuch.path("reasonCode").asText()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(tooMuch.path("statusReason").asText()).contains("above the maximum");

        succeeded(credit(a, "100.00"));
        assertThat(failed(debit(a, "100.01")).path("reasonCode").asText()).isEqualTo("INSUFFICIENT_FUNDS");
        // a wallet the hub did not open for this client is not asked about: 404 at the door, as another client's
        Response unknown = post("/api/v1/payments", Json.write(creditMessage("99999999", "10.00")), CLIENT);
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.body()).doesNotContain("99999999");

        post("/sandbox/waas/_control/accounts/" + a + "/status", "{\"status\":\"INACTIVE\"}", null);
        assertThat(failed(credit(a, "10.00")).path("reasonCode").asText()).isEqualTo("WALLET_INACTIVE");
        assertThat(balance(a)).isEqualTo("100.0000");
    }

    @Test
    void moneyInAnotherCurrencyNeverReachesAWallet() {
        String a = wallet("KES");
        ObjectNode usd = creditMessage(a, "10.00");
        ((ObjectNode) usd.get("amount")).put("currency", "USD");
        JsonNode refused = failed(submit(usd).path("paymentId").asText());
        assertThat(refused.path("reasonCode").asText()).isEqualTo("CURRENCY_MISMATCH");
        assertThat(postings(refused.path("providerReference").asText())).isZero();
    }

    @Test
    void noClientMovesMoneyOutOfAnotherClientsWallet() {
        String mine = wallet("KES");
        succeeded(credit(mine, "100.00"));
        String before = balance(mine);
        ObjectNode debit = money("WALLET_DEBIT", "30.00", mine, null, "not yours");
        Response r = post("/api/v1/payments", Json.write(debit), OTHER_CLIENT);
        // refused at the door, from the declaration (uses: owned), as another client's payment would be
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
        assertThat(get("/api/v1/payments?messageId=" + debit.path("messageId").asText(), OTHER_CLIENT)
                .json().path("payments")).isEmpty();
        assertThat(balance(mine)).isEqualTo(before);
    }

    @Test
    void a503IsAnAnswerSoThePaymentGoesToAPersonNeverBackToTheProvider() {
        // a gateway may answer 503 after posting; the provider declares no rule that makes a resend safe
        String a = wallet("KES");
        ObjectNode m = creditMessage(a, "40.00");
        m.put("narration", "top-up SANDBOX:UNAVAILABLE");
        String id = submit(m).path("paymentId").asText();
        JsonNode review = awaitStatus(id, "NEEDS_REVIEW");
        assertThat(review.path("reasonCode").asText()).isEqualTo("OUTCOME_UNKNOWN");
        JsonNode seen = get("/sandbox/waas/_control/references/" + review.path("providerReference").asText(), null).json();
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("postedTransactions").asInt()).isZero();
        // nothing shows it posted: an operator may fail it, and the client may send a new message
        Response failed = post("/api/v1/payments/" + id + "/resolution",
                "{\"status\":\"FAILED\",\"reason\":\"not on the provider's statement\"}", OPERATOR);
        assertThat(failed.json().path("status").asText()).as(failed.body()).isEqualTo("FAILED");
    }

    @Test
    void anUnknownOutcomeGoesToReviewWithTheEvidenceAndAnOperatorClosesIt() {
        String a = wallet("KES");
        ObjectNode m = creditMessage(a, "60.00");
        m.put("narration", "top-up SANDBOX:LOST");
        String id = submit(m).path("paymentId").asText();
        JsonNode review = awaitStatus(id, "NEEDS_REVIEW");
        assertThat(review.path("reasonCode").asText()).isEqualTo("OUTCOME_UNKNOWN");
        assertThat(review.path("statusReason").asText()).contains("no status query").contains(review.path("providerReference").asText());
        // the provider did post it, once; the hub never sent it again
        JsonNode seen = get("/sandbox/waas/_control/references/" + review.path("providerReference").asText(), null).json();
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("postedTransactions").asInt()).isEqualTo(1);

        Response resolved = post("/api/v1/payments/" + id + "/resolution",
                "{\"status\":\"SUCCEEDED\",\"reason\":\"provider statement shows transaction " + seen.path("transactionIds").get(0).asText()
                        + "\"}", OPERATOR);
        assertThat(resolved.json().path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(balance(a)).isEqualTo("60.0000");
    }

    @Test
    void aServerErrorAfterPostingIsAlsoLeftToAPerson() {
        String a = wallet("KES");
        ObjectNode m = creditMessage(a, "70.00");
        m.put("narration", "top-up SANDBOX:ERROR");
        JsonNode review = awaitStatus(submit(m).path("paymentId").asText(), "NEEDS_REVIEW");
        assertThat(review.path("statusReason").asText()).contains("HTTP 500");
        assertThat(postings(review.path("providerReference").asText())).isEqualTo(1);
    }

    @Test
    void anExpiredTokenIsRefreshedAndTheCallRetried() {
        String a = wallet("KES");
        int logins = get("/sandbox/waas/_control/ledger", null).json().path("logins").asInt();
        post("/sandbox/waas/_control/expire-tokens", "", null);
        succeeded(credit(a, "5.00"));
        assertThat(get("/sandbox/waas/_control/ledger", null).json().path("logins").asInt()).isEqualTo(logins + 1);
    }

    @Test
    void eachOperationStatesTheFieldsItNeeds() {
        ObjectNode open = openMessage("x@example.com", "KES");
        open.set("amount", Json.object().put("value", "1.00").put("currency", "KES"));
        Response r = post("/api/v1/payments", Json.write(open), CLIENT);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("must not be given for WALLET_OPEN");

        ObjectNode credit = creditMessage("10000100", "1.00");
        ((ObjectNode) credit.get("destination")).put("type", "BANK_ACCOUNT");
        assertThat(post("/api/v1/payments", Json.write(credit), CLIENT).body()).contains("destination.type");

        ObjectNode debit = creditMessage("10000100", "1.00");
        debit.put("operation", "WALLET_DEBIT");
        Response noSource = post("/api/v1/payments", Json.write(debit), CLIENT);
        assertThat(noSource.status()).isEqualTo(400);
        assertThat(noSource.body()).contains("\"field\":\"source\"");

        ObjectNode payout = payout(messageId("p"), "2085886393", "1.00");
        payout.put("provider", "waas");
        assertThat(post("/api/v1/payments", Json.write(payout), CLIENT).status()).isEqualTo(422);
    }

    // ------------------------------------------------------------------ helpers

    private String wallet(String currency) {
        return succeeded(open(messageId("w") + "@example.com", currency)).path("result").path("accountNumber").asText();
    }

    private static String open(String email, String currency) {
        return submit(openMessage(email, currency)).path("paymentId").asText();
    }

    private static ObjectNode openMessage(String email, String currency) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId("open"));
        m.put("operation", "WALLET_OPEN");
        m.put("provider", "waas");
        m.put("currency", currency);
        m.set("customer", Json.object().put("name", "Ama Mensah").put("email", email).put("phone", "+254712345678"));
        return m;
    }

    private static String credit(String account, String amount) {
        return submit(creditMessage(account, amount)).path("paymentId").asText();
    }

    private static ObjectNode creditMessage(String account, String amount) {
        return money("WALLET_CREDIT", amount, null, account, "Top-up");
    }

    private static String debit(String account, String amount) {
        return submit(money("WALLET_DEBIT", amount, account, null, "Purchase")).path("paymentId").asText();
    }

    private static String transfer(String from, String to, String amount) {
        return submit(money("WALLET_TRANSFER", amount, from, to, "Split the bill")).path("paymentId").asText();
    }

    /** A canonical wallet money movement in KES from and/or to the given wallets. */
    private static ObjectNode money(String operation, String amount, String from, String to, String narration) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId(operation.toLowerCase(java.util.Locale.ROOT)));
        m.put("operation", operation);
        m.put("provider", "waas");
        m.set("amount", Json.object().put("value", amount).put("currency", "KES"));
        if (from != null) {
            m.set("source", Json.object().put("type", "WALLET").put("accountNumber", from));
        }
        if (to != null) {
            m.set("destination", Json.object().put("type", "WALLET").put("accountNumber", to));
        }
        m.put("narration", narration);
        return m;
    }

    private static String reversal(String original) {
        return submit(reversalMessage(original)).path("paymentId").asText();
    }

    private static ObjectNode reversalMessage(String original) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId("reversal"));
        m.put("operation", "REVERSAL");
        m.put("provider", "waas");
        m.put("reversalOf", original);
        m.put("narration", "Customer refund");
        return m;
    }

    private static JsonNode succeeded(String id) {
        return awaitStatus(id, "SUCCEEDED");
    }

    private static JsonNode failed(String id) {
        return awaitStatus(id, "FAILED");
    }

    private static String balance(String account) {
        return get("/sandbox/waas/_control/accounts/" + account, null).json().path("balance").asText();
    }

    private static int postings(String reference) {
        return get("/sandbox/waas/_control/references/" + reference, null).json().path("postedTransactions").asInt();
    }

    private static JsonNode firstRequest(String id) {
        for (JsonNode e : timeline(id).path("events")) {
            if (e.path("type").asText().equals("PROVIDER_REQUEST") && e.path("detail").path("path").asText().startsWith("/api/v1/transactions")) {
                return e.path("detail").path("body");
            }
        }
        throw new AssertionError("no transaction request for " + id);
    }

}
