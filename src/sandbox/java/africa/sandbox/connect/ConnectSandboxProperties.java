package africa.sandbox.connect;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Connect simulator ({@code sandbox.connect.*}): the Basic credentials it accepts, those it presents
 * when it calls the hub's Status Check endpoint, and its timing.
 */
@ConfigurationProperties("sandbox.connect")
public record ConnectSandboxProperties(
        @DefaultValue("hub-connect") String username,
        @DefaultValue("connect-sandbox-password") String password,
        @DefaultValue("connect-partner") String partnerUsername,
        @DefaultValue("partner-sandbox-password") String partnerPassword,
        @DefaultValue("3s") Duration settleDelay,        // a transaction turns final this long after it was made
        @DefaultValue("35s") Duration lostResponseDelay,
        @DefaultValue("1s") Duration statusCheckDelay) { // after a top-up turns final, Connect calls the hub's Status Check
}
