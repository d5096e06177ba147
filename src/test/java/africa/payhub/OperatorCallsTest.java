package africa.payhub;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls operators make at a provider, declared in its declaration ({@code operatorCalls}) and served by one
 * surface, {@code /api/v1/providers/{provider}/{call}}: an operator creates a Monnify wallet (HTTP Basic,
 * where Monnify's other calls take the bearer token), reads its balance, finds it in the list and reads its
 * transactions; creates, lists and changes a limit profile and puts it on a reserved account; reads a bulk
 * transfer's transactions and searches the source wallet's transfers. A client is refused, bad input is a
 * 400 naming the field, a refusal by Monnify a 422, and every call is recorded without the BVN.
 */
class OperatorCallsTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    africa.payhub.provider.Reconciliation reconciliation;

    @Test
    void anOperatorCreatesAWalletAndReadsItsBalanceListAndTransactions() {
        String reference = "wallet-" + messageId("w");
        String email = reference + "@example.com";
        String bvn = "22222222226";
        ObjectNode wallet = Json.object().put("walletReference", reference).put("walletName", "Ada's salary wallet")
                .put("customerName", "Ada Obi").put("customerEmail", email).put("bvn", bvn).put("bvnDateOfBirth", "1993-10-03");

        Response byClient = post("/api/v1/providers/monnify/create-wallet", Json.write(wallet), CLIENT);
        assertThat(byClient.status()).as(byClient.body()).isEqualTo(403);

        Response created = post("/api/v1/providers/monnify/create-wallet", Json.write(wallet), OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        JsonNode w = created.json().path("result");
        assertThat(w.path("walletReference").asText()).isEqualTo(reference);
        String accountNumber = w.path("accountNumber").asText();
        assertThat(accountNumber).matches("[0-9]{10}");

        // the simulator takes only HTTP Basic there (and only the bearer token for limit profiles): the call's own
        // auth in the declaration is what made the hub's call succeed
        assertThat(get("/sandbox/monnify/api/v1/disbursements/wallet?walletReference=" + reference, null).status()).isEqualTo(401);
        assertThat(get("/sandbox/monnify/api/v1/disbursements/wallet?walletReference=" + reference,
                "MK_TEST_SANDBOX0001:SANDBOXSECRETKEY00000000000000001").status()).isEqualTo(200);
        assertThat(get("/sandbox/monnify/api/v1/limit-profile/", "MK_TEST_SANDBOX0001:SANDBOXSECRETKEY00000000000000001")
                .status()).isEqualTo(401);

        Response again = post("/api/v1/providers/monnify/create-wallet", Json.write(wallet), OPERATOR);
        assertThat(again.status()).as("Monnify refuses a second wallet with the reference").isEqualTo(422);
        assertThat(again.json().path("detail").asText()).contains("already exists").doesNotContain(bvn);

        Response badBvn = post("/api/v1/providers/monnify/create-wallet",
                Json.write(wallet.deepCopy().put("bvn", "2222").put("walletReference", reference + "-2")), OPERATOR);
        assertThat(badBvn.status()).isEqualTo(400);
        assertThat(badBvn.body()).contains("bvn").doesNotContain("2222");

        Response unknownField = post("/api/v1/providers/monnify/create-wallet",
                Json.write(wallet.deepCopy().put("walletReference", reference + "-3").put("pin", "1234")), OPERATOR);
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.body()).contains("not a field of this call");

        JsonNode balance = call("wallet-balance?walletReference=" + reference);
        assertThat(new BigDecimal(balance.path("availableBalance").asText())).isZero();

        post("/sandbox/monnify/_control/wallets/" + accountNumber + "/credit", "{\"amount\": \"2500.50\", \"narration\": \"Top-up\"}", null);
        balance = call("wallet-balance?accountNumber=" + accountNumber);
        assertThat(new BigDecimal(balance.path("availableBalance").asText())).isEqualByComparingTo("2500.50");
        assertThat(balance.path("availableBalance").isTextual()).as("an exact decimal string").isTrue();

        JsonNode listed = call("wallets?customerEmail=" + email);
        assertThat(listed.path("wallets")).hasSize(1);
        assertThat(listed.path("wallets").get(0).path("accountNumber").asText()).isEqualTo(accountNumber);

        JsonNode transactions = call("wallet-transactions?accountNumber=" + accountNumber);
        assertThat(transactions.path("transactions")).hasSize(1);
        JsonNode credit = transactions.path("transactions").get(0);
        assertThat(credit.path("transactionType").asText()).isEqualTo("CREDIT");
        assertThat(new BigDecimal(credit.path("amount").asText())).isEqualByComparingTo("2500.50");
        assertThat(new BigDecimal(credit.path("availableBalanceAfter").asText())).isEqualByComparingTo("2500.50");

        Response missing = get("/api/v1/providers/monnify/wallet-transactions", OPERATOR);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("accountNumber");
        assertThat(get("/api/v1/providers/monnify/wallet-transactions?accountNumber=" + accountNumber, CLIENT).status())
                .isEqualTo(403);

        // every call recorded for audit, the BVN masked: it is in no row
        assertThat(jdbc.sql("SELECT count(*) FROM operator_calls WHERE call = 'create-wallet' AND input->>'walletReference' = :r")
                .param("r", reference).query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT outcome FROM operator_calls WHERE call = 'create-wallet' AND input->>'walletReference' = :r ORDER BY id")
                .param("r", reference).query(String.class).list()).containsExactly("OK", "REFUSED");
        assertThat(jdbc.sql("SELECT count(*) FROM operator_calls WHERE input::text LIKE :bvn")
                .param("bvn", "%" + bvn + "%").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM operator_calls WHERE call = 'wallet-transactions' AND operator = 'ops'")
                .query(Long.class).single()).isPositive();
    }

    @Test
    void anOperatorCreatesListsAndChangesALimitProfileAndPutsItOnAReservedAccount() {
        String name = "payroll-" + messageId("lp");
        Response byClient = post("/api/v1/providers/monnify/create-limit-profile", "{}", CLIENT);
        assertThat(byClient.status()).isEqualTo(403);

        Response created = post("/api/v1/providers/monnify/create-limit-profile", Json.write(Json.object()
                .put("limitProfileName", name).put("singleTransactionValue", "2000.50")
                .put("dailyTransactionValue", 150000).put("dailyTransactionVolume", 500)), OPERATOR);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String code = created.json().path("result").path("limitProfileCode").asText();
        assertThat(code).isNotBlank();
        assertThat(new BigDecimal(created.json().path("result").path("singleTransactionValue").asText())).isEqualByComparingTo("2000.50");

        JsonNode profiles = call("limit-profiles?pageSize=100");
        assertThat(profiles.path("limitProfiles").findValuesAsText("limitProfileCode")).contains(code);

        Response updated = put("/api/v1/providers/monnify/update-limit-profile", Json.write(Json.object()
                .put("limitProfileCode", code).put("limitProfileName", name).put("singleTransactionValue", "70000")
                .put("dailyTransactionValue", "100000000").put("dailyTransactionVolume", 4000)));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(new BigDecimal(updated.json().path("result").path("dailyTransactionValue").asText())).isEqualByComparingTo("100000000");
        JsonNode after = call("limit-profiles?pageSize=100").path("limitProfiles");
        for (JsonNode p : after) {
            if (p.path("limitProfileCode").asText().equals(code)) {
                assertThat(new BigDecimal(p.path("singleTransactionValue").asText())).isEqualByComparingTo("70000");
            }
        }

        Response unknown = put("/api/v1/providers/monnify/update-limit-profile", Json.write(Json.object()
                .put("limitProfileCode", "NOSUCHPROFILE").put("limitProfileName", name).put("singleTransactionValue", "1")
                .put("dailyTransactionValue", "2").put("dailyTransactionVolume", 1)));
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
        assertThat(unknown.json().path("detail").asText()).contains("Limit profile not found");

        Response wrongVerb = post("/api/v1/providers/monnify/update-limit-profile", "{}", OPERATOR);
        assertThat(wrongVerb.status()).isEqualTo(400);

        String accountReference = "acct-" + messageId("ra");
        Response reserved = post("/api/v1/providers/monnify/reserve-account-with-limit", Json.write(Json.object()
                .put("accountReference", accountReference).put("accountName", "Kan Yo").put("customerName", "Kan Yo")
                .put("customerEmail", "kan@example.com").put("limitProfileCode", code)), OPERATOR);
        assertThat(reserved.status()).as(reserved.body()).isEqualTo(200);
        assertThat(reserved.json().path("result").path("limitProfileCode").asText()).isEqualTo(code);
        assertThat(reserved.json().path("result").path("accountNumber").asText()).isNotBlank();

        String other = post("/api/v1/providers/monnify/create-limit-profile", Json.write(Json.object()
                .put("limitProfileName", name + "-b").put("singleTransactionValue", "10")
                .put("dailyTransactionValue", "20").put("dailyTransactionVolume", 2)), OPERATOR)
                .json().path("result").path("limitProfileCode").asText();
        Response moved = put("/api/v1/providers/monnify/update-reserved-account-limit", Json.write(Json.object()
                .put("accountReference", accountReference).put("limitProfileCode", other)));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().path("result").path("limitProfileCode").asText()).isEqualTo(other);
    }

    @Test
    void aBulkTransfersTransactionsAndTheSourceWalletsTransfersAreListed() {
        String batchId = submitBatch("bulk-ops", "110.00", "120.00");
        String batchReference = null;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (batchReference == null && Instant.now().isBefore(deadline)) {
            String r = get("/api/v1/batches/" + batchId, CLIENT).json().path("providerReference").asText("");
            batchReference = r.isBlank() ? null : r;
            sleep();
        }
        assertThat(batchReference).as("the bulk call was made").isNotNull();

        JsonNode listed = call("bulk-transactions?batchReference=" + batchReference);
        assertThat(listed.path("transactions")).hasSize(2);
        assertThat(listed.path("transactions").findValuesAsText("amount").stream().map(BigDecimal::new)
                .map(BigDecimal::stripTrailingZeros).map(BigDecimal::toPlainString)).containsExactlyInAnyOrder("110", "120");

        JsonNode searched = call("search-transactions?pageSize=100&amountFrom=110&amountTo=120");
        java.util.List<String> references = searched.path("transactions").findValuesAsText("reference");
        for (JsonNode t : listed.path("transactions")) {
            assertThat(references).contains(t.path("reference").asText());
        }

        Response unknown = get("/api/v1/providers/monnify/bulk-transactions?batchReference=no-such-batch", OPERATOR);
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
        assertThat(get("/api/v1/providers/monnify/no-such-call", OPERATOR).status()).isEqualTo(404);
        assertThat(get("/api/v1/providers/nobody/wallets", OPERATOR).status()).isEqualTo(404);

        JsonNode declared = get("/api/v1/providers/operator-calls", OPERATOR).json().path("calls");
        assertThat(declared.findValuesAsText("path")).contains("/api/v1/providers/monnify/create-wallet",
                "/api/v1/providers/monnify/bulk-transactions");
        assertThat(get("/api/v1/providers/operator-calls", CLIENT).status()).isEqualTo(403);
    }

    @Test
    void aCompletedBatchIsReconciledWithTheProvidersBulkListingAndAMismatchReachesTheItemsTimeline() {
        String batchId = submitBatch("recon", "100.00", "200.00", "300.00");
        JsonNode batch = null;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            batch = get("/api/v1/batches/" + batchId, CLIENT).json();
            if ("COMPLETED".equals(batch.path("status").asText())) {
                break;
            }
            sleep();
        }
        assertThat(batch.path("status").asText()).as(batch.toString()).isEqualTo("COMPLETED");
        assertThat(batch.path("counts").path("SUCCEEDED").asInt()).isEqualTo(3);

        // the provider's own record settles a moment after its webhooks (hub.reconciliation.settle waits for that)
        for (JsonNode item : batch.path("items")) {
            String ref = payment(item.path("paymentId").asText()).path("providerReference").asText();
            while (!"SUCCESS".equals(monnify(ref).path("status").asText()) && Instant.now().isBefore(deadline)) {
                sleep();
            }
        }
        JsonNode consistent = reconciliation.reconcile(batchId);
        assertThat(consistent.path("checked").asInt()).isEqualTo(3);
        assertThat(consistent.path("mismatched").asInt()).as(consistent.toString()).isZero();

        // Monnify reverses one transfer later, and no webhook tells the hub
        JsonNode reversedItem = batch.path("items").get(1);
        String reference = payment(reversedItem.path("paymentId").asText()).path("providerReference").asText();
        post("/sandbox/monnify/_control/transfers/" + reference + "/status", "{\"status\": \"REVERSED\"}", null);

        JsonNode found = reconciliation.reconcile(batchId);
        assertThat(found.path("mismatched").asInt()).as(found.toString()).isEqualTo(1);
        JsonNode events = timeline(reversedItem.path("paymentId").asText());
        assertThat(events.toString()).contains("RECONCILIATION_MISMATCH").contains("REVERSED").contains("SUCCEEDED");
        assertThat(timeline(batch.path("items").get(0).path("paymentId").asText()).toString())
                .doesNotContain("RECONCILIATION_MISMATCH");
        assertThat(payment(reversedItem.path("paymentId").asText()).path("status").asText())
                .as("reconciliation reports, a person decides").isEqualTo("SUCCEEDED");
        assertThat(jdbc.sql("SELECT reconciliation->>'mismatched' FROM payment_batches WHERE id = :id")
                .param("id", batchId).query(String.class).single()).isEqualTo("1");
    }

    /** A PAYOUT_BATCH to Monnify with one item per amount; its batchId. */
    private static String submitBatch(String label, String... amounts) {
        ObjectNode message = Json.object().put("messageId", messageId(label)).put("operation", "PAYOUT_BATCH")
                .put("provider", "monnify").put("narration", "Operator calls " + label);
        ArrayNode items = message.putArray("items");
        for (int i = 1; i <= amounts.length; i++) {
            ObjectNode item = items.addObject().put("itemId", "emp-" + i);
            item.putObject("amount").put("value", amounts[i - 1]).put("currency", "NGN");
            item.putObject("destination").put("type", "BANK_ACCOUNT").put("accountNumber", "208588639" + i).put("bankCode", "057");
        }
        Response accepted = post("/api/v1/payments", Json.write(message), CLIENT);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return accepted.json().path("batchId").asText();
    }

    private static JsonNode call(String pathAndQuery) {
        Response r = get("/api/v1/providers/monnify/" + pathAndQuery, OPERATOR);
        assertThat(r.status()).as(pathAndQuery + ": " + r.body()).isEqualTo(200);
        return r.json().path("result");
    }

    private static Response put(String path, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(OPERATOR.getBytes(StandardCharsets.UTF_8)))
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
            return new Response(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
