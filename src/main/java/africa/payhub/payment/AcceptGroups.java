package africa.payhub.payment;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.payment.PaymentAcceptance.Accepted;
import africa.payhub.payment.PaymentAcceptance.Carrier;
import africa.payhub.payment.PaymentAcceptance.Prepared;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Group commit of acceptances. Each request prepares its message on its own thread (the replay check, the
 * provider, the row); one writer then stores up to {@code hub.accepts.max-group} waiting payments, with
 * their ACCEPTED events, in one statement and one transaction, and answers them all after its commit. A 202 still means the payment is on disk: no answer
 * leaves before the commit that holds its row and ACCEPTED event. Under load one commit (one WAL flush)
 * carries many payments; alone, a payment waits for no one.
 *
 * <p>The idempotency rule holds as in {@link PaymentAcceptance#accept}: a message id taken meanwhile, by an
 * earlier group, another instance or an earlier payment of the same group (its insert does nothing), is
 * answered after the commit from the stored payment: the stored answer for the same content, 422 for other
 * content. A group whose transaction fails is written again one payment per transaction, so one bad row
 * refuses only its own request ({@link GroupCommit}). Reversals and refunds take the single path.
 */
@Service
public class AcceptGroups implements SmartLifecycle {

    private final PaymentAcceptance acceptance;
    private final GroupCommit<Prepared, Optional<Accepted>> groups;

    public AcceptGroups(PaymentAcceptance acceptance, PlatformTransactionManager transactions,
                        @Value("${hub.accepts.max-group:64}") int maxGroup,
                        @Value("${hub.accepts.queue-size:4096}") int queueSize) {
        this.acceptance = acceptance;
        this.groups = new GroupCommit<>("accept-writer", transactions, 1, maxGroup, Duration.ZERO, queueSize, Duration.ofSeconds(30),
                acceptance::storeAll);
    }

    /** As {@link PaymentAcceptance#accept(String, ObjectNode, Supplier)}, committed together with concurrent ones. */
    public Accepted accept(String clientId, ObjectNode message, Supplier<Carrier> carrier) {
        // a reversal or a refund is checked against its original under that row's lock, in the transaction
        // that stores it (two refunds must never both fit), so it takes the single path
        if (message.hasNonNull("reversalOf") || message.hasNonNull("refundOf") || !groups.isRunning()) {
            return acceptance.accept(clientId, message, carrier);
        }
        Prepared prepared = acceptance.prepare(clientId, message, carrier);
        if (prepared.replay() != null) {
            return prepared.replay();
        }
        // its message id taken meanwhile (another group, instance or an earlier payment of this group):
        // the stored answer, or 422, after the commit
        return groups.submit(prepared).orElseGet(() -> acceptance.replayOf(prepared.candidate()));
    }

    @Override
    public void start() {
        groups.start();
    }

    @Override
    public void stop() {
        groups.stop();
    }

    @Override
    public boolean isRunning() {
        return groups.isRunning();
    }

    /** Starts before and stops after the web server (which finishes its requests first; Boot's phase - 2048). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
