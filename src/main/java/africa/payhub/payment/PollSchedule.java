package africa.payhub.payment;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import africa.payhub.config.HubProperties;
import africa.payhub.payment.Decision.Phase;
import org.springframework.stereotype.Service;

/**
 * When an unresolved payment is looked at again: the next status query after a growing, jittered backoff, or
 * NEEDS_REVIEW once it has waited longer than {@code hub.polling.review-after}.
 */
@Service
public class PollSchedule {

    private final PaymentStore store;
    private final StatusChanges statusChanges;
    private final HubProperties properties;
    private final Clock clock;

    public PollSchedule(PaymentStore store, StatusChanges statusChanges, HubProperties properties, Clock clock) {
        this.store = store;
        this.statusChanges = statusChanges;
        this.properties = properties;
        this.clock = clock;
    }

    /** Still unresolved: next status query after the backoff, or NEEDS_REVIEW when it has waited too long. */
    void keepWaiting(Payment p, Phase phase, Duration retryAfter) {
        if (!p.status().isUnresolved()) {
            return;
        }
        if (phase == Phase.POLL && tooOld(p)) {
            statusChanges.changeStatus(store.lock(p.id()).orElseThrow(), PaymentStatus.NEEDS_REVIEW,
                    "unresolved after " + properties.polling().reviewAfter() + " of status queries; a person decides",
                    "UNRESOLVED", "hub:poller", null);
            store.schedulePoll(p.id(), null, false);
            return;
        }
        Duration delay = backoff(p.pollAttempts());
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        store.schedulePoll(p.id(), clock.instant().plus(delay), phase == Phase.POLL);
    }

    /**
     * A status query goes to the provider now, outside the poller's round (after a close the provider refused): the
     * payment is leased to it, as the poller leases what it claims, so that no round sends a second call meanwhile.
     * Lost in a crash, the lease runs out and the poller asks again.
     */
    void leaseToQuery(Payment p) {
        store.schedulePoll(p.id(), clock.instant().plusSeconds(properties.polling().leaseSeconds()), false);
    }

    boolean tooOld(Payment p) {
        return p.createdAt().plus(properties.polling().reviewAfter()).isBefore(clock.instant());
    }

    private Duration backoff(int attempts) {
        Duration first = properties.polling().firstDelay();
        Duration max = properties.polling().maxDelay();
        long millis = first.toMillis() * (1L << Math.min(attempts, 20));
        millis = Math.min(millis, max.toMillis());
        long jitter = millis / 10;
        millis += jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
        return Duration.ofMillis(Math.max(millis, 1));
    }
}
