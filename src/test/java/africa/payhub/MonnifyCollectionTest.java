package africa.payhub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Money in through Monnify, told as a merchant's ERP meets it over HTTP against the simulator: a hosted
 * checkout, a one-time account paid short, in full and over, cards (no OTP, OTP, 3-D Secure, declined, a
 * lost charge answer resolved without sending the card again), a saved card token, refunds capped at what
 * was collected under concurrent requests, and webhooks duplicated after a final status. Afterwards no table
 * and no log line holds a test card's number.
 */
@ExtendWith(OutputCaptureExtension.class)
class MonnifyCollectionTest extends HubTestSupport {

    private static final String PLAIN_CARD = "4111111111111111";
    private static final String OTP_CARD = "5060995994247093";
    private static final String SECURE_CARD = "4000000000000002";
    private static final String DECLINED_CARD = "4111111111111110";

    @Autowired
    JdbcClient jdbc;

    static ObjectNode collection(String method, String amount) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId("collect"));
        m.put("operation", "COLLECTION");
        m.put("provider", "monnify");
        m.put("method", method);
        m.set("amount", Json.object().put("value", amount).put("currency", "NGN"));
        m.set("customer", Json.object().put("name", "Ada Obi").put("email", "ada@example.com").put("phone", "2348012345678"));
        m.put("narration", "Order");
        return m;
    }

    /** Submits and waits until the collection waits for the customer (PENDING); its view. */
    static JsonNode started(ObjectNode message) {
        String id = submit(message).path("paymentId").asText();
        return awaitStatus(id, "PENDING");
    }

    static JsonNode sandbox(String reference) {
        return get("/sandbox/monnify/_control/collections/" + reference, null).json();
    }

    static void customerPays(String reference, String amount) {
        Response r = post("/sandbox/monnify/_control/collections/" + reference + "/pay", "{\"amount\": \"" + amount + "\"}", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static Response postCard(String paymentId, String pan, String pin) {
        return post("/api/v1/payments/" + paymentId + "/card", "{\"pan\": \"" + pan + "\", \"expiryMonth\": \"12\","
                + " \"expiryYear\": \"2030\", \"cvv\": \"123\"" + (pin == null ? "" : ", \"pin\": \"" + pin + "\"") + "}", CLIENT);
    }

    /**
     * A hosted checkout nobody pays expires at Monnify (about 40 minutes there; 2 s here): its status query then
     * says EXPIRED, so the collection fails with reasonCode EXPIRED and is called back, never waiting for a person.
     */
    @Test
    void anUnpaidCheckoutExpiresAtMonnifyAndFailsAsExpired() {
        post("/sandbox/monnify/_control/collections/expiry", "{\"after\": \"PT2S\"}", null);
        try {
            ObjectNode m = collection("CHECKOUT", "300.00");
            String path = "/monnify-expired-" + messageId("cb");
            m.put("callbackUrl", CallbackReceiver.get().url(path));
            JsonNode p = started(m);
            String id = p.path("paymentId").asText();
            JsonNode expired = awaitStatus(id, "FAILED");
            assertThat(expired.path("reasonCode").asText()).isEqualTo("EXPIRED");
            Awaitility.await().untilAsserted(() -> assertThat(CallbackReceiver.get().receivedAt(path).stream()
                    .map(r -> Json.toNode(r.text()).path("payment").path("reasonCode").asText())).contains("EXPIRED"));
            // the customer can no longer pay it
            assertThat(post("/sandbox/monnify/_control/collections/" + p.path("providerReference").asText() + "/pay",
                    "{\"amount\": \"300.00\"}", null).status()).isEqualTo(400);
        } finally {
            post("/sandbox/monnify/_control/collections/expiry", "{\"after\": \"PT40M\"}", null);
        }
    }

    @Test
    void checkoutIsPaidOnTheHostedPageAndSettledByTheSignedWebhook() {
        ObjectNode m = collection("CHECKOUT", "2500.00");
        m.set("splits", Json.NODES.arrayNode().add(Json.object().put("subAccountCode", "MFY_SUB_322165393053").put("splitPercentage", "20")));
        JsonNode p = started(m);
        assertThat(p.path("reasonCode").asText()).isEqualTo("AWAITING_PAYMENT");
        assertThat(p.path("result").path("checkoutUrl").asText()).startsWith("https://sandbox.sdk.monnify.com/checkout/MNFY|");
        String ref = p.path("providerReference").asText();
        assertThat(sandbox(ref).path("split").asText()).contains("MFY_SUB_322165393053").contains("splitPercentage");
        customerPays(ref, "2500.00");
        JsonNode paid = awaitStatus(p.path("paymentId").asText(), "SUCCEEDED");
        assertThat(paid.path("reasonCode").isMissingNode() || paid.path("reasonCode").isNull()).isTrue();
        assertThat(paid.path("result").path("amountPaid").asText()).isEqualTo("2500.00");
        // the signed webhook arrives (it or the status query settles it, whichever comes first)
        Awaitility.await().untilAsserted(() -> assertThat(timeline(p.path("paymentId").asText()).toString())
                .contains("monnify:webhook"));
    }

    @Test
    void aOneTimeAccountPaidShortWaitsWithItsOwnReasonThenSettlesWhenTheRestArrives() {
        JsonNode p = started(collection("BANK_TRANSFER", "1000.00"));
        String id = p.path("paymentId").asText();
        assertThat(p.path("result").path("accountNumber").asText()).matches("[0-9]{10}");
        assertThat(p.path("result").path("bankName").asText()).isEqualTo("Wema bank");
        assertThat(p.path("result").path("ussdCode").asText()).startsWith("*");
        String ref = p.path("providerReference").asText();
        customerPays(ref, "400.00");
        Awaitility.await().untilAsserted(() -> assertThat(payment(id).path("reasonCode").asText()).isEqualTo("PARTIALLY_PAID"));
        JsonNode partly = payment(id);
        assertThat(partly.path("status").asText()).isEqualTo("PENDING");
        assertThat(partly.path("result").path("amountPaid").asText()).isEqualTo("400.00");
        assertThat(timeline(id).toString()).contains("REASON_CHANGED");
        customerPays(ref, "600.00");
        JsonNode paid = awaitStatus(id, "SUCCEEDED");
        assertThat(paid.path("result").path("amountPaid").asText()).isEqualTo("1000.00");
    }

    @Test
    void anOverpaymentIsPaidWithItsOwnReasonAndTheExcessCanBeRefunded() {
        JsonNode p = started(collection("BANK_TRANSFER", "1000.00"));
        String id = p.path("paymentId").asText();
        customerPays(p.path("providerReference").asText(), "1200.00");
        JsonNode paid = awaitStatus(id, "SUCCEEDED");
        assertThat(paid.path("reasonCode").asText()).isEqualTo("OVERPAID");
        assertThat(paid.path("result").path("amountPaid").asText()).isEqualTo("1200.00");
        // up to what came in: the excess first, then no more than the rest
        JsonNode refund = submit(refund(id, "200.00"));
        assertThat(refund.path("status").asText()).isEqualTo("ACCEPTED");
        Response tooMuch = post("/api/v1/payments", Json.write(refund(id, "1000.01")), CLIENT);
        HostileInputTest.problem(tooMuch, 422);
        assertThat(tooMuch.json().path("detail").asText()).contains("1000.00 of 1200.00 collected");
    }

    static ObjectNode refund(String of, String amount) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId("refund"));
        m.put("operation", "REFUND");
        m.put("provider", "monnify");
        m.put("refundOf", of);
        if (amount != null) {
            m.set("amount", Json.object().put("value", amount).put("currency", "NGN"));
        }
        return m;
    }

    @Test
    void concurrentRefundsNeverAddUpToMoreThanWasCollectedAndEachSettlesByWebhook() throws Exception {
        JsonNode p = started(collection("BANK_TRANSFER", "1000.00"));
        String id = p.path("paymentId").asText();
        Response early = post("/api/v1/payments", Json.write(refund(id, "10.00")), CLIENT);
        HostileInputTest.problem(early, 422); // not paid yet
        customerPays(p.path("providerReference").asText(), "1000.00");
        awaitStatus(id, "SUCCEEDED");

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Response>> posts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ObjectNode m = refund(id, "300.00");
            posts.add(() -> post("/api/v1/payments", Json.write(m), CLIENT));
        }
        List<Response> answers = new ArrayList<>();
        for (Future<Response> f : pool.invokeAll(posts)) {
            answers.add(f.get());
        }
        pool.shutdown();
        List<Response> accepted = answers.stream().filter(r -> r.status() == 202).toList();
        List<Response> refused = answers.stream().filter(r -> r.status() == 422).toList();
        assertThat(accepted).hasSize(3);
        assertThat(refused).hasSize(5);
        refused.forEach(r -> assertThat(r.json().path("detail").asText()).contains("exceeds what is left to refund"));
        for (Response r : accepted) {
            JsonNode done = awaitStatus(r.json().path("paymentId").asText(), "SUCCEEDED");
            assertThat(done.path("amount").path("value").asText()).isEqualTo("300.00");
        }
        assertThat(sandbox(p.path("providerReference").asText()).path("refunds")).hasSize(3);
        // the rest (100.00) without an amount, then nothing is left
        JsonNode rest = submit(refund(id, null));
        JsonNode restDone = awaitStatus(rest.path("paymentId").asText(), "SUCCEEDED");
        assertThat(restDone.path("amount").path("value").asText()).isEqualTo("100.00");
        HostileInputTest.problem(post("/api/v1/payments", Json.write(refund(id, null)), CLIENT), 422);
        // another client cannot refund it
        assertThat(post("/api/v1/payments", Json.write(refund(id, "1.00")), OTHER_CLIENT).status()).isEqualTo(404);
        // the original is still SUCCEEDED
        assertThat(payment(id).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aFailedRefundFailsAndFreesItsAmountAndDuplicateWebhooksChangeNothing() {
        JsonNode p = started(collection("BANK_TRANSFER", "500.00"));
        String id = p.path("paymentId").asText();
        customerPays(p.path("providerReference").asText(), "500.00");
        awaitStatus(id, "SUCCEEDED");
        ObjectNode failing = refund(id, "500.00").put("narration", "SANDBOX:FAIL please");
        String refundId = submit(failing).path("paymentId").asText();
        JsonNode failed = awaitStatus(refundId, "FAILED");
        assertThat(failed.path("reasonCode").asText()).isEqualTo("REFUND_FAILED");
        // a refund that failed does not count: the whole amount can be refunded again
        String again = submit(refund(id, "500.00")).path("paymentId").asText();
        awaitStatus(again, "SUCCEEDED");
        String refundRef = payment(again).path("providerReference").asText();
        // duplicates and an out-of-order replay of the failed refund's webhook, after final statuses
        long changes = statusChanges(again) + statusChanges(refundId) + statusChanges(id);
        post("/sandbox/monnify/_control/collections/" + refundRef + "/webhook/replay", "", null);
        post("/sandbox/monnify/_control/collections/" + payment(refundId).path("providerReference").asText() + "/webhook/replay", "", null);
        post("/sandbox/monnify/_control/collections/" + p.path("providerReference").asText() + "/webhook/replay", "", null);
        Awaitility.await().pollDelay(java.time.Duration.ofMillis(800)).untilAsserted(() -> {
            assertThat(payment(again).path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(payment(refundId).path("status").asText()).isEqualTo("FAILED");
            assertThat(payment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        });
        assertThat(statusChanges(again) + statusChanges(refundId) + statusChanges(id)).isEqualTo(changes);
    }

    static long statusChanges(String paymentId) {
        long n = 0;
        for (JsonNode e : timeline(paymentId).path("events")) {
            n += e.path("type").asText().equals("STATUS_CHANGED") ? 1 : 0;
        }
        return n;
    }

    @Test
    void cardsArePostedToTheirPaymentChargedOnceAndNeverKept(CapturedOutput output) {
        // the canonical message refuses card data
        ObjectNode withCard = collection("CARD", "100.00");
        withCard.set("card", Json.object().put("number", PLAIN_CARD).put("cvv", "123"));
        Response refused = post("/api/v1/payments", Json.write(withCard), CLIENT);
        HostileInputTest.problem(refused, 400);
        assertThat(refused.body()).doesNotContain(PLAIN_CARD);

        // no OTP: paid at once
        JsonNode plain = started(collection("CARD", "100.00"));
        assertThat(plain.path("reasonCode").asText()).isEqualTo("AWAITING_CARD");
        String plainId = plain.path("paymentId").asText();
        Response charged = postCard(plainId, PLAIN_CARD, "1234");
        assertThat(charged.status()).as(charged.body()).isEqualTo(200);
        assertThat(charged.json().path("status").asText()).isEqualTo("SUCCEEDED");
        HostileInputTest.problem(postCard(plainId, PLAIN_CARD, "1234"), 409);
        assertThat(sandbox(plain.path("providerReference").asText()).path("charges").asInt()).isEqualTo(1);

        // OTP: a wrong code keeps it waiting, the right one pays
        JsonNode otp = started(collection("CARD", "150.00"));
        String otpId = otp.path("paymentId").asText();
        JsonNode waiting = postCard(otpId, OTP_CARD, null).json();
        assertThat(waiting.path("status").asText()).isEqualTo("PENDING");
        assertThat(waiting.path("reasonCode").asText()).isEqualTo("AWAITING_AUTHORIZATION");
        HostileInputTest.problem(post("/api/v1/payments/" + otpId + "/authorization", "{\"otp\": \"000000\"}", CLIENT), 422);
        Response released = post("/api/v1/payments/" + otpId + "/authorization", "{\"otp\": \"123456\"}", CLIENT);
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.json().path("status").asText()).isEqualTo("SUCCEEDED");

        // 3-D Secure: the redirect URL, then the bank's confirmation by webhook
        JsonNode secure = started(collection("CARD", "175.00"));
        String secureId = secure.path("paymentId").asText();
        JsonNode redirect = postCard(secureId, SECURE_CARD, null).json();
        assertThat(redirect.path("reasonCode").asText()).isEqualTo("AWAITING_3DS");
        assertThat(redirect.path("result").path("redirectUrl").asText()).startsWith("https://");
        post("/sandbox/monnify/_control/collections/" + secure.path("providerReference").asText() + "/3ds", "", null);
        awaitStatus(secureId, "SUCCEEDED");

        // declined
        JsonNode declined = started(collection("CARD", "120.00"));
        JsonNode failed = postCard(declined.path("paymentId").asText(), DECLINED_CARD, null).json();
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("reasonCode").asText()).isEqualTo("CARD_DECLINED");

        // the charge is made but its answer is lost: PENDING, resolved without sending the card again
        JsonNode lost = started(collection("CARD", "130.00"));
        String lostId = lost.path("paymentId").asText();
        String lostRef = lost.path("providerReference").asText();
        post("/sandbox/monnify/_control/collections/" + lostRef + "/lose-charge-answer", "", null);
        Response unknown = postCard(lostId, PLAIN_CARD, null);
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(200);
        assertThat(unknown.json().path("status").asText()).isIn("PENDING", "SUCCEEDED");
        HostileInputTest.problem(postCard(lostId, PLAIN_CARD, null), 409);
        awaitStatus(lostId, "SUCCEEDED");
        assertThat(sandbox(lostRef).path("charges").asInt()).isEqualTo(1);

        // a saved card charged again by its token: the token is Monnify's reference, never the number
        Response token = get("/sandbox/monnify/_control/collections/" + plain.path("providerReference").asText(), null);
        assertThat(token.status()).isEqualTo(200);

        // no table, no timeline, no log line holds a test card's number
        for (String table : jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                + " AND table_type = 'BASE TABLE'").query(String.class).list()) {
            for (String pan : List.of(PLAIN_CARD, OTP_CARD, SECURE_CARD, DECLINED_CARD)) {
                long hits = jdbc.sql("SELECT count(*) FROM " + table + " t WHERE strpos(CAST(row_to_json(t) AS text), :pan) > 0")
                        .param("pan", pan).query(Long.class).single();
                assertThat(hits).as(table + " holding " + pan).isZero();
            }
        }
        for (String pan : List.of(PLAIN_CARD, OTP_CARD, SECURE_CARD, DECLINED_CARD)) {
            assertThat(output.getAll()).doesNotContain(pan);
        }
        assertThat(timeline(plainId).toString()).contains("CARD_SUBMITTED").contains("\"card\":\"[REDACTED]\"");
    }

    @Test
    void aSavedCardIsChargedByItsTokenForARecurringPayment() {
        JsonNode first = started(collection("CARD", "200.00"));
        String firstId = first.path("paymentId").asText();
        assertThat(postCard(firstId, PLAIN_CARD, null).json().path("status").asText()).isEqualTo("SUCCEEDED");
        // the token Monnify issued for the reusable card (its reference, never the number)
        String cardToken = sandbox(first.path("providerReference").asText()).path("cardToken").asText();
        assertThat(cardToken).startsWith("MNFY_");
        JsonNode again = awaitStatus(submit(collection("CARD_TOKEN", "200.00").put("cardToken", cardToken)).path("paymentId").asText(),
                "SUCCEEDED");
        assertThat(again.path("result").path("transactionReference").asText()).startsWith("MNFY|98|");
        ObjectNode bad = collection("CARD_TOKEN", "200.00").put("cardToken", "MNFY_UNKNOWN0001");
        String badId = submit(bad).path("paymentId").asText();
        assertThat(awaitStatus(badId, "FAILED").path("reasonCode").asText()).isEqualTo("CARD_DECLINED");
    }
}
