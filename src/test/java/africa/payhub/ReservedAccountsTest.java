package africa.payhub;

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
 * Money in at Monnify (its simulator, over real HTTP): a reserved account opened for a customer, owned by the
 * client that opened it, whose every transfer is a COLLECTION payment of its own with its callback; its
 * updates and closing; invoices paid, part-paid, paid in cash, resolved by the poller, cancelled; and the
 * webhooks that change no status (settlement, rejected payment, an event the hub does not apply), each
 * matched to its payment with a callback or listed for an operator.
 */
class ReservedAccountsTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    private final CallbackReceiver receiver = CallbackReceiver.get();

    // ------------------------------------------------------------------ reserved accounts

    @Test
    void everyTransferIntoAReservedAccountIsAPaymentOfItsOwnWithOneCallbackEvenWhenTheWebhookComesTwice() {
        String path = "/cb/va-" + messageId("t");
        JsonNode opened = awaitStatus(open(messageId("va"), path, null).path("paymentId").asText(), "SUCCEEDED");
        String reference = opened.path("result").path("accountReference").asText();
        assertThat(reference).isEqualTo(opened.path("providerReference").asText());
        assertThat(opened.path("result").path("accounts")).hasSize(2);   // every available bank
        assertThat(opened.path("result").path("accounts").path(0).path("accountNumber").asText()).matches("[0-9]{10}");

        JsonNode first = transfer(reference, "1500.00", null);
        transfer(reference, "250.50", null);

        Awaitility.await().untilAsserted(() -> assertThat(succeededCallbacks(path)).hasSize(3)); // the opening and two transfers
        List<String> payments = paymentsInto(reference);
        assertThat(payments).hasSize(2);
        for (String id : payments) {
            JsonNode p = payment(id);
            assertThat(p.path("operation").asText()).isEqualTo("COLLECTION");
            assertThat(p.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(p.path("result").path("payer").path("accountNumber").asText()).isEqualTo("0123456789");
        }
        assertThat(payments.stream().map(id -> payment(id).path("amount").path("value").asText()))
                .containsExactlyInAnyOrder("1500.00", "250.50");

        // the same webhook again (Monnify resends until it gets 200): no third payment, no third callback
        String key = first.path("key").asText();
        assertThat(post("/sandbox/monnify/_control/collections/webhooks/" + encoded(key) + "/replay", "", null).status()).isEqualTo(200);
        Awaitility.await().untilAsserted(() -> assertThat(jdbc.sql(
                        "SELECT count(*) FROM provider_webhooks WHERE provider = 'monnify' AND outcome = 'DUPLICATE' AND event_key = :k")
                .param("k", "SUCCESSFUL_TRANSACTION:" + key).query(Integer.class).single()).isEqualTo(1));
        assertThat(paymentsInto(reference)).hasSize(2);
        assertThat(succeededCallbacks(path)).hasSize(3);

        // another client can neither see those payments nor use the account
        assertThat(get("/api/v1/payments/" + payments.get(0), OTHER_CLIENT).status()).isEqualTo(404);
        ObjectNode update = update(messageId("va-other"), reference, "LINKED_ACCOUNTS");
        assertThat(post("/api/v1/payments", Json.write(update), OTHER_CLIENT).status()).isEqualTo(404);
        ObjectNode invoice = invoice(messageId("inv-other"), "500.00", reference);
        assertThat(post("/api/v1/payments", Json.write(invoice), OTHER_CLIENT).status()).isEqualTo(404);
    }

    @Test
    void aReservedAccountIsUpdatedAndClosedByItsClientAndTurnsAwayPayersItDoesNotAllow() {
        JsonNode opened = awaitStatus(open(messageId("va"), null, List.of("035")).path("paymentId").asText(), "SUCCEEDED");
        String reference = opened.path("result").path("accountReference").asText();
        assertThat(opened.path("result").path("accounts")).hasSize(1);

        JsonNode linked = awaitStatus(submit(update(messageId("va-link"), reference, "LINKED_ACCOUNTS")
                .put("operation", "VIRTUAL_ACCOUNT_UPDATE")).path("paymentId").asText(), "SUCCEEDED");
        assertThat(linked.path("result").path("accounts")).hasSize(2);

        ObjectNode sources = update(messageId("va-src"), reference, "PAYMENT_SOURCES");
        ((ObjectNode) sources.get("virtualAccount")).remove("preferredBanks");
        ((ObjectNode) sources.get("virtualAccount")).put("restrictPaymentSource", true).set("allowedPaymentSources",
                Json.toNode("{\"bankAccounts\": [{\"accountNumber\": \"0011223344\", \"bankCode\": \"058\"}]}"));
        awaitStatus(submit(sources).path("paymentId").asText(), "SUCCEEDED");

        String sub = operatorCall("create-sub-account", "{\"accountNumber\": \"0211319282\", \"bankCode\": \"058\","
                + " \"email\": \"sub@example.com\", \"defaultSplitPercentage\": 20.87}").path("result").path("subAccountCode").asText();
        ObjectNode split = update(messageId("va-split"), reference, "SPLIT");
        ((ObjectNode) split.get("virtualAccount")).remove("preferredBanks");
        ((ObjectNode) split.get("virtualAccount")).set("splits",
                Json.toNode("[{\"subAccountCode\": \"" + sub + "\", \"splitPercentage\": \"30\", \"feeBearer\": false}]"));
        JsonNode splitDone = awaitStatus(submit(split).path("paymentId").asText(), "SUCCEEDED");
        assertThat(splitDone.path("result").path("splits").path(0).path("splitPercentage").asText()).isEqualTo("30");

        JsonNode atMonnify = get("/sandbox/monnify/_control/reserved-accounts/" + reference, null).json();
        assertThat(atMonnify.path("restrictPaymentSource").asBoolean()).isTrue();
        assertThat(atMonnify.path("incomeSplitConfig").path(0).path("subAccountCode").asText()).isEqualTo(sub);

        // a payer the filter does not allow: Monnify turns the transfer away; no payment, listed for an operator
        JsonNode refused = transfer(reference, "900.00", "9999999999");
        assertThat(refused.path("eventType").asText()).isEqualTo("REJECTED_PAYMENT");
        awaitWebhook("REJECTED_PAYMENT:" + refused.path("key").asText() + ":" + refused.path("key").asText(), "UNMATCHED");
        assertThat(paymentsInto(reference)).isEmpty();
        assertThat(unmatched().findValuesAsText("eventKey"))
                .contains("REJECTED_PAYMENT:" + refused.path("key").asText() + ":" + refused.path("key").asText());
        transfer(reference, "900.00", "0011223344");
        Awaitility.await().untilAsserted(() -> assertThat(paymentsInto(reference)).hasSize(1));

        ObjectNode close = Json.object().put("messageId", messageId("va-close")).put("operation", "VIRTUAL_ACCOUNT_CLOSE")
                .put("provider", "monnify");
        close.set("virtualAccount", Json.object().put("accountReference", reference));
        assertThat(post("/api/v1/payments", Json.write(close), OTHER_CLIENT).status()).isEqualTo(404);
        awaitStatus(submit(close).path("paymentId").asText(), "SUCCEEDED");
        assertThat(get("/sandbox/monnify/_control/reserved-accounts/" + reference, null).status()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ invoices

    @Test
    void anInvoiceWaitsForItsCustomerIsToldOfAnUnderpaymentAndCompletesWhenPaidIntoItsReservedAccount() {
        String path = "/cb/inv-" + messageId("t");
        String reference = awaitStatus(open(messageId("va"), null, null).path("paymentId").asText(), "SUCCEEDED")
                .path("result").path("accountReference").asText();
        ObjectNode message = invoice(messageId("inv"), "999.00", reference);
        message.put("callbackUrl", receiver.url(path));
        String id = submit(message).path("paymentId").asText();
        JsonNode pending = awaitStatus(id, "PENDING");
        assertThat(pending.path("reasonCode").asText()).isEqualTo("AWAITING_PAYMENT");
        assertThat(pending.path("result").path("checkoutUrl").asText()).startsWith("https://sandbox.sdk.monnify.com/checkout/");
        // Monnify writes the merchant's API key (a secret setting) back as the invoice's createdBy: the client's
        // timeline shows Monnify's answer without it
        String shown = get("/api/v1/payments/" + id + "/events", CLIENT).body();
        assertThat(shown).contains("\"createdBy\":\"[REDACTED]\"").doesNotContain("MK_TEST_SANDBOX0001");
        String invoiceReference = pending.path("providerReference").asText();
        JsonNode atMonnify = get("/sandbox/monnify/_control/invoices/" + invoiceReference, null).json();
        assertThat(atMonnify.path("expiryDate").asText()).isEqualTo("2026-12-31 18:00:00");
        JsonNode account = get("/sandbox/monnify/_control/reserved-accounts/" + reference, null).json();
        assertThat(atMonnify.path("accountNumber").asText()).isEqualTo(account.path("accounts").path(0).path("accountNumber").asText());

        // too little: Monnify turns it away (REJECTED_PAYMENT, UNDER_PAYMENT); the client is told, the invoice waits
        pay(invoiceReference, "{\"amount\": \"500.00\"}");
        Awaitility.await().untilAsserted(() -> assertThat(receiver.receivedAt(path).stream().map(r -> Json.toNode(r.text()))
                .filter(c -> "payment.notice".equals(c.path("eventType").asText())).toList()).singleElement()
                .satisfies(c -> {
                    assertThat(c.path("notice").path("notice").asText()).isEqualTo("REJECTED_PAYMENT");
                    assertThat(c.path("notice").path("detail").path("rejectionReason").asText()).isEqualTo("UNDER_PAYMENT");
                    assertThat(new java.math.BigDecimal(c.path("notice").path("detail").path("expectedAmount").asText())).isEqualByComparingTo("999");
                }));
        assertThat(payment(id).path("status").asText()).isEqualTo("PENDING");

        pay(invoiceReference, "{}");
        JsonNode paid = awaitStatus(id, "SUCCEEDED");
        assertThat(new java.math.BigDecimal(paid.path("result").path("amountPaid").asText())).isEqualByComparingTo("999");
        Awaitility.await().untilAsserted(() -> assertThat(succeededCallbacks(path)).hasSize(1));
        // an invoice's payment is the invoice's, not a transfer into the account it is attached to
        assertThat(paymentsInto(reference)).isEmpty();
    }

    @Test
    void anInvoicePaidWithoutAWebhookIsFoundByThePollerAndOnePaidInCashCompletesToo() {
        String lost = submit(invoice(messageId("inv"), "300.00", null)).path("paymentId").asText();
        String lostReference = awaitStatus(lost, "PENDING").path("providerReference").asText();
        pay(lostReference, "{\"webhook\": false}");
        awaitStatus(lost, "SUCCEEDED");
        assertThat(timeline(lost).path("events").findValuesAsText("type")).contains("POLL_OUTCOME").doesNotContain("WEBHOOK");

        String cash = submit(invoice(messageId("inv"), "400.00", null)).path("paymentId").asText();
        String cashReference = awaitStatus(cash, "PENDING").path("providerReference").asText();
        pay(cashReference, "{\"channel\": \"OFFLINE\"}");
        JsonNode paid = awaitStatus(cash, "SUCCEEDED");
        assertThat(paid.path("result").path("paymentMethod").asText()).isEqualTo("CASH");
        assertThat(paid.path("result").path("offline").path("type").asText()).isEqualTo("INVOICE");
    }

    @Test
    void aCancelledInvoiceFailsAndOnlyItsClientMayCancelIt() {
        String id = submit(invoice(messageId("inv"), "700.00", null)).path("paymentId").asText();
        String invoiceReference = awaitStatus(id, "PENDING").path("providerReference").asText();
        ObjectNode cancel = Json.object().put("messageId", messageId("cancel")).put("operation", "CANCEL")
                .put("provider", "monnify").put("cancelOf", id);
        assertThat(post("/api/v1/payments", Json.write(cancel), OTHER_CLIENT).status()).isEqualTo(404);
        awaitStatus(submit(cancel).path("paymentId").asText(), "SUCCEEDED");
        assertThat(get("/sandbox/monnify/_control/invoices/" + invoiceReference, null).json().path("invoiceStatus").asText())
                .isEqualTo("CANCELLED");
        assertThat(awaitStatus(id, "FAILED").path("reasonCode").asText()).isEqualTo("CANCELED");
    }

    // ------------------------------------------------------------------ webhooks that change no status

    @Test
    void aSettlementTellsEveryPaymentItNamesAndWhatItCannotMatchIsListedForAnOperator() {
        String path = "/cb/stl-" + messageId("t");
        String reference = awaitStatus(open(messageId("va"), path, null).path("paymentId").asText(), "SUCCEEDED")
                .path("result").path("accountReference").asText();
        String transaction = transfer(reference, "1000.00", null).path("key").asText();
        Awaitility.await().untilAsserted(() -> assertThat(paymentsInto(reference)).hasSize(1));
        String collected = paymentsInto(reference).get(0);

        String invoiceId = submit(invoice(messageId("inv"), "250.00", null).put("callbackUrl", receiver.url(path)))
                .path("paymentId").asText();
        String invoiceReference = awaitStatus(invoiceId, "PENDING").path("providerReference").asText();
        String invoiceTransaction = pay(invoiceReference, "{}").path("key").asText();
        awaitStatus(invoiceId, "SUCCEEDED");

        JsonNode settlement = post("/sandbox/monnify/_control/settlements", Json.write(Json.object()
                .<ObjectNode>set("transactionReferences", Json.NODES.arrayNode().add(transaction).add(invoiceTransaction))
                .set("unknownTransactionReferences", Json.NODES.arrayNode().add("MNFY|04|NOT-OURS|" + messageId("x")))), null).json();
        String settlementKey = "SETTLEMENT:" + settlement.path("key").asText();
        awaitWebhook(settlementKey, "PARTLY_MATCHED");

        for (String id : List.of(collected, invoiceId)) {
            Awaitility.await().untilAsserted(() -> assertThat(receiver.receivedAt(path).stream().map(r -> Json.toNode(r.text()))
                    .filter(c -> "payment.notice".equals(c.path("eventType").asText()))
                    .filter(c -> id.equals(c.path("payment").path("paymentId").asText())).toList()).singleElement()
                    .satisfies(c -> {
                        assertThat(c.path("notice").path("notice").asText()).isEqualTo("SETTLEMENT");
                        assertThat(c.path("notice").path("detail").path("settlementReference").asText())
                                .isEqualTo(settlement.path("key").asText());
                    }));
            assertThat(timeline(id).path("events").findValuesAsText("type")).contains("PROVIDER_NOTICE");
        }
        assertThat(unmatched().findValuesAsText("eventKey")).contains(settlementKey);
    }

    @Test
    void anEventTypeTheHubDoesNotApplyIsNeverDroppedButListedForAnOperator() {
        String type = "MANDATE_STATUS_UPDATE";
        String tx = "MNFY|MANDATE|" + messageId("m");
        JsonNode sent = post("/sandbox/monnify/_control/webhooks", "{\"eventType\": \"" + type + "\", \"eventData\": "
                + "{\"transactionReference\": \"" + tx + "\", \"status\": \"ACTIVATED\"}}", null).json();
        assertThat(sent.path("eventType").asText()).isEqualTo(type);
        String key = type + ":" + tx + ":null:null";
        awaitWebhook(key, "UNMATCHED");
        Response list = get("/api/v1/ops/webhooks?provider=monnify", OPERATOR);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().path("webhooks").findValuesAsText("eventKey")).contains(key);
        assertThat(get("/api/v1/ops/webhooks", CLIENT).status()).isEqualTo(403);
    }

    // ------------------------------------------------------------------ reconciliation

    @Test
    void aReconciliationReportsMoneyPaidAtMonnifyButNotInTheHubAndTheReverse() {
        java.time.Instant from = java.time.Instant.now().minusSeconds(1);
        String reference = awaitStatus(open(messageId("va"), null, null).path("paymentId").asText(), "SUCCEEDED")
                .path("result").path("accountReference").asText();
        transfer(reference, "120.00", null);                                   // both know it
        Awaitility.await().untilAsserted(() -> assertThat(paymentsInto(reference)).hasSize(1));
        String unheard = post("/sandbox/monnify/_control/reserved-accounts/" + reference + "/transfers",
                "{\"amount\": \"80.00\", \"webhook\": false}", null).json().path("key").asText();  // the hub never heard
        String forgotten = transfer(reference, "60.00", null).path("key").asText();
        Awaitility.await().untilAsserted(() -> assertThat(paymentsInto(reference)).hasSize(2));
        assertThat(post("/sandbox/monnify/_control/transactions/" + encoded(forgotten) + "/forget", "", null).status()).isEqualTo(200);
        String lost = jdbc.sql("SELECT id FROM payments WHERE provider_transaction_id = :t").param("t", forgotten)
                .query(String.class).single();
        // a one-time collection paid in the period: Monnify's search lists it as well, so both agree on it
        JsonNode oneTime = MonnifyCollectionTest.started(MonnifyCollectionTest.collection("BANK_TRANSFER", "300.00"));
        MonnifyCollectionTest.customerPays(oneTime.path("providerReference").asText(), "300.00");
        String paidOnce = awaitStatus(oneTime.path("paymentId").asText(), "SUCCEEDED").path("paymentId").asText();

        String body = "{\"provider\": \"monnify\", \"from\": \"" + from + "\", \"to\": \""
                + java.time.Instant.now().plusSeconds(1) + "\"}";
        assertThat(post("/api/v1/ops/reconciliations", body, CLIENT).status()).isEqualTo(403);
        Response run = post("/api/v1/ops/reconciliations", body, OPERATOR);
        assertThat(run.status()).as(run.body()).isEqualTo(200);
        assertThat(run.json().path("status").asText()).isEqualTo("DONE");
        JsonNode differences = run.json().path("differences");
        assertThat(differences.findParents("transactionReference").stream()
                .filter(d -> unheard.equals(d.path("transactionReference").asText())).toList()).singleElement()
                .satisfies(d -> assertThat(d.path("kind").asText()).isEqualTo("PAID_AT_PROVIDER_NOT_IN_HUB"));
        assertThat(differences.findParents("paymentId").stream().filter(d -> lost.equals(d.path("paymentId").asText()))
                .toList()).singleElement()
                .satisfies(d -> assertThat(d.path("kind").asText()).isEqualTo("SUCCEEDED_IN_HUB_NOT_PAID_AT_PROVIDER"));
        assertThat(timeline(lost).path("events").findValuesAsText("type")).contains("RECONCILIATION_DIFFERENCE");
        assertThat(differences.findValuesAsText("paymentId")).doesNotContain(paidOnce);
        assertThat(get("/api/v1/ops/reconciliations?provider=monnify", OPERATOR).json().path("runs").findValuesAsText("runId"))
                .contains(run.json().path("runId").asText());
    }

    // ------------------------------------------------------------------ sub-accounts

    @Test
    void subAccountsAreOperatorCallsAuditedAndNotPayments() {
        JsonNode created = operatorCall("create-sub-account", "{\"accountNumber\": \"0211319282\", \"bankCode\": \"058\","
                + " \"email\": \"split@example.com\", \"defaultSplitPercentage\": 20.87}").path("result");
        String code = created.path("subAccountCode").asText();
        assertThat(code).startsWith("MFY_SUB_");
        assertThat(created.path("defaultSplitPercentage").asText()).isEqualTo("20.87");

        Response list = get("/api/v1/providers/monnify/sub-accounts", OPERATOR);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().path("result").path("subAccounts").findValuesAsText("subAccountCode")).contains(code);

        Response updated = send("PUT", "/api/v1/providers/monnify/update-sub-account", "{\"subAccountCode\": \"" + code
                + "\", \"accountNumber\": \"0211319282\", \"bankCode\": \"058\", \"email\": \"split@example.com\","
                + " \"defaultSplitPercentage\": 25}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("result").path("defaultSplitPercentage").asText()).isEqualTo("25");

        JsonNode deleted = operatorCall("delete-sub-account", "{\"subAccountCode\": \"" + code + "\"}");
        assertThat(deleted.path("result").path("deleted").asBoolean()).isTrue();
        assertThat(get("/api/v1/providers/monnify/sub-accounts", OPERATOR).json().path("result").path("subAccounts")
                .findValuesAsText("subAccountCode")).doesNotContain(code);

        assertThat(post("/api/v1/providers/monnify/create-sub-account", "{}", CLIENT).status()).isEqualTo(403);
        assertThat(jdbc.sql("SELECT count(*) FROM operator_calls WHERE provider = 'monnify' AND call IN"
                        + " ('create-sub-account', 'update-sub-account', 'delete-sub-account') AND outcome = 'OK'")
                .query(Integer.class).single()).isGreaterThanOrEqualTo(3);
    }

    // ------------------------------------------------------------------ helpers

    static ObjectNode open(String messageId, String callbackPath, List<String> banks) {
        ObjectNode m = Json.object().put("messageId", messageId).put("operation", "VIRTUAL_ACCOUNT_OPEN")
                .put("provider", "monnify").put("currency", "NGN");
        m.set("customer", Json.object().put("name", "Ada Obi").put("email", "ada@example.com"));
        if (banks != null) {
            m.set("virtualAccount", Json.object().set("preferredBanks", Json.NODES.arrayNode().addAll(
                    banks.stream().map(Json.NODES::textNode).toList())));
        }
        if (callbackPath != null) {
            m.put("callbackUrl", CallbackReceiver.get().url(callbackPath));
        }
        return (ObjectNode) submit(m);
    }

    static ObjectNode update(String messageId, String reference, String change) {
        ObjectNode m = Json.object().put("messageId", messageId).put("operation", "VIRTUAL_ACCOUNT_UPDATE").put("provider", "monnify");
        m.set("virtualAccount", Json.object().put("accountReference", reference).put("change", change)
                .set("preferredBanks", Json.NODES.arrayNode().add("232")));
        return m;
    }

    static ObjectNode invoice(String messageId, String amount, String accountReference) {
        ObjectNode m = Json.object().put("messageId", messageId).put("operation", "INVOICE").put("provider", "monnify");
        m.set("amount", Json.object().put("value", amount).put("currency", "NGN"));
        m.set("customer", Json.object().put("name", "Kofi Mensah").put("email", "kofi@example.com"));
        m.put("narration", "March rent");
        ObjectNode invoice = m.putObject("invoice").put("expiresAt", "2026-12-31T18:00:00+01:00");
        if (accountReference != null) {
            invoice.put("accountReference", accountReference);
        }
        return m;
    }

    static JsonNode transfer(String reference, String amount, String payer) {
        ObjectNode body = Json.object().put("amount", amount);
        if (payer != null) {
            body.put("payer", payer);
        }
        Response r = post("/sandbox/monnify/_control/reserved-accounts/" + reference + "/transfers", Json.write(body), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode pay(String invoiceReference, String body) {
        Response r = post("/sandbox/monnify/_control/invoices/" + invoiceReference + "/pay", body, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    List<String> paymentsInto(String accountReference) {
        return jdbc.sql("SELECT id FROM payments WHERE provider = 'monnify' AND message->'into'->>'key' = :k ORDER BY created_at")
                .param("k", accountReference).query(String.class).list();
    }

    List<JsonNode> succeededCallbacks(String path) {
        return receiver.receivedAt(path).stream().map(r -> Json.toNode(r.text()))
                .filter(c -> "payment.status.changed".equals(c.path("eventType").asText()))
                .filter(c -> "SUCCEEDED".equals(c.path("payment").path("status").asText())).toList();
    }

    void awaitWebhook(String eventKey, String outcome) {
        Awaitility.await().untilAsserted(() -> assertThat(jdbc.sql(
                        "SELECT outcome FROM provider_webhooks WHERE provider = 'monnify' AND event_key = :k AND signature_valid")
                .param("k", eventKey).query(String.class).list()).contains(outcome));
    }

    static String encoded(String pathSegment) {
        return java.net.URLEncoder.encode(pathSegment, java.nio.charset.StandardCharsets.UTF_8);
    }

    static JsonNode unmatched() {
        Response r = get("/api/v1/ops/webhooks?provider=monnify&limit=500", OPERATOR);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode operatorCall(String call, String body) {
        Response r = post("/api/v1/providers/monnify/" + call, body, OPERATOR);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static Response send(String method, String path, String body) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(BASE + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(OPERATOR.getBytes()))
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body));
        try {
            return new Response(HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
