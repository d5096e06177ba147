package africa.payhub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.provider.MappingException;
import africa.payhub.provider.Mappings;
import africa.sandbox.monnify.MonnifySignature;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A newcomer adds a provider as docs/add-a-provider.md says, with data only: a declaration and a mappings
 * folder, no Java. Here "acme" is a second account on a Monnify-shaped API (the Monnify simulator plays
 * it); the hub makes its transport, payout, status and webhook routes from the shared templates, reads its
 * settings under hub.providers.acme.*, logs in as it declares and verifies its webhooks with its own key.
 */
class ProviderAsDataTest extends HubTestSupport {

    @org.springframework.beans.factory.annotation.Autowired
    Mappings mappings;

    static final String NAME = "acme";

    /** Writes acme's declaration and mappings into the scratch hub home, before the hub starts. */
    static void declare(Path home) {
        try {
            Path declaration = home.resolve("routes/providers/monnify/monnify.provider.yaml");
            Path dir = Files.createDirectories(home.resolve("routes/providers/" + NAME));
            Files.writeString(dir.resolve(NAME + ".provider.yaml"), Files.readString(declaration)
                    .replace("name: monnify", "name: " + NAME).replace("title: Monnify", "title: Acme")
                    // Acme does not promise to refuse a repeated reference, but says how long it may hold one
                    .replaceFirst("(?s)resend:\n  duplicateReferences: rejected\n.*?notFound: \\{[^}]*}\n",
                            "resend:\n  duplicateReferences: unknown\n  maxHoldTime: 4s\n")
                    // Acme's webhooks come from its own published address (WebhookBurstTest sends from it)
                    .replace("senders: [35.242.133.146]", "senders: [" + WebhookBurstTest.ACME_SENDER + "]"));
            copy(home.resolve("mappings/monnify"), home.resolve("mappings/" + NAME));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Its settings, as an operator would set them; the Monnify simulator's account. */
    static void settings(DynamicPropertyRegistry registry, String base) {
        registry.add("hub.providers.acme.base-url", () -> base + "/sandbox/monnify");
        registry.add("hub.providers.acme.api-key", () -> "MK_TEST_SANDBOX0001");
        registry.add("hub.providers.acme.secret-key", () -> "SANDBOXSECRETKEY00000000000000001");
        registry.add("hub.providers.acme.contract-code", () -> "7059707855");
        registry.add("hub.providers.acme.source-account-number", () -> "3934178936");
    }

    @Test
    void aProviderMadeOfADeclarationAndMappingsCarriesPayouts() {
        for (String route : new String[] {"acme-http", "acme-payout", "acme-payout-status", "acme-webhook"}) {
            assertThat(camelContext.getRoute(route)).as(route + " made from the declaration").isNotNull();
        }
        ObjectNode message = payout(messageId("acme"), "2085886393", "75.00");
        message.put("provider", NAME);
        JsonNode accepted = submit(message);
        JsonNode done = awaitStatus(accepted.path("paymentId").asText(), "SUCCEEDED");
        assertThat(done.path("provider").asText()).isEqualTo(NAME);
        JsonNode seen = monnify(done.path("providerReference").asText());
        assertThat(seen.path("requests").asInt()).isEqualTo(1);
        assertThat(seen.path("executions").asInt()).isEqualTo(1);
    }

    @Test
    void itsWebhooksAreVerifiedWithItsOwnDeclaredKey() {
        byte[] body = ("{\"eventType\":\"SUCCESSFUL_DISBURSEMENT\",\"eventData\":{\"reference\":\"HUBNOSUCHREFERENCE\","
                + "\"transactionReference\":\"MFDS-acme-1\",\"amount\":10,\"currency\":\"NGN\",\"status\":\"SUCCESS\"}}")
                .getBytes(StandardCharsets.UTF_8);
        Response forged = postBytes("/webhooks/" + NAME, body, "Content-Type", "application/json",
                MonnifySignature.HEADER, MonnifySignature.sign(body, "another-key"));
        assertThat(forged.status()).isEqualTo(401);
        Response signed = postBytes("/webhooks/" + NAME, body, "Content-Type", "application/json",
                MonnifySignature.HEADER, MonnifySignature.sign(body, "SANDBOXSECRETKEY00000000000000001"));
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.json().path("result").asText()).isEqualTo("UNMATCHED");
    }

    /**
     * A mapping that fails on a message (here JSLT's error(), as a template meeting data it cannot map would):
     * in the request mapping nothing has left the hub, so the send is NOT_SENT and sent again once the mapping
     * is fixed; in the response mapping the provider may have acted, so it is UNKNOWN and a status query settles
     * it, never a second transfer.
     */
    @Test
    void aMappingThatFailsBeforeTheRequestIsWrittenIsNotSentAndAfterItUnknown() throws IOException {
        for (String direction : new String[] {"request", "response"}) {
            Path mapping = HOME.resolve("mappings/" + NAME + "/payout." + direction + ".jslt");
            String original = Files.readString(mapping);
            String id;
            try {
                Files.writeString(mapping, "error(\"this " + direction + " cannot be mapped\")\n");
                // the hub re-reads a changed template within a quarter of a second: the edit is in force once it fails
                org.awaitility.Awaitility.await().untilAsserted(() -> assertThatThrownBy(() ->
                        mappings.transform(NAME + "/payout." + direction, Json.object())).isInstanceOf(MappingException.class)
                        .hasMessageContaining("cannot be mapped"));
                ObjectNode message = payout(messageId("acme-" + direction), "2085886393", "12.00");
                message.put("provider", NAME);
                id = submit(message).path("paymentId").asText();
                String expected = direction.equals("request") ? "NOT_SENT" : "UNKNOWN";
                org.awaitility.Awaitility.await().untilAsserted(() ->
                        assertThat(MonnifyPayoutTest.sendOutcomes(id)).as(direction).startsWith(expected));
            } finally {
                Files.writeString(mapping, original);
            }
            JsonNode done = awaitStatus(id, "SUCCEEDED");
            JsonNode seen = monnify(done.path("providerReference").asText());
            assertThat(seen.path("requests").asInt()).as(direction + ": requests the provider saw").isEqualTo(1);
            assertThat(seen.path("executions").asInt()).isEqualTo(1);
        }
    }
}
