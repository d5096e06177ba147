package africa.payhub;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.config.ProviderDeclaration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A resend after "not found" rests on what the provider's declaration says, and says what that rests on.
 * Monnify's document does not prove it refuses a repeated reference (the declaration says so: evidence kind
 * assumed), so a "not found" after an unknown outcome must hold over the declared queries and window (3 over
 * 10 minutes; 1 second in the test profile) before the same reference goes again. A declaration that claims
 * refusal without evidence, or rests it on an assumption without such a window, does not load; a provider that
 * says nothing is "unknown": review, never a resend.
 */
class ResendEvidenceTest extends HubTestSupport {

    @Test
    void anAssumedRefusalOfRepeatedReferencesIsConfirmedByStatusQueriesOverTheWindowBeforeAResend() {
        // 1000000004: Monnify answers the first request 503 without processing it, then pays the second
        String id = submit(payout(messageId("confirm"), "1000000004", "41.00")).path("paymentId").asText();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(monnify(done.path("providerReference").asText()).path("executions").asInt()).isEqualTo(1);

        List<JsonNode> events = new ArrayList<>();
        timeline(id).path("events").forEach(events::add);
        Instant sendEnded = events.stream().filter(e -> "SEND_OUTCOME".equals(e.path("type").asText())).findFirst()
                .map(e -> Instant.parse(e.path("at").asText())).orElseThrow();
        JsonNode resent = events.stream().filter(e -> "STATUS_CHANGED".equals(e.path("type").asText())
                && "SUBMITTED".equals(e.path("statusTo").asText()) && "PENDING".equals(e.path("statusFrom").asText()))
                .findFirst().orElseThrow();
        List<Instant> notFound = events.stream().filter(e -> "POLL_OUTCOME".equals(e.path("type").asText())
                        && "NOT_FOUND".equals(e.path("detail").path("outcome").asText()))
                .map(e -> Instant.parse(e.path("at").asText()))
                .filter(at -> at.isBefore(Instant.parse(resent.path("at").asText()))).toList();
        assertThat(notFound).as("status queries that found nothing before the resend").hasSizeGreaterThanOrEqualTo(3);
        assertThat(Duration.between(sendEnded, Instant.parse(resent.path("at").asText())))
                .as("the resend waited for the window after the send").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(resent.path("detail").path("reason").asText())
                .contains("status queries over PT1S found nothing").contains("is assumed");
    }

    @Test
    void aDeclarationSaysWhatARefusalOfRepeatedReferencesRestsOn() {
        assertThat(new ProviderDeclaration.Resend(null, null, null, null, null).duplicateReferences())
                .as("nothing said: unknown").isEqualTo("unknown");
        assertThatThrownBy(() -> new ProviderDeclaration.Resend("rejected", null, null, null, null))
                .hasMessageContaining("needs resend.evidence");
        ProviderDeclaration.Evidence assumed = new ProviderDeclaration.Evidence("assumed", "the sandbox refuses one");
        assertThatThrownBy(() -> new ProviderDeclaration.Resend("rejected", null, assumed, null, null))
                .hasMessageContaining("declare resend.notFound");
        assertThatThrownBy(() -> new ProviderDeclaration.Evidence("believed", "a feeling")).hasMessageContaining("documented or assumed");
        assertThat(new ProviderDeclaration.Resend("rejected", null, assumed, new ProviderDeclaration.NotFound(3, "10m"), null)
                .rejectsDuplicates()).isTrue();
        assertThat(new ProviderDeclaration.Resend("rejected", null,
                new ProviderDeclaration.Evidence("documented", "reference_id is the idempotency key"), null, null)
                .rejectsDuplicates()).isTrue();
        assertThatThrownBy(() -> new ProviderDeclaration.Resend("unknown", null, null, new ProviderDeclaration.NotFound(3, "10m"), null))
                .hasMessageContaining("nothing is sent again after a not found");
    }
}
