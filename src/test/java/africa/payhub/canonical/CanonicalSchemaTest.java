package africa.payhub.canonical;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The validator alone, without the hub around it: what the schema and its keywords say of a message. */
class CanonicalSchemaTest {

    private static final CanonicalValidator VALIDATOR;

    static {
        try {
            VALIDATOR = new CanonicalValidator(65_536);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final String PAYOUT = """
            {"messageId": "m-1", "operation": "PAYOUT", "provider": "monnify",
             "amount": {"value": "10.00", "currency": "NGN"},
             "destination": {"type": "BANK_ACCOUNT", "accountNumber": "2085886393", "bankCode": "057"}}""";

    @Test
    void aGoodPayoutPasses() {
        assertThat(problems(PAYOUT)).isEmpty();
    }

    @Test
    void patternsHoldForTheWholeText() {
        assertThat(problems(PAYOUT.replace("\"m-1\"", "\"m-1\\n\""))).containsKey("messageId");
        assertThat(problems(PAYOUT.replace("\"NGN\"", "\"NGN\\n\""))).containsKey("amount.currency");
        assertThat(problems(PAYOUT.replace("\"10.00\"", "\"10.00\\n\""))).containsEntry("amount.value",
                "must be a positive decimal string such as \"2500.00\"");
        assertThat(WholeInputPatterns.anchorAtEnd("^[$a]+$")).isEqualTo("^[$a]+\\z");
        assertThat(WholeInputPatterns.anchorAtEnd("^a\\$$")).isEqualTo("^a\\$\\z");
    }

    @Test
    void theNulCharacterIsRefusedAnywhere() {
        String nul = PAYOUT.replace("}}", "}, \"narration\": \"pay\\u0000me\", \"metadata\": {\"a\": [\"x\\u0000\"]}}");
        Map<String, String> p = problems(nul);
        assertThat(p).containsEntry("narration", "must not contain the NUL character (\\u0000)");
        assertThat(p).containsKey("metadata.a[0]");
    }

    @Test
    void aFieldAnotherOperationCarriesIsNamedWithItsOwner() {
        Map<String, String> p = problems(PAYOUT.replace("}}", "}, \"currency\": \"NGN\", \"reversalOf\": \"p-1\"}"));
        assertThat(p.get("currency")).startsWith("must not be given for PAYOUT; it is for WALLET_OPEN")
                .contains("amount.currency");
        assertThat(p.get("reversalOf")).startsWith("must not be given for PAYOUT; it is for REVERSAL");
    }

    @Test
    void aFailingOperationEntryDoesNotMakeItsOwnFieldsUnknown() {
        Map<String, String> p = problems(PAYOUT.replace(", \"bankCode\": \"057\"", "").replace("10.00", "10.001"));
        assertThat(p).containsOnlyKeys("destination.bankCode", "amount.value");
        assertThat(p.get("amount.value")).isEqualTo("NGN allows at most 2 decimal places");
    }

    @Test
    void anUnknownOperationIsTheOneProblemNamed() {
        Map<String, String> p = problems(PAYOUT.replace("\"PAYOUT\"", "\"TELEPORT\"").replace("}}", "}, \"colour\": \"blue\"}"));
        assertThat(p).containsOnlyKeys("operation", "colour");
        assertThat(p.get("colour")).isEqualTo("is not a known field");
    }

    @Test
    void aTopUpNeedsAPhoneOrAnEmail() {
        String topup = """
                {"messageId": "t-1", "operation": "WALLET_TOPUP", "provider": "connect",
                 "amount": {"value": "1.00", "currency": "ETB"}, "destination": {"type": "WALLET"}}""";
        assertThat(problems(topup)).containsOnlyKeys("destination");
        assertThat(problems(topup).get("destination")).contains("phone or email");
    }

    @Test
    void aWalletOpenCarriesNoAmountAndAKnownCurrency() {
        String open = """
                {"messageId": "o-1", "operation": "WALLET_OPEN", "currency": "XYZ",
                 "customer": {"name": "Ama", "email": "ama@example.com", "phone": "254712345678"},
                 "amount": {"value": "1.00", "currency": "KES"}}""";
        Map<String, String> p = problems(open);
        assertThat(p.get("amount")).startsWith("must not be given for WALLET_OPEN");
        assertThat(p.get("currency")).isEqualTo("is not an ISO 4217 currency code");
    }

    /**
     * Each message is checked against its operation's own schema, as the discriminator picks it; the whole document
     * (its oneOf of every operation, as any JSON Schema validator reads it) accepts exactly the messages that pass:
     * every operation's example, and every operation's message bare, with the fields of every other operation, or
     * with a payout's.
     */
    @Test
    void theOperationsSchemaAcceptsWhatTheWholeDocumentAccepts() throws Exception {
        CanonicalValidator whole = new CanonicalValidator(CanonicalValidator.SCHEMA_RESOURCE, 65_536, false);
        JsonNode document = Json.MAPPER.readTree(getClass().getResourceAsStream(CanonicalValidator.SCHEMA_RESOURCE));
        Operations byOperation = new Operations(document);
        List<String> operations = byOperation.names();
        com.fasterxml.jackson.databind.node.ObjectNode everyField = Json.object();
        document.path("$defs").forEach(def -> def.path("properties").fieldNames().forEachRemaining(f -> everyField.put(f, "x")));
        assertThat(operations).hasSizeGreaterThan(10).doesNotContain("");
        int refused = 0;
        int accepted = 0;
        for (String operation : operations) {
            List<String> messages = new ArrayList<>(List.of(
                    "{\"messageId\": \"m-1\", \"operation\": \"" + operation + "\"}",
                    everyField.deepCopy().put("messageId", "m-1").put("operation", operation).toString(),
                    PAYOUT.replace("\"PAYOUT\"", "\"" + operation + "\"")));
            JsonNode examples = document.at(byOperation.schemaOf(operation).path("$ref").asText().substring(1)).path("examples");
            assertThat(examples).as(operation + " has an example").isNotEmpty();
            examples.forEach(e -> messages.add(e.toString()));
            for (String message : messages) {
                boolean passes = problems(VALIDATOR, message).isEmpty();
                assertThat(passes).as(message).isEqualTo(problems(whole, message).isEmpty());
                if (passes) {
                    accepted++;
                } else {
                    refused++;
                }
            }
        }
        // both kinds were compared, not only refusals
        assertThat(accepted).isGreaterThanOrEqualTo(operations.size());
        assertThat(refused).isGreaterThan(2 * operations.size());
        // and a message meets its own operation's schema only
        assertThat(byOperation.schemaOf("PAYOUT").path("$ref").asText()).isEqualTo("#/$defs/PayoutMessage");
        assertThat(byOperation.isKnown("TELEPORT")).isFalse();
    }

    static Map<String, String> problems(String json) {
        return problems(VALIDATOR, json);
    }

    static Map<String, String> problems(CanonicalValidator validator, String json) {
        try {
            validator.validate(json.getBytes(StandardCharsets.UTF_8));
            return Map.of();
        } catch (Refusal e) {
            Map<String, String> out = new LinkedHashMap<>();
            for (FieldError error : e.errors()) {
                out.merge(error.field(), error.message(), (a, b) -> a + " | " + b);
            }
            return out;
        }
    }
}
