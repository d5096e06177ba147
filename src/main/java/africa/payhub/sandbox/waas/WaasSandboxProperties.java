package africa.payhub.sandbox.waas;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Timing of the Wallet-as-a-Service simulator. */
@ConfigurationProperties("hub.sandbox.waas")
public record WaasSandboxProperties(Duration tokenTtl, Duration lostResponseDelay) {
}
