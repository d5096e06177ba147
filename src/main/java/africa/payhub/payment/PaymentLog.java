package africa.payhub.payment;

import africa.payhub.logging.LogContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the log says about payments (and the transitions count), said once the write's transaction ended: a
 * line for a payment or a move its transaction lost would tell operators of something the database never kept,
 * so such a write is logged as rolled back instead (see {@link AfterCommit}).
 */
@Component("paymentLog")
public class PaymentLog {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentLog.class);

    private final MeterRegistry meters;

    public PaymentLog(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A payment stored ACCEPTED (in the caller's transaction). */
    void accepted(Payment c) {
        AfterCommit.say(() -> {
            try (LogContext log = LogContext.payment(c.id(), c.messageId(), c.clientId())) {
                LOG.info("Payment {} accepted: {} for {}", c.id(), c.operation(), c.provider());
            }
        }, () -> {
            try (LogContext log = LogContext.payment(c.id(), c.messageId(), c.clientId())) {
                LOG.info("Payment {} rolled back: its acceptance ({} for {}) was not stored", c.id(), c.operation(),
                        c.provider());
            }
        });
    }

    /** A status move (in the caller's transaction): once committed, its count and its line. */
    void moved(Payment after, PaymentStatus from, String actor) {
        AfterCommit.say(() -> {
            meters.counter("hub.payment.transitions", "provider", after.provider(), "operation", after.operation(),
                    "status", after.status().name()).increment();
            try (LogContext log = LogContext.payment(after.id(), after.messageId(), after.clientId())) {
                LOG.info("Payment {} {} -> {} ({}){}", after.id(), from, after.status(), actor,
                        after.statusReason() == null ? "" : ": " + after.statusReason());
            }
        }, () -> {
            try (LogContext log = LogContext.payment(after.id(), after.messageId(), after.clientId())) {
                LOG.info("Payment {} rolled back: its move from {} to {} ({}) was not stored", after.id(), from,
                        after.status(), actor);
            }
        });
    }

    /** A move the state machine refused (recorded on the payment's timeline in the caller's transaction). */
    void refused(Payment locked, PaymentStatus to, String actor) {
        AfterCommit.say(() -> LOG.info("Payment {} stays {}: {} refused (from {})", locked.id(), locked.status(), to, actor),
                () -> LOG.info("Payment {} rolled back: its refused move to {} was not recorded", locked.id(), to));
    }

    /** A batch completed (in the caller's transaction). */
    void batchCompleted(String batchId, int itemCount) {
        AfterCommit.say(() -> LOG.info("Batch {} completed ({} items)", batchId, itemCount),
                () -> LOG.info("Batch {} rolled back: its completion was not stored", batchId));
    }
}
