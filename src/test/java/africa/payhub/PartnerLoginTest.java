package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connect's partner Status Check is a login like the API's: wrong partner passwords lock the name out from
 * that address (hub.limits.failed-logins, 5 here, for hub.limits.lockout, 3 s here), even for the right
 * password, and leave the partner's calls from elsewhere alone.
 */
class PartnerLoginTest extends HubTestSupport {

    private static final String PATH = "/partners/connect/status-check";
    private static final byte[] BODY = "{\"reference\":\"HUB-NOT-A-REFERENCE\"}".getBytes(StandardCharsets.UTF_8);
    private static final String PARTNER = "connect-partner:partner-sandbox-password";

    @Test
    void threeHundredWrongPartnerPasswordsLockTheNameOutEvenForTheRightOne() {
        FromAddress guesser = new FromAddress("127.0.0.80", PORT);
        List<Integer> statuses = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            FromAddress.Answer a = guesser.post(PATH, "connect-partner:guess-" + i, BODY);
            statuses.add(a.status());
            if (a.status() == 429) {
                assertThat(a.header("Retry-After")).isNotBlank();
                assertThat(a.header("Content-Type")).startsWith("application/problem+json");
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(statuses.subList(0, 6)).isEqualTo(List.of(401, 401, 401, 401, 401, 429));
        assertThat(statuses).as("answers, in %.1f s", seconds).containsOnly(401, 429);
        // five guesses, then nothing until the lockout (3 s) has passed since the last one
        long guessed = statuses.stream().filter(s -> s == 401).count();
        assertThat(guessed).as("guesses checked in %.1f s", seconds).isLessThanOrEqualTo(5 * (1 + (long) (seconds / 3)));
        assertThat(guesser.post(PATH, PARTNER, BODY).status()).as("the right password while locked out").isEqualTo(429);

        FromAddress partner = new FromAddress("127.0.0.81", PORT);
        FromAddress.Answer elsewhere = partner.post(PATH, PARTNER, BODY);
        assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(200);

        // the lockout ends and the right password works again from there
        Awaitility.await().untilAsserted(() -> assertThat(guesser.post(PATH, PARTNER, BODY).status()).isEqualTo(200));
    }
}
