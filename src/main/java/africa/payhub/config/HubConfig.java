package africa.payhub.config;

import java.time.Clock;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the routes refer to by name, and the clock the money rules read the time from. */
@Configuration(proxyBeanMethods = false)
public class HubConfig {

    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * How a provider call that certainly never reached the provider is tried again within one send
     * ({@code routes/core/provider-errors.camel.yaml}): {@code hub.dispatch.redeliveries} times, from
     * {@code hub.dispatch.redelivery-delay-ms}, doubling with jitter, at most 10 s apart; then the poller.
     */
    @Bean
    public RedeliveryPolicy providerRedelivery(@Value("${hub.dispatch.redeliveries:3}") int redeliveries,
                                               @Value("${hub.dispatch.redelivery-delay-ms:500}") long delayMs) {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(redeliveries);
        policy.setRedeliveryDelay(delayMs);
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2);
        policy.setUseCollisionAvoidance(true);
        policy.setMaximumRedeliveryDelay(10_000);
        policy.setRetryAttemptedLogLevel(LoggingLevel.WARN);
        policy.setLogStackTrace(false);
        policy.setLogRetryStackTrace(false);
        return policy;
    }
}
