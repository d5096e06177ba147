package africa.payhub.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.springframework.stereotype.Component;

/**
 * Each enabled provider's circuit breaker as operators and metrics see it: its state (CLOSED, OPEN,
 * HALF_OPEN, ...) and its recent failure rate (over the breaker's sliding window of calls; null until the
 * window holds enough calls). The breaker is the one in the provider's {@code <provider>-http} route.
 */
@Component("providerHealth")
public class ProviderHealth {

    private final CamelContext camel;
    private final ProviderCatalog catalog;

    public ProviderHealth(CamelContext camel, ProviderCatalog catalog) {
        this.camel = camel;
        this.catalog = catalog;
    }

    public record Circuit(String provider, String state, Float failureRate, int bufferedCalls, int failedCalls,
                          long notPermittedCalls) {
    }

    /** The enabled providers' names. */
    public List<String> providers() {
        return catalog.enabledProviders();
    }

    public List<Circuit> circuits() {
        List<Circuit> out = new ArrayList<>();
        for (String provider : providers()) {
            circuit(provider).ifPresent(out::add);
        }
        return out;
    }

    public Optional<Circuit> circuit(String provider) {
        Route route = camel.getRoute(provider + "-http");
        if (route == null) {
            return Optional.empty();
        }
        return route.filter("*").stream().filter(ResilienceProcessor.class::isInstance).map(ResilienceProcessor.class::cast)
                .findFirst().map(b -> new Circuit(provider, b.getCircuitBreakerState(),
                        b.getFailureRate() < 0 ? null : b.getFailureRate(), b.getNumberOfBufferedCalls(),
                        b.getNumberOfFailedCalls(), b.getNumberOfNotPermittedCalls()));
    }
}
