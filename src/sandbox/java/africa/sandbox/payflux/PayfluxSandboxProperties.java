package africa.sandbox.payflux;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Payflux simulator ({@code sandbox.payflux.*}): the OAuth 2.0 client it knows, the scope a payout needs, the
 * host name its token endpoint answers on (its identity host, apart from the API's), its webhook signing secret,
 * and how long a payout takes to complete.
 */
@ConfigurationProperties("sandbox.payflux")
public record PayfluxSandboxProperties(
        @DefaultValue("payflux-hub-client") String clientId,
        @DefaultValue("pf/sandbox:secret+0001") String clientSecret,
        @DefaultValue("payouts") String scope,
        @DefaultValue("127.0.0.1") String identityHost,
        @DefaultValue("pf-webhook-sandbox-secret-0001") String webhookSecret,
        @DefaultValue("1s") Duration settleDelay) {
}
