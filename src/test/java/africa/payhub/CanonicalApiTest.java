package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The canonical payments API as an enterprise system meets it: authentication, validation, idempotency. */
class CanonicalApiTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void noOrWrongCredentialsGet401Problems() {
        Response none = post("/api/v1/payments", Json.write(payout(messageId("auth"), "2085886393", "10.00")), null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("Content-Type")).startsWith("application/problem+json");
        assertThat(none.header("WWW-Authenticate")).contains("Basic");
        Response wrong = post("/api/v1/payments", Json.write(payout(messageId("auth"), "2085886393", "10.00")), "demo-erp:guess");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(get("/api/v1/payments/anything", "ops:wrong").status()).isEqualTo(401);
    }

    @Test
    void aClientSeesOnlyItsOwnPayments() {
        String id = submit(payout(messageId("own"), "2085886393", "15.00")).path("paymentId").asText();
        assertThat(get("/api/v1/payments/" + id, OTHER_CLIENT).status()).isEqualTo(404);
        assertThat(get("/api/v1/payments/" + id + "/events", OTHER_CLIENT).status()).isEqualTo(404);
        assertThat(get("/api/v1/payments/" + id, CLIENT).status()).isEqualTo(200);
        assertThat(get("/api/v1/payments/" + id, OPERATOR).status()).isEqualTo(200);
    }

    /**
     * A payment reads the same whatever applies to it: every field of the view is there, an optional one that
     * does not apply as null (the accepted answer, the payment, a search hit and the callback alike).
     */
    @Test
    void everyViewOfAPaymentCarriesEveryFieldWithNullForWhatDoesNotApply() {
        String path = "/fields-" + messageId("cb");
        ObjectNode message = payout(messageId("fields"), "2085886393", "12.00");
        message.put("callbackUrl", CallbackReceiver.get().url(path));
        JsonNode accepted = submit(message);
        String id = accepted.path("paymentId").asText();
        JsonNode paid = awaitStatus(id, "SUCCEEDED");
        JsonNode found = get("/api/v1/payments?reference=" + id, OPERATOR).json().path("payments").get(0);
        org.awaitility.Awaitility.await().until(() -> !CallbackReceiver.get().receivedAt(path).isEmpty());
        JsonNode called = Json.toNode(CallbackReceiver.get().receivedAt(path).get(0).text()).path("payment");
        for (JsonNode view : List.of(accepted, paid, found, called)) {
            for (String field : List.of("reasonCode", "statusReason", "result", "reversalOf", "batchId", "itemId", "routing")) {
                assertThat(view.has(field)).as(field + " in " + view).isTrue();
            }
            assertThat(view.get("reversalOf").isNull()).isTrue();
            assertThat(view.get("batchId").isNull()).isTrue();
            assertThat(view.get("routing").isNull()).isTrue();
        }
        assertThat(paid.get("reasonCode").isNull()).as("a plain success has no reason code").isTrue();
    }

    @Test
    void sameMessageTwiceIsOnePaymentAndOneTransfer() {
        ObjectNode message = payout(messageId("replay"), "2085886393", "2500.00");
        Response first = post("/api/v1/payments", Json.write(message), CLIENT);
        assertThat(first.status()).isEqualTo(202);
        String id = first.json().path("paymentId").asText();
        assertThat(first.header("Location")).isEqualTo("/api/v1/payments/" + id);
        awaitStatus(id, "SUCCEEDED");

        // the same content with its keys in another order is the same message
        ObjectNode reordered = Json.object();
        List<String> names = new ArrayList<>();
        message.fieldNames().forEachRemaining(names::add);
        java.util.Collections.reverse(names);
        names.forEach(n -> reordered.set(n, message.get(n)));
        Response again = post("/api/v1/payments", Json.write(reordered), CLIENT);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().path("paymentId").asText()).isEqualTo(id);
        assertThat(again.json().path("status").asText()).isEqualTo("SUCCEEDED");

        JsonNode found = get("/api/v1/payments?messageId=" + message.get("messageId").asText(), CLIENT).json();
        assertThat(found.path("payments")).hasSize(1);
        assertThat(monnify(again.json().path("providerReference").asText()).path("requests").asInt()).isEqualTo(1);
    }

    @Test
    void sameMessageIdWithDifferentContentIs422() {
        ObjectNode message = payout(messageId("conflict"), "2085886393", "100.00");
        submit(message);
        message.set("amount", Json.object().put("value", "100.01").put("currency", "NGN"));
        Response conflict = post("/api/v1/payments", Json.write(message), CLIENT);
        assertThat(conflict.status()).isEqualTo(422);
        assertThat(conflict.json().path("detail").asText()).contains("already used for a different message");
    }

    @Test
    void theSameMessageIdFromAnotherClientIsAnotherPayment() {
        ObjectNode message = payout(messageId("shared-id"), "2085886393", "30.00");
        String mine = submit(message).path("paymentId").asText();
        Response theirs = post("/api/v1/payments", Json.write(message), OTHER_CLIENT);
        assertThat(theirs.status()).isEqualTo(202);
        assertThat(theirs.json().path("paymentId").asText()).isNotEqualTo(mine);
    }

    @Test
    void twentyConcurrentPostsOfOneMessageMakeOnePayment() throws Exception {
        ObjectNode message = payout(messageId("storm"), "2085886393", "777.00");
        String body = Json.write(message);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(() -> post("/api/v1/payments", body, CLIENT));
        }
        List<Response> answers = new ArrayList<>();
        for (Future<Response> f : pool.invokeAll(calls)) {
            answers.add(f.get());
        }
        pool.shutdown();
        assertThat(answers).allSatisfy(r -> assertThat(r.status()).isIn(200, 202, 409));
        assertThat(answers.stream().filter(r -> r.status() == 202)).hasSize(1);
        assertThat(answers.stream().filter(r -> r.status() != 409).map(r -> r.json().path("paymentId").asText()).distinct()).hasSize(1);
        int rows = jdbc.sql("SELECT count(*) FROM payments WHERE client_id = 'demo-erp' AND message_id = :m")
                .param("m", message.get("messageId").asText()).query(Integer.class).single();
        assertThat(rows).isEqualTo(1);
        String id = answers.stream().filter(r -> r.status() == 202).findFirst().orElseThrow().json().path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(monnify(done.path("providerReference").asText()).path("requests").asInt()).isEqualTo(1);
    }

    @Test
    void malformedJsonIsAClear400() {
        Response r = post("/api/v1/payments", "{\"messageId\": \"x\", ", CLIENT);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo("body");
        assertThat(r.json().path("errors").get(0).path("message").asText()).contains("malformed JSON");
        assertThat(post("/api/v1/payments", "", CLIENT).status()).isEqualTo(400);
        assertThat(post("/api/v1/payments", "[1,2]", CLIENT).json().path("errors").get(0).path("message").asText())
                .isEqualTo("must be a JSON object");
    }

    @Test
    void everyProblemIsListedAtOnce() {
        ObjectNode m = payout("bad id with spaces", "2085886393", "10.001");
        m.put("operation", "PAYOUT");
        ((ObjectNode) m.get("destination")).remove("bankCode");
        m.put("colour", "blue");
        Response r = post("/api/v1/payments", Json.write(m), CLIENT);
        assertThat(r.status()).isEqualTo(400);
        assertThat(fields(r)).contains("messageId", "destination.bankCode", "colour", "amount.value");
        assertThat(message(r, "amount.value")).contains("NGN allows at most 2 decimal places");
        assertThat(message(r, "colour")).isEqualTo("is not a known field");
        assertThat(message(r, "destination.bankCode")).isEqualTo("is required");
    }

    @Test
    void amountsMustBePositiveDecimalStringsInAKnownCurrency() {
        ObjectNode zero = payout(messageId("zero"), "2085886393", "0.00");
        assertThat(message(post("/api/v1/payments", Json.write(zero), CLIENT), "amount.value")).isEqualTo("must be greater than zero");

        ObjectNode negative = payout(messageId("neg"), "2085886393", "-5.00");
        assertThat(fields(post("/api/v1/payments", Json.write(negative), CLIENT))).contains("amount.value");

        ObjectNode number = payout(messageId("num"), "2085886393", "1");
        ((ObjectNode) number.get("amount")).put("value", 12.5);
        assertThat(message(post("/api/v1/payments", Json.write(number), CLIENT), "amount.value")).isEqualTo("must be a string");

        ObjectNode currency = payout(messageId("cur"), "2085886393", "10.00");
        ((ObjectNode) currency.get("amount")).put("currency", "XYZ");
        assertThat(message(post("/api/v1/payments", Json.write(currency), CLIENT), "amount.currency")).contains("ISO 4217");

        ObjectNode lowercase = payout(messageId("cur"), "2085886393", "10.00");
        ((ObjectNode) lowercase.get("amount")).put("currency", "ngn");
        assertThat(fields(post("/api/v1/payments", Json.write(lowercase), CLIENT))).contains("amount.currency");

        ObjectNode yen = payout(messageId("jpy"), "2085886393", "10.5");
        ((ObjectNode) yen.get("amount")).put("currency", "JPY");
        assertThat(message(post("/api/v1/payments", Json.write(yen), CLIENT), "amount.value")).contains("JPY allows at most 0");
    }

    @Test
    void unknownOperationOrProviderIsRefused() {
        ObjectNode op = payout(messageId("op"), "2085886393", "10.00");
        op.put("operation", "TELEPORT");
        assertThat(message(post("/api/v1/payments", Json.write(op), CLIENT), "operation")).contains("must be one of");

        ObjectNode provider = payout(messageId("prov"), "2085886393", "10.00");
        provider.put("provider", "nobank");
        Response r = post("/api/v1/payments", Json.write(provider), CLIENT);
        assertThat(r.status()).isEqualTo(400);
        assertThat(message(r, "provider")).contains("unknown provider 'nobank'");
    }

    @Test
    void oversizedBodiesAreRefusedWithoutBeingStored() {
        ObjectNode big = payout(messageId("big"), "2085886393", "10.00");
        ((ObjectNode) big.get("metadata")).put("blob", "x".repeat(300_000));
        Response r = post("/api/v1/payments", Json.write(big), CLIENT);
        // refused while reading, before the login is even checked (see HostileInputTest)
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().path("detail").asText()).contains("the limit is 262144");
        assertThat(get("/api/v1/payments?messageId=" + big.get("messageId").asText(), CLIENT).json().path("payments")).isEmpty();
    }

    @Test
    void cardDataAndCredentialsAreNeverAccepted() {
        ObjectNode m = payout(messageId("pan"), "2085886393", "10.00");
        ((ObjectNode) m.get("metadata")).put("note", "card 4111111111111111");
        Response r = post("/api/v1/payments", Json.write(m), CLIENT);
        assertThat(r.status()).isEqualTo(400);
        assertThat(fields(r)).containsExactly("metadata.note");
        assertThat(r.body()).doesNotContain("4111111111111111");

        ObjectNode cvv = payout(messageId("cvv"), "2085886393", "10.00");
        ((ObjectNode) cvv.get("metadata")).put("cvv", "123");
        Response named = post("/api/v1/payments", Json.write(cvv), CLIENT);
        assertThat(named.status()).isEqualTo(400);
        assertThat(fields(named)).containsExactly("metadata.cvv");
        assertThat(named.body()).doesNotContain("\"123\"");
    }

    @Test
    void operatorsCannotSubmitAndClientsCannotResolve() {
        Response byOperator = post("/api/v1/payments", Json.write(payout(messageId("ops"), "2085886393", "10.00")), OPERATOR);
        assertThat(byOperator.status()).isEqualTo(403);
        String id = submit(payout(messageId("res"), "2085886393", "10.00")).path("paymentId").asText();
        Response byClient = post("/api/v1/payments/" + id + "/resolution", "{\"status\":\"FAILED\",\"reason\":\"x\"}", CLIENT);
        assertThat(byClient.status()).isEqualTo(403);
        assertThat(byClient.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void aTrailingNewlineOrANulCharacterIsA400NamingTheField() {
        ObjectNode id = payout(messageId("nl") + "\n", "2085886393", "10.00");
        assertThat(fields(post("/api/v1/payments", Json.write(id), CLIENT))).containsExactly("messageId");

        ObjectNode currency = payout(messageId("nl"), "2085886393", "10.00");
        ((ObjectNode) currency.get("amount")).put("currency", "NGN\n");
        assertThat(fields(post("/api/v1/payments", Json.write(currency), CLIENT))).containsExactly("amount.currency");

        ObjectNode amount = payout(messageId("nl"), "2085886393", "10.00\n");
        assertThat(message(post("/api/v1/payments", Json.write(amount), CLIENT), "amount.value"))
                .isEqualTo("must be a positive decimal string such as \"2500.00\"");

        ObjectNode nul = payout(messageId("nul"), "2085886393", "10.00");
        nul.put("narration", "salary\u0000; DROP");
        ((ObjectNode) nul.get("metadata")).put("note", "x\u0000");
        Response r = post("/api/v1/payments", Json.write(nul), CLIENT);
        assertThat(fields(r)).containsExactlyInAnyOrder("metadata.note", "narration");
        assertThat(message(r, "narration")).contains("NUL");
    }

    @Test
    void everyOperationHasASchemaOfItsOwnAndNoneIsNamedInTheValidator() throws Exception {
        JsonNode schema = Json.parse(Files.readAllBytes(Path.of(SCHEMA)));
        List<String> operations = schemaOperations();
        List<String> oneOf = new ArrayList<>();
        schema.path("oneOf").forEach(e -> oneOf.add(e.path("$ref").asText()));
        List<String> mapped = new ArrayList<>();
        schema.at("/discriminator/mapping").forEach(ref -> mapped.add(ref.asText()));
        assertThat(schema.at("/discriminator/propertyName").asText()).isEqualTo("operation");
        assertThat(mapped).containsExactlyElementsOf(oneOf).hasSameSizeAs(operations);
        schema.at("/discriminator/mapping").fields().forEachRemaining(e -> {
            JsonNode own = schema.at(e.getValue().asText().substring(1));
            assertThat(own.at("/properties/operation/const").asText()).isEqualTo(e.getKey());
            assertThat(own.path("required")).as(e.getKey()).extracting(JsonNode::asText).contains("messageId", "operation");
            assertThat(own.path("additionalProperties").asBoolean(true)).as(e.getKey()).isFalse();
        });
        String validator = Files.readString(Path.of("src/main/java/africa/payhub/canonical/CanonicalValidator.java"));
        operations.forEach(o -> assertThat(validator).doesNotContain("\"" + o + "\""));
    }

    @Test
    void eachOperationIsRefusedWithoutWhatItsSchemaEntryRequires() throws Exception {
        // operation -> the message without one thing its entry requires, and the field the 400 names
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("PAYOUT", new String[] {"{\"destination\": {\"type\": \"WALLET\", \"accountNumber\": \"1\", \"bankCode\": \"057\"},"
                + " \"amount\": {\"value\": \"1.00\", \"currency\": \"NGN\"}}", "destination.type", "must be one of [\"BANK_ACCOUNT\", \"MOBILE_MONEY\"]"});
        cases.put("WALLET_OPEN", new String[] {"{\"currency\": \"KES\"}", "customer", "is required"});
        cases.put("WALLET_CREDIT", new String[] {"{\"amount\": {\"value\": \"1.00\", \"currency\": \"KES\"}}", "destination", "is required"});
        cases.put("WALLET_DEBIT", new String[] {"{\"amount\": {\"value\": \"1.00\", \"currency\": \"KES\"}}", "source", "is required"});
        cases.put("WALLET_TRANSFER", new String[] {"{\"amount\": {\"value\": \"1.00\", \"currency\": \"KES\"},"
                + " \"destination\": {\"type\": \"WALLET\", \"accountNumber\": \"1\"}}", "source", "is required"});
        cases.put("WALLET_TOPUP", new String[] {"{\"amount\": {\"value\": \"1.00\", \"currency\": \"ETB\"},"
                + " \"destination\": {\"type\": \"WALLET\"}}", "destination", "phone or email"});
        cases.put("REVERSAL", new String[] {"{\"amount\": {\"value\": \"1.00\", \"currency\": \"KES\"}}", "reversalOf", "is required"});
        cases.put("PAYOUT_BATCH", new String[] {"{\"provider\": \"monnify\"}", "items", "is required"});
        cases.put("COLLECTION", new String[] {"{\"method\": \"INVOICE\", \"amount\": {\"value\": \"1.00\", \"currency\": \"USD\"},"
                + " \"customer\": {\"name\": \"Musu Kollie\"}}", "customer.phone", "is required"});
        cases.put("CANCEL", new String[] {"{}", "cancelOf", "is required"});
        cases.put("REFUND", new String[] {"{\"amount\": {\"value\": \"1.00\", \"currency\": \"NGN\"}}", "refundOf", "is required"});
        cases.put("VIRTUAL_ACCOUNT_OPEN", new String[] {"{\"currency\": \"NGN\", \"customer\": {\"name\": \"Ada Obi\"}}",
                "customer.email", "is required"});
        cases.put("VIRTUAL_ACCOUNT_UPDATE", new String[] {"{\"virtualAccount\": {\"accountReference\": \"HUB1\","
                + " \"change\": \"SPLIT\"}}", "virtualAccount.splits", "is required"});
        cases.put("VIRTUAL_ACCOUNT_CLOSE", new String[] {"{\"virtualAccount\": {}}", "virtualAccount.accountReference", "is required"});
        cases.put("INVOICE", new String[] {"{\"amount\": {\"value\": \"999.00\", \"currency\": \"NGN\"},"
                + " \"customer\": {\"name\": \"Ada Obi\", \"email\": \"ada@example.com\"}}", "invoice", "is required"});
        cases.forEach((operation, c) -> {
            ObjectNode m = (ObjectNode) Json.toNode(c[0]);
            m.put("messageId", messageId("op")).put("operation", operation);
            assertThat(message(post("/api/v1/payments", Json.write(m), CLIENT), c[1])).as(operation).contains(c[2]);
        });
        assertThat(cases.keySet()).as("a negative case for every operation").containsExactlyInAnyOrderElementsOf(schemaOperations());
    }

    @Test
    void aFieldOfAnotherOperationIsNamedWithTheOperationThatCarriesIt() {
        ObjectNode m = payout(messageId("misplaced"), "2085886393", "10.00");
        m.put("currency", "NGN").put("reversalOf", "p-1");
        Response r = post("/api/v1/payments", Json.write(m), CLIENT);
        assertThat(message(r, "currency")).startsWith("must not be given for PAYOUT; it is for WALLET_OPEN").contains("amount.currency");
        assertThat(message(r, "reversalOf")).startsWith("must not be given for PAYOUT; it is for REVERSAL");
    }

    private static final String SCHEMA = "src/main/resources/schema/payment-message.json";

    /** The operations the schema's Operation enum lists. */
    private static List<String> schemaOperations() throws Exception {
        List<String> operations = new ArrayList<>();
        Json.parse(Files.readAllBytes(Path.of(SCHEMA))).at("/$defs/Operation/enum").forEach(o -> operations.add(o.asText()));
        return operations;
    }

    private static List<String> fields(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        List<String> out = new ArrayList<>();
        r.json().path("errors").forEach(e -> out.add(e.path("field").asText()));
        return out;
    }

    private static String message(Response r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        for (JsonNode e : r.json().path("errors")) {
            if (e.path("field").asText().equals(field)) {
                return e.path("message").asText();
            }
        }
        throw new AssertionError("no error for " + field + " in " + r.body());
    }
}
