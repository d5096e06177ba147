package africa.payhub.sandbox.connect;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Timing of the Connect simulator. */
@ConfigurationProperties("hub.sandbox.connect")
public record ConnectSandboxProperties(Duration settleDelay, Duration lostResponseDelay, Duration statusCheckDelay) {
}
