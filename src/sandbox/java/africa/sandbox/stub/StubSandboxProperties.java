package africa.sandbox.stub;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The stub Connect simulator ({@code sandbox.stub.*}): the apikey and appid it accepts in request bodies, how
 * long it takes to answer at the webhook, and its webhook retry schedule after a failed delivery (stub's
 * documented +10 s, +2.5 min, +30 min, +6 h; then the data is discarded). Tests shorten both.
 */
@ConfigurationProperties("sandbox.stub")
public record StubSandboxProperties(
        @DefaultValue("sk_test_sandbox0001") String apikey,
        @DefaultValue("payment-hub-sandbox") String appid,
        @DefaultValue("2s") Duration answerDelay,
        @DefaultValue("10s,150s,30m,6h") List<Duration> retryDelays,
        @DefaultValue("stub-sandbox-object-store-key") String objectStoreKey) {
}
