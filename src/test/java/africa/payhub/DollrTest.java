package africa.payhub;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dollr, a provider made of a declaration, mappings and its simulator alone: an invoice collected from a
 * customer's mobile money through the guide's thirteen steps, each recorded before the next; the hub
 * stopping between the execution and its completion; a payout with its passcode; a lost answer; 429,
 * token expiry (counted in minutes), a hosted checkout and its cancel.
 */
class DollrTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    static ObjectNode collection(String messageId, String phone, String amount) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId);
        m.put("operation", "COLLECTION");
        m.put("provider", "dollr");
        m.put("method", "INVOICE");
        m.set("amount", Json.object().put("value", amount).put("currency", "USD"));
        m.set("customer", Json.object().put("name", "Musu Kollie").put("email", "musu@example.com").put("phone", "+" + phone));
        m.put("narration", "School fees");
        return m;
    }

    static ObjectNode payoutTo(String messageId, String phone, String amount) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId);
        m.put("operation", "PAYOUT");
        m.put("provider", "dollr");
        m.set("amount", Json.object().put("value", amount).put("currency", "USD"));
        m.set("destination", Json.object().put("type", "MOBILE_MONEY").put("phone", phone).put("accountName", "Jallah Kamara"));
        m.put("narration", "Supplier payment");
        return m;
    }

    static JsonNode dollr(String path) {
        return get("/sandbox/dollr/_control/" + path, null).json();
    }

    static void fault(String json) {
        assertThat(post("/sandbox/dollr/_control/faults", json, null).status()).isEqualTo(200);
    }

    private List<String> recordedSteps(String paymentId) {
        return jdbc.sql("""
                        SELECT kind FROM provider_resources WHERE provider = 'dollr' AND state = 'CREATED'
                          AND (owner = :id OR natural_key = :id) ORDER BY created_at""")
                .param("id", paymentId).query(String.class).list();
    }

    private static List<JsonNode> events(String paymentId) {
        List<JsonNode> out = new java.util.ArrayList<>();
        timeline(paymentId).path("events").forEach(out::add);
        return out;
    }

    private static List<String> requestPaths(String paymentId) {
        return events(paymentId).stream()
                .filter(e -> "PROVIDER_REQUEST".equals(e.path("type").asText()))
                .map(e -> e.path("detail").path("method").asText() + " " + e.path("detail").path("path").asText().replaceAll("\\?.*", "")
                        .replaceAll("/\\d+(?=/|$)", "/{id}"))
                .toList();
    }

    @Test
    void anInvoiceCollectionRunsEveryStepOnceAndEndsWithTheReceipt() {
        ObjectNode m = collection(messageId("dollr-invoice"), "231770000001", "30.00");
        m.set("items", Json.NODES.arrayNode()
                .add(Json.object().put("name", "Tuition").put("amount", "12.50").put("quantity", 2))
                .add(Json.object().put("name", "Books").put("amount", "5.00")));
        String id = submit(m).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");

        JsonNode result = done.path("result");
        assertThat(result.path("executionStatus").asText()).isEqualTo("COMPLETED");
        assertThat(result.path("receipt").path("totalAmount").asText()).isEqualTo("30.00");
        assertThat(result.path("receipt").path("items")).hasSize(2);
        assertThat(result.path("fees").path("platformFee").asText()).isEqualTo("0.45");
        assertThat(result.path("invoice").path("number").asText()).startsWith("INV-");

        // every step recorded, the receipt last; Dollr made one invoice and one execution for this payment
        assertThat(recordedSteps(id)).containsExactly("invoice", "invoice-items", "invoice-publish", "fees", "receipt");
        assertThat(jdbc.sql("SELECT count(*) FROM provider_resources WHERE provider = 'dollr' AND natural_key LIKE '%231770000001'")
                .query(Integer.class).single()).isGreaterThanOrEqualTo(4); // operator, party, counterparty, account
        assertThat(dollr("invoices?note=" + id)).hasSize(1);
        assertThat(dollr("references/" + id).path("executions").asInt()).isEqualTo(1);
        assertThat(requestPaths(id)).containsSubsequence("POST /v1/invoices/create", "POST /v1/invoices/{id}/items/add",
                "POST /v1/invoices/{id}/items/add", "PUT /v1/invoices/publish/{id}", "GET /v1/predictions/amount-and-fees", "POST /v1/sessions/checkout",
                "POST /v1/executions/collection", "GET /v1/status/collection/" + id, "GET /v1/invoices/receipt/{id}");

        // a second collection from the same customer reuses its party, counterparty and payment account
        int parties = dollr("stats").path("parties").asInt();
        String second = submit(collection(messageId("dollr-again"), "231770000001", "7.00")).path("paymentId").asText();
        awaitStatus(second, "SUCCEEDED");
        assertThat(dollr("stats").path("parties").asInt()).isEqualTo(parties);
    }

    @Test
    void aHubStoppedBetweenTheExecutionAndItsCompletionResumesFromItsRecords() throws Exception {
        // the slow customer: PROCESSING for seconds after the execution
        String id = submit(collection(messageId("dollr-restart"), "231770000004", "18.00")).path("paymentId").asText();
        Awaitility.await().until(() -> dollr("references/" + id).path("executions").asInt() == 1);
        awaitStatus(id, "PENDING");

        // the hub stops: its poller and its token are gone; what it knew of the payment is what it recorded.
        // It comes back as a hub that died right after the execution left: the payment SUBMITTED.
        camelContext.getRouteController().stopRoute("polling");
        try {
            jdbc.sql("UPDATE payments SET status = 'SUBMITTED', last_sent_at = now(), next_poll_at = now() WHERE id = :id")
                    .param("id", id).update();
        } finally {
            post("/sandbox/dollr/_control/expire-tokens", "", null);
            camelContext.getRouteController().startRoute("polling");
        }

        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(done.path("result").path("receipt").path("totalAmount").asText()).isEqualTo("18.00");
        assertThat(dollr("invoices?note=" + id)).hasSize(1);
        JsonNode seen = dollr("references/" + id);
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("executions").asInt()).isEqualTo(1);
        assertThat(MonnifyPayoutTest.eventTypes(id)).doesNotContain("RECOVERED");
    }

    @Test
    void aStepThatFailsMidwayIsResumedWithoutASecondInvoice() {
        // the checkout session answers 500 once: the invoice exists, the execution was never asked for
        fault("{\"failNext\": 1, \"failStatus\": 500, \"path\": \"/v1/sessions/checkout\"}");
        String id = submit(collection(messageId("dollr-midway"), "231770000001", "9.00")).path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        assertThat(dollr("invoices?note=" + id)).hasSize(1);
        assertThat(dollr("references/" + id).path("executions").asInt()).isEqualTo(1);
        assertThat(requestPaths(id).stream().filter(p -> p.equals("POST /v1/invoices/create"))).hasSize(1);
        assertThat(requestPaths(id).stream().filter(p -> p.equals("POST /v1/sessions/checkout"))).hasSize(2);
    }

    @Test
    void aPayoutToMobileMoneyCarriesItsPasscodeWithoutRecordingIt() {
        // a payee no other test pays, so its payment account is made by this payout (Dollr's accounts are kept)
        String id = submit(payoutTo(messageId("dollr-payout"), "231880000140", "40.00")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(done.path("result").path("payeeAmount").asText()).isEqualTo("40.00");
        assertThat(dollr("references/" + id).path("executions").asInt()).isEqualTo(1);
        String timeline = timeline(id).toString();
        assertThat(timeline).contains("/v1/executions/payout").doesNotContain("482913");
        assertThat(requestPaths(id)).containsSubsequence("POST /v1/payment-accounts/create", "POST /v1/sessions/payout",
                "POST /v1/executions/payout");
    }

    @Test
    void aPayoutBeyondTheWalletFailsWithInsufficientFunds() {
        String id = submit(payoutTo(messageId("dollr-broke"), "231880000002", "99999.00")).path("paymentId").asText();
        JsonNode failed = awaitStatus(id, "FAILED");
        assertThat(failed.path("reasonCode").asText()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(failed.path("statusReason").asText()).contains("Insufficient wallet balance");
    }

    @Test
    void aLostExecutionAnswerIsResolvedByStatusNeverByASecondExecution() {
        String id = submit(collection(messageId("dollr-lost"), "231770000003", "11.00")).path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        JsonNode seen = dollr("references/" + id);
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("executions").asInt()).isEqualTo(1);
        assertThat(MonnifyPayoutTest.eventTypes(id)).contains("POLL_OUTCOME");
    }

    @Test
    void tooManyRequestsIsWaitedOutAndAnExpiredTokenIsRenewed() {
        // 429 with Retry-After on the invoice, more times than the hub retries at once
        fault("{\"failNext\": 5, \"failStatus\": 429, \"retryAfter\": 1, \"path\": \"/v1/invoices/create\"}");
        String id = submit(collection(messageId("dollr-429"), "231770000001", "6.00")).path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        assertThat(dollr("invoices?note=" + id)).hasSize(1);
        assertThat(events(id).stream().filter(e -> "SEND_OUTCOME".equals(e.path("type").asText()))
                .map(e -> e.path("detail").path("retryAfterSeconds").asInt(-1))).contains(1);

        // every token Dollr issued expires: the next call gets 401, the hub logs in again and goes on
        int logins = dollr("stats").path("logins").asInt();
        int rejected = dollr("stats").path("rejectedTokens").asInt();
        post("/sandbox/dollr/_control/expire-tokens", "", null);
        String after = submit(payoutTo(messageId("dollr-401"), "231880000001", "3.00")).path("paymentId").asText();
        awaitStatus(after, "SUCCEEDED");
        assertThat(dollr("stats").path("rejectedTokens").asInt()).isGreaterThan(rejected);
        // expires_in counts minutes: one login serves the whole payout (read as seconds, it would be stale at once)
        assertThat(dollr("stats").path("logins").asInt()).isEqualTo(logins + 1);
    }

    @Test
    void aHostedCheckoutWaitsForTheCustomerAndAnUnpaidOneIsCanceled() {
        ObjectNode m = collection(messageId("dollr-checkout"), "231770000001", "25.00");
        m.put("method", "CHECKOUT");
        String paid = submit(m).path("paymentId").asText();
        JsonNode pending = awaitStatus(paid, "PENDING");
        assertThat(pending.path("result").path("invoice").path("checkoutUrl").asText()).startsWith("https://");
        String invoice = dollr("invoices?note=" + paid).get(0).path("id").asText();
        assertThat(post("/sandbox/dollr/_control/invoices/" + invoice + "/pay", "", null).status()).isEqualTo(200);
        JsonNode done = awaitStatus(paid, "SUCCEEDED");
        assertThat(done.path("result").path("receipt").path("totalAmount").asText()).isEqualTo("25.00");

        // another, never paid: canceled on request; the collection then fails as canceled
        ObjectNode unpaid = collection(messageId("dollr-unpaid"), "231770000001", "8.00");
        unpaid.put("method", "CHECKOUT");
        String open = submit(unpaid).path("paymentId").asText();
        awaitStatus(open, "PENDING");
        String cancel = submit(cancelOf(messageId("dollr-cancel"), open)).path("paymentId").asText();
        assertThat(awaitStatus(cancel, "SUCCEEDED").path("result").path("invoiceStatus").asText()).isEqualTo("CANCELED");
        assertThat(awaitStatus(open, "FAILED").path("reasonCode").asText()).isEqualTo("CANCELED");

        // a paid one cannot be canceled: Dollr's 422 is the CANCEL's reason
        String late = submit(cancelOf(messageId("dollr-late"), paid)).path("paymentId").asText();
        JsonNode refused = awaitStatus(late, "FAILED");
        assertThat(refused.path("reasonCode").asText()).isEqualTo("NOT_CANCELLABLE");
        assertThat(refused.path("statusReason").asText()).contains("PAID");

        // and a client cancels only its own collections: another's is not found, and nothing is stored
        ObjectNode foreign = cancelOf(messageId("dollr-other"), open);
        Response other = post("/api/v1/payments", Json.write(foreign), OTHER_CLIENT);
        assertThat(other.status()).isEqualTo(404);
        assertThat(get("/api/v1/payments?messageId=" + foreign.path("messageId").asText(), OTHER_CLIENT).json()
                .path("payments")).isEmpty();
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.core.env.ConfigurableEnvironment env;

    /**
     * A hosted checkout nobody pays is given up after the declared time (checkout.expire-after, 2 s here): the
     * hub closes it at Dollr (its invoice canceled, so it cannot be paid later), it fails with reasonCode
     * EXPIRED, and the client is called back; it never becomes a person's task (NEEDS_REVIEW).
     */
    @Test
    void anAbandonedHostedCheckoutExpiresAfterItsDeclaredTimeAndIsCalledBack() {
        var quick = new org.springframework.core.env.MapPropertySource("checkout-expiry",
                java.util.Map.of("hub.providers.dollr.checkout.expire-after", "2s"));
        env.getPropertySources().addFirst(quick);
        try {
            CallbackReceiver receiver = CallbackReceiver.get();
            String path = "/expired-" + messageId("cb");
            ObjectNode m = collection(messageId("dollr-abandoned"), "231770000001", "9.00");
            m.put("method", "CHECKOUT");
            m.put("callbackUrl", receiver.url(path));
            String id = submit(m).path("paymentId").asText();
            awaitStatus(id, "PENDING");
            JsonNode expired = awaitStatus(id, "FAILED");
            assertThat(expired.path("reasonCode").asText()).isEqualTo("EXPIRED");
            assertThat(expired.path("statusReason").asText()).contains("not paid in time");
            assertThat(dollr("invoices?note=" + id).get(0).path("status").asText()).as("closed at Dollr").isEqualTo("CANCELED");
            JsonNode failed = events(id).stream().filter(e -> "FAILED".equals(e.path("statusTo").asText())).findFirst().orElseThrow();
            assertThat(failed.path("actor").asText()).isEqualTo("hub:expiry");
            assertThat(events(id).stream().map(e -> e.path("type").asText()).toList())
                    .containsSubsequence("EXPIRY_DUE", "EXPIRE_OUTCOME", "STATUS_CHANGED").doesNotContain("NEEDS_REVIEW");
            Awaitility.await().untilAsserted(() -> assertThat(receiver.receivedAt(path).stream()
                    .map(r -> Json.toNode(r.text()).path("payment"))
                    .map(p -> p.path("status").asText() + "/" + p.path("reasonCode").asText())).contains("FAILED/EXPIRED"));
        } finally {
            env.getPropertySources().remove("checkout-expiry");
        }
    }

    /**
     * A hosted checkout its customer pays in the moment the hub gives it up: Dollr refuses to cancel the paid
     * invoice (422), and the hub asks for its status at once, in the same dispatch as the refused close (the
     * poller's next round, no sooner than hub.polling.first-delay later, would only begin with another close),
     * and settles it by the answer: SUCCEEDED, never FAILED or EXPIRED, never a person's task.
     */
    @Test
    void aCheckoutPaidAsItIsClosedIsAskedForItsStatusAtOnceAndSucceeds() {
        ObjectNode m = collection(messageId("dollr-paid-at-close"), "231770000001", "12.00");
        m.put("method", "CHECKOUT");
        String id = submit(m).path("paymentId").asText();
        awaitStatus(id, "PENDING");
        String invoice = dollr("invoices?note=" + id).get(0).path("id").asText();
        assertThat(post("/sandbox/dollr/_control/invoices/" + invoice + "/paid-before-cancel", "", null).status()).isEqualTo(200);
        env.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("checkout-expiry",
                java.util.Map.of("hub.providers.dollr.checkout.expire-after", "2s")));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(payment(id).path("status").asText())
                    .as(() -> "after the refused close: " + afterRefusedClose(id).stream().limit(4).map(DollrTest::describe).toList())
                    .isEqualTo("SUCCEEDED"));
        } finally {
            env.getPropertySources().remove("checkout-expiry");
        }
        List<JsonNode> all = events(id);
        JsonNode refused = all.stream().filter(e -> "EXPIRE_OUTCOME".equals(e.path("type").asText())).findFirst().orElseThrow();
        assertThat(refused.path("detail").path("httpStatus").asInt()).isEqualTo(422);
        assertThat(refused.path("detail").path("reasonCode").asText()).isEqualTo("NOT_CANCELLABLE");

        // the first thing after the refused close is the status query, well before the poller would look again
        JsonNode query = afterRefusedClose(id).get(0);
        assertThat(describe(query)).isEqualTo("PROVIDER_REQUEST GET /v1/status/source");
        Duration firstDelay = env.getRequiredProperty("hub.polling.first-delay", Duration.class);
        assertThat(Duration.between(at(refused), at(query))).isLessThan(firstDelay);

        // its answer (written with its outcome, in sequence) says PAID, and its outcome settles the payment
        List<JsonNode> fromQuery = all.subList(all.indexOf(query), all.size());
        assertThat(fromQuery.get(1).path("detail").path("body").path("status").asText()).isEqualTo("PAID");
        JsonNode outcome = fromQuery.stream().filter(e -> "POLL_OUTCOME".equals(e.path("type").asText())).findFirst().orElseThrow();
        assertThat(outcome.path("detail").path("providerStatus").asText()).isEqualTo("PAID");
        JsonNode settled = fromQuery.get(fromQuery.indexOf(outcome) + 1);
        assertThat(settled.path("statusFrom").asText() + "->" + settled.path("statusTo").asText()).isEqualTo("PENDING->SUCCEEDED");

        // never given up: no failure, no expiry, no review; the invoice is paid at Dollr, not canceled
        assertThat(all.stream().map(e -> e.path("statusTo").asText()).filter(s -> !s.isEmpty()))
                .containsExactly("ACCEPTED", "SUBMITTED", "PENDING", "SUCCEEDED");
        assertThat(payment(id).path("reasonCode").isNull()).isTrue();
        assertThat(dollr("invoices?note=" + id).get(0).path("status").asText()).isEqualTo("PAID");
        // the query held the payment as the poller's lease would: no round closed it a second time meanwhile
        assertThat(all.stream().filter(e -> "EXPIRY_DUE".equals(e.path("type").asText()))).hasSize(1);
    }

    /** The events after the first close Dollr refused, in the order they happened (a call's own at its time). */
    private static List<JsonNode> afterRefusedClose(String paymentId) {
        List<JsonNode> byTime = events(paymentId).stream().sorted(Comparator.comparing(DollrTest::at)
                .thenComparingLong(e -> e.path("sequence").asLong())).toList();
        int refused = byTime.stream().map(e -> e.path("type").asText()).toList().indexOf("EXPIRE_OUTCOME");
        return refused < 0 ? List.of() : byTime.subList(refused + 1, byTime.size());
    }

    private static Instant at(JsonNode event) {
        return Instant.parse(event.path("at").asText());
    }

    private static String describe(JsonNode event) {
        JsonNode d = event.path("detail");
        return event.path("type").asText() + (d.has("method") ? " " + d.path("method").asText() + " "
                + d.path("path").asText().replaceAll("\\?.*", "") : "");
    }

    private static ObjectNode cancelOf(String messageId, String paymentId) {
        ObjectNode c = Json.object();
        c.put("messageId", messageId);
        c.put("operation", "CANCEL");
        c.put("provider", "dollr");
        c.put("cancelOf", paymentId);
        return c;
    }

    private static JsonNode awaitStatusAs(String paymentId, String status) {
        Awaitility.await().untilAsserted(() -> assertThat(get("/api/v1/payments/" + paymentId, OTHER_CLIENT).json()
                .path("status").asText()).isEqualTo(status));
        return get("/api/v1/payments/" + paymentId, OTHER_CLIENT).json();
    }

    @Test
    void theSchemaCarriesCollectionsMobileMoneyPayoutsAndCancels() {
        ObjectNode noPhone = payoutTo(messageId("dollr-nophone"), "231880000001", "1.00");
        ((ObjectNode) noPhone.get("destination")).remove("phone");
        Response r = post("/api/v1/payments", Json.write(noPhone), CLIENT);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("destination.phone");

        ObjectNode badMethod = collection(messageId("dollr-method"), "231770000001", "1.00");
        badMethod.put("method", "BARTER");
        assertThat(post("/api/v1/payments", Json.write(badMethod), CLIENT).status()).isEqualTo(400);

        ObjectNode bankPayout = payout(messageId("bank-still"), "2085886393", "10.00");
        ((ObjectNode) bankPayout.get("destination")).remove("bankCode");
        Response bank = post("/api/v1/payments", Json.write(bankPayout), CLIENT);
        assertThat(bank.status()).isEqualTo(400);
        assertThat(bank.body()).contains("destination.bankCode");
    }
}
