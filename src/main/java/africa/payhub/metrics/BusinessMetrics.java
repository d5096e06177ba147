package africa.payhub.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import africa.payhub.payment.NotificationStore;
import africa.payhub.payment.PaymentSearch;
import africa.payhub.payment.PaymentStatus;
import africa.payhub.provider.ProviderHealth;
import africa.payhub.provider.WorkQueues;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The hub's business figures as gauges, read from the database (a snapshot at most
 * {@code hub.metrics.refresh} old, so a scrape costs two small queries):
 * <ul>
 *   <li>{@code hub.payments} {provider, status}: payments in each status;</li>
 *   <li>{@code hub.payments.needs.review}: payments waiting for a person;</li>
 *   <li>{@code hub.callbacks.backlog} and {@code hub.callbacks.dead}: callbacks waiting to be sent, and given up;</li>
 *   <li>{@code hub.provider.circuit.state} {provider, state}: 1 for the breaker's current state, 0 for the others;</li>
 *   <li>{@code hub.provider.failure.rate} {provider}: the breaker's recent failure rate in percent (NaN until known);</li>
 *   <li>{@code hub.dispatch.held} {provider}: payments held in memory on this instance until the provider's work
 *   queue has room ({@link WorkQueues}).</li>
 * </ul>
 * Counters and timers are recorded where things happen: {@code hub.payment.transitions} {provider, operation,
 * status} (PaymentLog) and {@code hub.provider.calls} {provider, flow, outcome} (PaymentSteps). Every tag
 * value comes from a closed set (declared providers and flows, statuses, outcomes), never from a message.
 */
@Component
public class BusinessMetrics implements MeterBinder {

    static final List<String> CIRCUIT_STATES = List.of("CLOSED", "OPEN", "HALF_OPEN", "FORCED_OPEN", "DISABLED");

    private final PaymentSearch search;
    private final NotificationStore notifications;
    private final ProviderHealth health;
    private final WorkQueues workQueues;
    private final long refreshNanos;

    private volatile Snapshot snapshot;

    public BusinessMetrics(PaymentSearch search, NotificationStore notifications, ProviderHealth health,
                           WorkQueues workQueues, @Value("${hub.metrics.refresh:5s}") Duration refresh) {
        this.search = search;
        this.notifications = notifications;
        this.health = health;
        this.workQueues = workQueues;
        this.refreshNanos = refresh.toNanos();
    }

    private record Snapshot(long takenAt, Map<String, Map<PaymentStatus, Long>> payments, Map<String, Long> callbacks) {
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String provider : health.providers()) {
            for (PaymentStatus status : PaymentStatus.values()) {
                Gauge.builder("hub.payments", this, m -> m.count(provider, status))
                        .description("Payments in each status").tag("provider", provider).tag("status", status.name())
                        .register(registry);
            }
            for (String state : CIRCUIT_STATES) {
                Gauge.builder("hub.provider.circuit.state", health,
                                h -> h.circuit(provider).map(x -> x.state().equals(state) ? 1 : 0).orElse(0))
                        .description("1 for the provider circuit breaker's current state").tag("provider", provider)
                        .tag("state", state).register(registry);
            }
            Gauge.builder("hub.dispatch.held", workQueues, w -> w.held(provider))
                    .description("Payments held in memory until the provider's work queue has room").tag("provider", provider)
                    .register(registry);
            Gauge.builder("hub.provider.failure.rate", health,
                            h -> h.circuit(provider).map(x -> x.failureRate() == null ? Double.NaN : x.failureRate()).orElse(Double.NaN))
                    .description("The provider circuit breaker's recent failure rate (percent)").tag("provider", provider)
                    .register(registry);
        }
        Gauge.builder("hub.payments.needs.review", this, m -> m.total(PaymentStatus.NEEDS_REVIEW))
                .description("Payments waiting for a person to resolve them").register(registry);
        Gauge.builder("hub.callbacks.backlog", this, m -> m.callbacks("PENDING"))
                .description("Callbacks waiting to be sent or retried").register(registry);
        Gauge.builder("hub.callbacks.dead", this, m -> m.callbacks("DEAD"))
                .description("Callbacks given up after their retries, until redelivered").register(registry);
    }

    private double count(String provider, PaymentStatus status) {
        Map<PaymentStatus, Long> byStatus = current().payments().get(provider);
        return byStatus == null ? 0 : byStatus.getOrDefault(status, 0L);
    }

    private double total(PaymentStatus status) {
        return current().payments().values().stream().mapToLong(m -> m.getOrDefault(status, 0L)).sum();
    }

    private double callbacks(String status) {
        return current().callbacks().getOrDefault(status, 0L);
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (s == null || System.nanoTime() - s.takenAt() >= refreshNanos) {
            synchronized (this) {
                s = snapshot;
                if (s == null || System.nanoTime() - s.takenAt() >= refreshNanos) {
                    s = new Snapshot(System.nanoTime(), search.countsByProvider(), notifications.openCounts());
                    snapshot = s;
                }
            }
        }
        return s;
    }
}
