package africa.sandbox.waas;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The Wallet-as-a-Service simulator's login and timing ({@code sandbox.waas.*}). */
@ConfigurationProperties("sandbox.waas")
public record WaasSandboxProperties(
        @DefaultValue("hub-sandbox") String username,
        @DefaultValue("sandbox-password-0001") String password,
        @DefaultValue("6000s") Duration tokenTtl,
        @DefaultValue("35s") Duration lostResponseDelay) {
}
