package africa.payhub.provider;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * A provider flow runs on its own exchange (an {@code enrich}); only its outcome comes back. Its error
 * handling (retries, the outcome of a failure) stays inside the provider route and does not stop the
 * calling route, which goes on to apply the outcome.
 */
@Component("providerOutcomeAggregation")
public class ProviderOutcomeAggregation implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange call) {
        if (call == null) {
            return original;
        }
        if (call.getException() != null) {
            original.setException(call.getException());
            return original;
        }
        original.getMessage().setBody(call.getMessage().getBody());
        return original;
    }
}
