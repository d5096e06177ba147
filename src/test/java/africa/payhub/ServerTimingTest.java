package africa.payhub;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every answer says how long the hub itself took ({@code Server-Timing: hub;dur=<ms>}), whoever wrote it. */
class ServerTimingTest extends HubTestSupport {

    private static final Pattern HUB = Pattern.compile("hub;dur=([0-9]+\\.[0-9])");

    @Test
    void everyAnswerCarriesTheHubsOwnTime() {
        Response accepted = post("/api/v1/payments", payout(messageId("timing"), "2085886393", "12.00").toString(), CLIENT);
        assertThat(accepted.status()).isEqualTo(202);
        double acceptMs = hubTime(accepted);
        assertThat(acceptMs).isGreaterThan(0.0);

        Response view = get("/api/v1/payments/" + accepted.json().path("paymentId").asText(), CLIENT);
        assertThat(view.status()).isEqualTo(200);
        hubTime(view);

        // written by Spring Security, by the problem renderer, by a refusal in the domain, by the actuator
        Response unauthorized = post("/api/v1/payments", "{}", null);
        assertThat(unauthorized.status()).isEqualTo(401);
        hubTime(unauthorized);
        Response invalid = post("/api/v1/payments", "{}", CLIENT);
        assertThat(invalid.status()).isEqualTo(400);
        hubTime(invalid);
        hubTime(get("/no/such/path", CLIENT));
        hubTime(get("/api/v1/payments/no-such-payment", CLIENT));
        hubTime(get("/actuator/health", null));
    }

    @Test
    void theTimeIsInMillisecondsWithOneDecimalRoundedHalfUp() {
        assertThat(africa.payhub.web.ServerTiming.duration(0)).isEqualTo("hub;dur=0.0");
        assertThat(africa.payhub.web.ServerTiming.duration(49_999)).isEqualTo("hub;dur=0.0");
        assertThat(africa.payhub.web.ServerTiming.duration(50_000)).isEqualTo("hub;dur=0.1");
        assertThat(africa.payhub.web.ServerTiming.duration(3_249_999)).isEqualTo("hub;dur=3.2");
        assertThat(africa.payhub.web.ServerTiming.duration(12_350_000)).isEqualTo("hub;dur=12.4");
        assertThat(africa.payhub.web.ServerTiming.duration(1_234_567_890_123L)).isEqualTo("hub;dur=1234567.9");
    }

    private static double hubTime(Response r) {
        String header = r.header("Server-Timing");
        assertThat(header).as("Server-Timing on a %d answer", r.status()).isNotNull();
        Matcher m = HUB.matcher(header);
        assertThat(m.matches()).as(header).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
