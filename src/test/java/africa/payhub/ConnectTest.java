package africa.payhub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Connect API (its sandbox, over real HTTP): lookups, wallet top-ups and bank transfers through every
 * status and fault, and the Status Check endpoint the hub exposes to Connect.
 */
class ConnectTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    // ------------------------------------------------------------------ lookups

    @Test
    void aBankAccountLookupAnswersTheHolderAndIsAuditedWithoutPersonalData() {
        Response r = lookup("{\"provider\":\"connect\",\"account\":{\"type\":\"BANK_ACCOUNT\",\"accountNumber\":\"1000123456\",\"bankCode\":\"CBE\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("holderName").asText()).isEqualTo("ABEBE KEBEDE");
        assertThat(r.json().path("accountStatus").asText()).isEqualTo("ACTIVE");
        String masked = jdbc.sql("SELECT account_masked FROM lookups WHERE account_sha256 = encode(sha256('1000123456'::bytea), 'hex') LIMIT 1")
                .query(String.class).single();
        assertThat(masked).isEqualTo("******3456");
        String everything = jdbc.sql("SELECT string_agg(l::text, ' ') FROM lookups l").query(String.class).single();
        assertThat(everything).doesNotContain("ABEBE");
    }

    @Test
    void aWalletLookupByPhoneOrEmailIsCachedBriefly() {
        Response first = lookup("{\"provider\":\"connect\",\"account\":{\"type\":\"WALLET\",\"email\":\"tigist@example.com\"}}");
        assertThat(first.json().path("holderName").asText()).isEqualTo("TIGIST ALEMU");
        Response again = lookup("{\"provider\":\"connect\",\"account\":{\"type\":\"WALLET\",\"email\":\"tigist@example.com\"}}");
        assertThat(again.json().path("cached").asBoolean()).isTrue();
        // the cache is per client: another client that never looked is asked of the provider, and told so
        Response other = post("/api/v1/lookups", "{\"provider\":\"connect\",\"account\":{\"type\":\"WALLET\","
                + "\"email\":\"tigist@example.com\"}}", OTHER_CLIENT);
        assertThat(other.status()).as(other.body()).isEqualTo(200);
        assertThat(other.json().path("cached").asBoolean()).isFalse();
        Response byPhone = lookup("{\"provider\":\"connect\",\"account\":{\"type\":\"WALLET\",\"phone\":\"+251911000001\"}}");
        assertThat(byPhone.json().path("holderName").asText()).isEqualTo("TIGIST ALEMU");
    }

    @Test
    void anInactiveAccountIsReportedAndAnUnknownOneIs404() {
        Response inactive = lookup("{\"provider\":\"connect\",\"account\":{\"type\":\"WALLET\",\"phone\":\"251911000002\"}}");
        assertThat(inactive.status()).isEqualTo(200);
        assertThat(inactive.json().path("accountStatus").asText()).isEqualTo("INACTIVE");

        Response unknown = lookup("{\"provider\":\"connect\",\"account\":{\"type\":\"BANK_ACCOUNT\",\"accountNumber\":\"999\",\"bankCode\":\"CBE\"}}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void badLookupsAreClear400s() {
        Response r = lookup("{\"provider\":\"connect\",\"account\":{\"type\":\"WALLET\"}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("errors").get(0).path("message").asText()).contains("phone or email");
        assertThat(lookup("{\"provider\":\"monnify\",\"account\":{\"type\":\"WALLET\",\"phone\":\"2348000000000\"}}").body())
                .contains("offers no account lookups");
        assertThat(lookup("not json").status()).isEqualTo(400);
        assertThat(post("/api/v1/lookups", "{}", null).status()).isEqualTo(401);
    }

    // ------------------------------------------------------------------ top-ups and transfers

    @Test
    void aWalletTopUpLooksUpThenSettlesAndConnectChecksItWithTheHub() {
        ObjectNode m = topUp("251911000001", "150.00");
        String id = submit(m).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(MonnifyPayoutTest.statuses(id)).containsSubsequence("SUBMITTED", "PENDING", "SUCCEEDED");
        // settled by whichever came first: the hub's status query or Connect's pushed confirmation
        assertThat(MonnifyPayoutTest.changedBy(id, "SUCCEEDED")).isIn("hub:poller", "connect:webhook");
        String reference = done.path("providerReference").asText();
        // Connect called the hub's Status Check endpoint once the top-up settled, and heard SUCCESS
        await().untilAsserted(() -> assertThat(get("/sandbox/connect/_control/status-checks/" + reference, null).json()).isNotEmpty());
        JsonNode check = get("/sandbox/connect/_control/status-checks/" + reference, null).json().get(0);
        assertThat(check.path("httpStatus").asInt()).isEqualTo(200);
        assertThat(check.path("answer").path("found").asBoolean()).isTrue();
        assertThat(check.path("answer").path("amount").asText()).isEqualTo("150.00");
        assertThat(MonnifyPayoutTest.eventTypes(id)).contains("PARTNER_STATUS_CHECK");
    }

    @Test
    void aBankTransferThatConnectFailsIsFailed() {
        String id = submit(transfer("1000123457", "75.00")).path("paymentId").asText();
        JsonNode failed = awaitStatus(id, "FAILED");
        assertThat(failed.path("reasonCode").asText()).isEqualTo("PROVIDER_FAILED");
        assertThat(failed.path("statusReason").asText()).contains("declined");
    }

    @Test
    void aFailedLookupFailsThePaymentBeforeMoneyMoves() {
        JsonNode unknown = awaitStatus(submit(transfer("4040404040", "10.00")).path("paymentId").asText(), "FAILED");
        assertThat(unknown.path("reasonCode").asText()).isEqualTo("INVALID_ACCOUNT");
        assertThat(connect(unknown.path("providerReference").asText()).path("requests").asInt()).isZero();

        JsonNode inactive = awaitStatus(submit(topUp("251911000002", "10.00")).path("paymentId").asText(), "FAILED");
        assertThat(inactive.path("reasonCode").asText()).isEqualTo("ACCOUNT_INACTIVE");
        assertThat(connect(inactive.path("providerReference").asText()).path("requests").asInt()).isZero();
    }

    @Test
    void a503IsAnAnswerSoItIsNeverSentAgainWithoutARuleThatMakesThatSafe() {
        // Connect declares neither that it refuses a repeated reference nor a maximum hold time
        JsonNode review = awaitStatus(submit(transfer("1000123459", "20.00")).path("paymentId").asText(), "NEEDS_REVIEW");
        assertThat(review.path("reasonCode").asText()).isEqualTo("NOT_FOUND_AT_PROVIDER");
        JsonNode seen = connect(review.path("providerReference").asText());
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("executions").asInt()).isZero();
    }

    @Test
    void connectsPushedConfirmationIsVerifiedAndAppliedOnceLikeAWebhook() {
        String id = submit(transfer("1000123456", "44.00")).path("paymentId").asText();
        JsonNode pending = awaitStatus(id, "PENDING");
        // the poller has not come round yet (a busy hub): Connect's confirmation is what settles it
        jdbc.sql("UPDATE payments SET next_poll_at = now() + interval '1 hour' WHERE id = :id").param("id", id).update();
        String reference = pending.path("providerReference").asText();
        String confirmation = "{\"reference\":\"" + reference + "\",\"transaction_id\":\"CX-push-1\",\"status\":\"SUCCESS\","
                + "\"amount\":\"44.00\",\"currency\":\"ETB\"}";

        Response forged = post("/partners/connect/status-check", confirmation, "connect-partner:guess");
        assertThat(forged.status()).isEqualTo(401);
        assertThat(payment(id).path("status").asText()).isEqualTo("PENDING");

        Response pushed = post("/partners/connect/status-check", confirmation, "connect-partner:partner-sandbox-password");
        assertThat(pushed.status()).isEqualTo(200);
        assertThat(pushed.json().path("status").asText()).isEqualTo("SUCCESS");
        JsonNode done = payment(id);
        assertThat(done.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(jdbc.sql("SELECT provider_transaction_id FROM payments WHERE id = :id").param("id", id)
                .query(String.class).single()).isEqualTo("CX-push-1");
        assertThat(MonnifyPayoutTest.changedBy(id, "SUCCEEDED")).isEqualTo("connect:webhook");

        // the same confirmation again changes nothing and is recorded as a duplicate
        assertThat(post("/partners/connect/status-check", confirmation, "connect-partner:partner-sandbox-password").status())
                .isEqualTo(200);
        assertThat(jdbc.sql("SELECT outcome FROM provider_webhooks WHERE provider = 'connect' AND payment_id = :id ORDER BY id")
                .param("id", id).query(String.class).list()).containsExactly("APPLIED", "DUPLICATE");
        assertThat(MonnifyPayoutTest.statuses(id).stream().filter("SUCCEEDED"::equals)).hasSize(1);
    }

    @Test
    void aLostAnswerOrAServerErrorIsResolvedByStatusQueryNeverResent() {
        for (String account : new String[] {"1000123460", "1000123461"}) {
            JsonNode done = awaitStatus(submit(transfer(account, "30.00")).path("paymentId").asText(), "SUCCEEDED");
            assertThat(connect(done.path("providerReference").asText()).path("requests").asInt()).isEqualTo(1);
        }
        JsonNode topUp = awaitStatus(submit(topUp("251911000005", "31.00")).path("paymentId").asText(), "SUCCEEDED");
        assertThat(connect(topUp.path("providerReference").asText()).path("requests").asInt()).isEqualTo(1);
    }

    @Test
    void aTopUpByEmailFindsTheWallet() {
        ObjectNode m = topUp("251911000001", "12.00");
        ((ObjectNode) m.get("destination")).remove("phone");
        ((ObjectNode) m.get("destination")).put("email", "tigist@example.com");
        assertThat(awaitStatus(submit(m).path("paymentId").asText(), "SUCCEEDED").path("result").path("providerStatus").asText())
                .isEqualTo("SUCCESS");
    }

    // ------------------------------------------------------------------ the Status Check endpoint

    @Test
    void theStatusCheckEndpointAnswersKnownAndUnknownReferencesAndRefusesStrangers() {
        JsonNode done = awaitStatus(submit(transfer("1000123456", "45.00")).path("paymentId").asText(), "SUCCEEDED");
        String reference = done.path("providerReference").asText();

        Response known = post("/partners/connect/status-check", "{\"reference\":\"" + reference + "\"}", "connect-partner:partner-sandbox-password");
        assertThat(known.status()).isEqualTo(200);
        assertThat(known.json().path("found").asBoolean()).isTrue();
        assertThat(known.json().path("status").asText()).isEqualTo("SUCCESS");
        assertThat(known.json().path("amount").asText()).isEqualTo("45.00");
        assertThat(MonnifyPayoutTest.eventTypes(done.path("paymentId").asText())).contains("PARTNER_STATUS_CHECK");

        Response unknown = post("/partners/connect/status-check", "{\"reference\":\"HUBNOSUCHREFERENCE\"}", "connect-partner:partner-sandbox-password");
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.json().path("found").asBoolean()).isFalse();
        assertThat(unknown.json().path("status").asText()).isEqualTo("NOT_FOUND");

        Response stranger = post("/partners/connect/status-check", "{\"reference\":\"" + reference + "\"}", "connect-partner:guess");
        assertThat(stranger.status()).isEqualTo(401);
        assertThat(stranger.header("Content-Type")).startsWith("application/problem+json");
        assertThat(post("/partners/connect/status-check", "{\"reference\":\"x\"}", null).status()).isEqualTo(401);
        // a client's own credentials are not the partner's
        assertThat(post("/partners/connect/status-check", "{\"reference\":\"x\"}", CLIENT).status()).isEqualTo(401);
    }

    // ------------------------------------------------------------------ helpers

    static ObjectNode topUp(String phone, String amount) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId("topup"));
        m.put("operation", "WALLET_TOPUP");
        m.put("provider", "connect");
        m.set("amount", Json.object().put("value", amount).put("currency", "ETB"));
        m.set("destination", Json.object().put("type", "WALLET").put("phone", phone));
        m.put("narration", "Airtime wallet top-up");
        return m;
    }

    static ObjectNode transfer(String account, String amount) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId("etb"));
        m.put("operation", "PAYOUT");
        m.put("provider", "connect");
        m.set("amount", Json.object().put("value", amount).put("currency", "ETB"));
        m.set("destination", Json.object().put("type", "BANK_ACCOUNT").put("accountNumber", account).put("bankCode", "CBE"));
        m.put("narration", "Supplier payment");
        return m;
    }

    static JsonNode connect(String reference) {
        return get("/sandbox/connect/_control/transactions/" + reference, null).json();
    }

    private static Response lookup(String body) {
        return post("/api/v1/lookups", body, CLIENT);
    }
}
