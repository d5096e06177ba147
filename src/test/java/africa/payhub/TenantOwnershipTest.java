package africa.payhub;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client with a valid login tries every resource another client owns: payments, their timelines and
 * callbacks, reversals, wallets (debit and transfer out) and source accounts. Each is a 404 problem, as
 * for a payment that does not exist, and nothing is stored or sent.
 */
class TenantOwnershipTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void anotherClientsPaymentTimelineAndCallbacksAreNotFound() {
        ObjectNode m = payout(messageId("own-p"), "2085886393", "15.00");
        String id = submit(m).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(done.path("paymentId").asText()).isEqualTo(id);
        notFound(get("/api/v1/payments/" + id, OTHER_CLIENT));
        notFound(get("/api/v1/payments/" + id + "/events", OTHER_CLIENT));
        String eventId = jdbc.sql("SELECT CAST(event_id AS text) FROM notifications WHERE payment_id = :id LIMIT 1")
                .param("id", id).query(String.class).optional().orElse("00000000-0000-0000-0000-000000000000");
        notFound(post("/api/v1/payments/" + id + "/events/" + eventId + "/redeliver", "", OTHER_CLIENT));
        assertThat(get("/api/v1/payments?messageId=" + m.path("messageId").asText(), OTHER_CLIENT).json()
                .path("payments")).isEmpty();
    }

    @Test
    void anotherClientsPaymentCannotBeReversed() {
        String wallet = wallet();
        String credit = submit(money("WALLET_CREDIT", null, wallet)).path("paymentId").asText();
        awaitStatus(credit, "SUCCEEDED");
        ObjectNode reversal = Json.object().put("messageId", messageId("own-rev")).put("operation", "REVERSAL")
                .put("provider", "waas").put("reversalOf", credit);
        notFound(post("/api/v1/payments", Json.write(reversal), OTHER_CLIENT));
        assertThat(storedFor("other-erp", reversal)).isZero();
    }

    @Test
    void noClientDebitsOrTransfersOutOfAnotherClientsWallet() {
        String mine = wallet();
        awaitStatus(submit(money("WALLET_CREDIT", null, mine)).path("paymentId").asText(), "SUCCEEDED");
        String balance = balance(mine);

        ObjectNode debit = money("WALLET_DEBIT", mine, null);
        Response d = post("/api/v1/payments", Json.write(debit), OTHER_CLIENT);
        notFound(d);
        assertThat(d.json().path("detail").asText()).contains("wallet").contains("source.accountNumber").doesNotContain(mine);
        ObjectNode transfer = money("WALLET_TRANSFER", mine, mine);
        notFound(post("/api/v1/payments", Json.write(transfer), OTHER_CLIENT));
        // an unknown wallet is no different from another client's
        notFound(post("/api/v1/payments", Json.write(money("WALLET_DEBIT", "9999999999", null)), OTHER_CLIENT));

        assertThat(storedFor("other-erp", debit)).isZero();
        assertThat(storedFor("other-erp", transfer)).isZero();
        assertThat(balance(mine)).isEqualTo(balance);
        // the owner still can
        submit(money("WALLET_DEBIT", mine, null));
    }

    /**
     * Money never moves into another client's wallet either, and the answer says nothing about it: another
     * client's wallet, one that does not exist and another client's wallet in the wrong currency all get the
     * same 404, word for word, with no balance, currency or existence in it; nothing is stored or sent.
     */
    @Test
    void noClientCreditsOrTransfersIntoAnotherClientsWalletNorLearnsAnythingOfIt() {
        String victim = wallet();
        awaitStatus(submit(money("WALLET_CREDIT", null, victim)).path("paymentId").asText(), "SUCCEEDED");
        String before = balance(victim);
        String attackers = walletOf(OTHER_CLIENT);

        ObjectNode credit = money("WALLET_CREDIT", null, victim);
        Response intoTheirs = post("/api/v1/payments", Json.write(credit), OTHER_CLIENT);
        notFound(intoTheirs);
        ObjectNode wrongCurrency = money("WALLET_CREDIT", null, victim);
        ((ObjectNode) wrongCurrency.get("amount")).put("currency", "USD");
        Response inUsd = post("/api/v1/payments", Json.write(wrongCurrency), OTHER_CLIENT);
        notFound(inUsd);
        Response intoNone = post("/api/v1/payments", Json.write(money("WALLET_CREDIT", null, "10999999")), OTHER_CLIENT);
        notFound(intoNone);
        ObjectNode transfer = money("WALLET_TRANSFER", attackers, victim);
        Response transferred = post("/api/v1/payments", Json.write(transfer), OTHER_CLIENT);
        notFound(transferred);
        Response transferNone = post("/api/v1/payments", Json.write(money("WALLET_TRANSFER", attackers, "10999999")), OTHER_CLIENT);
        notFound(transferNone);

        // one answer for "not yours", "in the wrong currency" and "does not exist"
        assertThat(inUsd.json()).isEqualTo(intoTheirs.json());
        assertThat(intoNone.json()).isEqualTo(intoTheirs.json());
        assertThat(transferNone.json()).isEqualTo(transferred.json());
        for (Response r : List.of(intoTheirs, inUsd, transferred)) {
            assertThat(r.body()).doesNotContain(victim).doesNotContain("Balance").doesNotContain("KES").doesNotContain(before);
        }
        assertThat(storedFor("other-erp", credit)).isZero();
        assertThat(storedFor("other-erp", transfer)).isZero();
        assertThat(balance(victim)).isEqualTo(before);
        // between two wallets of one client a transfer is what it always was
        String second = walletOf(OTHER_CLIENT);
        awaitStatus(submitAs(OTHER_CLIENT, money("WALLET_CREDIT", null, attackers)), "SUCCEEDED", OTHER_CLIENT);
        JsonNode own = awaitStatus(submitAs(OTHER_CLIENT, money("WALLET_TRANSFER", attackers, second)), "SUCCEEDED", OTHER_CLIENT);
        assertThat(own.path("result").path("destination").path("currentBalance").asText()).isEqualTo("20.0000");
    }

    /**
     * A reversal takes money back out of what the reversed payment paid into: a credit a client made into a
     * wallet that is not its own (recorded before ownership covered credits) cannot be reversed by it, so the
     * victim's wallet is never debited nor its balance shown.
     */
    @Test
    void aReversalNeverDebitsAnotherClientsWallet() {
        String victim = wallet();
        awaitStatus(submit(money("WALLET_CREDIT", null, victim)).path("paymentId").asText(), "SUCCEEDED");
        String attackers = walletOf(OTHER_CLIENT);
        String credit = submitAs(OTHER_CLIENT, money("WALLET_CREDIT", null, attackers));
        awaitStatus(credit, "SUCCEEDED", OTHER_CLIENT);
        // as if the credit had named the victim's wallet
        jdbc.sql("UPDATE payments SET message = jsonb_set(message, '{destination,accountNumber}', to_jsonb(CAST(:w AS text)))"
                + " WHERE id = :id").param("w", victim).param("id", credit).update();
        String before = balance(victim);
        ObjectNode reversal = Json.object().put("messageId", messageId("own-rev2")).put("operation", "REVERSAL")
                .put("provider", "waas").put("reversalOf", credit);
        Response r = post("/api/v1/payments", Json.write(reversal), OTHER_CLIENT);
        notFound(r);
        assertThat(r.body()).doesNotContain(victim).doesNotContain("Balance");
        assertThat(storedFor("other-erp", reversal)).isZero();
        assertThat(balance(victim)).isEqualTo(before);
    }

    @Test
    void aSourceAccountMustBeOneTheClientIsConfiguredFor() {
        ObjectNode theirs = payout(messageId("own-src"), "2085886393", "11.00");
        theirs.set("source", Json.object().put("type", "BANK_ACCOUNT").put("accountNumber", "1234567890"));
        Response refused = post("/api/v1/payments", Json.write(theirs), CLIENT);
        notFound(refused);
        assertThat(refused.json().path("detail").asText()).contains("source.accountNumber").doesNotContain("1234567890");
        assertThat(storedFor("demo-erp", theirs)).isZero();

        // other-erp is configured with hub.clients.other-erp.source-accounts: 3934178936
        ObjectNode own = payout(messageId("own-src-ok"), "2085886393", "11.00");
        own.set("source", Json.object().put("type", "BANK_ACCOUNT").put("accountNumber", "3934178936"));
        assertThat(post("/api/v1/payments", Json.write(own), OTHER_CLIENT).status()).isEqualTo(202);
        notFound(post("/api/v1/payments", Json.write(own.put("messageId", messageId("own-src-2"))), CLIENT));
    }

    private static void notFound(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
    }

    private long storedFor(String client, ObjectNode message) {
        return jdbc.sql("SELECT count(*) FROM payments WHERE client_id = :c AND message_id = :m")
                .param("c", client).param("m", message.path("messageId").asText()).query(Long.class).single();
    }

    private static String balance(String account) {
        return get("/sandbox/waas/_control/accounts/" + account, null).json().path("balance").asText();
    }

    private static String submitAs(String credentials, ObjectNode message) {
        Response r = post("/api/v1/payments", Json.write(message), credentials);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("paymentId").asText();
    }

    private static JsonNode awaitStatus(String id, String status, String credentials) {
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(get("/api/v1/payments/" + id, credentials).json()
                .path("status").asText()).isEqualTo(status));
        return get("/api/v1/payments/" + id, credentials).json();
    }

    private static String walletOf(String credentials) {
        ObjectNode open = Json.object().put("messageId", messageId("own-open")).put("operation", "WALLET_OPEN")
                .put("provider", "waas").put("currency", "KES");
        open.set("customer", Json.object().put("name", "Kofi Boateng").put("email", messageId("own") + "@example.com")
                .put("phone", "+254712345679"));
        return awaitStatus(submitAs(credentials, open), "SUCCEEDED", credentials).path("result").path("accountNumber").asText();
    }

    private static String wallet() {
        ObjectNode open = Json.object().put("messageId", messageId("own-open")).put("operation", "WALLET_OPEN")
                .put("provider", "waas").put("currency", "KES");
        open.set("customer", Json.object().put("name", "Ama Mensah").put("email", messageId("own") + "@example.com")
                .put("phone", "+254712345678"));
        String id = submit(open).path("paymentId").asText();
        return awaitStatus(id, "SUCCEEDED").path("result").path("accountNumber").asText();
    }

    private static ObjectNode money(String operation, String from, String to) {
        ObjectNode m = Json.object().put("messageId", messageId("own-" + operation.toLowerCase(java.util.Locale.ROOT)))
                .put("operation", operation).put("provider", "waas");
        m.set("amount", Json.object().put("value", "20.00").put("currency", "KES"));
        if (from != null) {
            m.set("source", Json.object().put("type", "WALLET").put("accountNumber", from));
        }
        if (to != null) {
            m.set("destination", Json.object().put("type", "WALLET").put("accountNumber", to));
        }
        return m;
    }
}
