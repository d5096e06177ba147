package africa.payhub.sandbox.monnify;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Timing of the Monnify simulator. */
@ConfigurationProperties("hub.sandbox.monnify")
public record MonnifySandboxProperties(Duration tokenTtl, Duration webhookDelay, Duration settleDelay,
                                       Duration lostResponseDelay) {
}
