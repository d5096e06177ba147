package africa.payhub.payment;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Refusal;
import africa.payhub.payment.PaymentService.Accepted;
import africa.payhub.payment.PaymentService.Carrier;
import africa.payhub.payment.PaymentService.Prepared;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit of acceptances. Each request prepares its message on its own thread (the replay check, the
 * provider, the row); one writer then stores up to {@code hub.accepts.max-group} waiting payments, with
 * their ACCEPTED events, in one statement and one transaction, and answers them all after its commit. A 202 still means the payment is on disk: no answer
 * leaves before the commit that holds its row and ACCEPTED event. Under load one commit (one WAL flush)
 * carries many payments; alone, a payment waits for no one.
 *
 * <p>The idempotency rule holds as in {@link PaymentService#accept}: a message id taken meanwhile, by an
 * earlier group, another instance or an earlier payment of the same group (its insert does nothing), is
 * answered after the commit from the stored payment: the stored answer for the same content, 422 for other
 * content. A group whose transaction fails is written again one payment per transaction, so one bad row
 * refuses only its own request. Reversals (a second unique key) take the single path.
 */
@Service
public class AcceptGroups implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptGroups.class);

    private final PaymentService payments;
    private final TransactionTemplate tx;
    private final int maxGroup;
    private final BlockingQueue<Waiting> queue;
    private volatile Thread writer;

    public AcceptGroups(PaymentService payments, PlatformTransactionManager transactions,
                        @Value("${hub.accepts.max-group:64}") int maxGroup,
                        @Value("${hub.accepts.queue-size:4096}") int queueSize) {
        this.payments = payments;
        this.tx = new TransactionTemplate(transactions);
        this.maxGroup = Math.max(1, maxGroup);
        this.queue = new ArrayBlockingQueue<>(queueSize);
    }

    /** A prepared payment, its caller's log context (its lines carry the request's id) and its answer. */
    private record Waiting(Prepared prepared, java.util.Map<String, String> logContext, CompletableFuture<Accepted> answer) {
    }

    /** As {@link PaymentService#accept(String, ObjectNode, Supplier)}, committed together with concurrent ones. */
    public Accepted accept(String clientId, ObjectNode message, Supplier<Carrier> carrier) {
        // a reversal or a refund is checked against its original under that row's lock, in the transaction
        // that stores it (two refunds must never both fit), so it takes the single path
        if (message.hasNonNull("reversalOf") || message.hasNonNull("refundOf") || writer == null) {
            return payments.accept(clientId, message, carrier);
        }
        Prepared prepared = payments.prepare(clientId, message, carrier);
        if (prepared.replay() != null) {
            return prepared.replay();
        }
        Waiting w = new Waiting(prepared, MDC.getCopyOfContextMap(), new CompletableFuture<>());
        if (!queue.offer(w)) {
            throw Refusal.unavailable("the hub is accepting as many payments as it can; retry");
        }
        try {
            return w.answer().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            // the payment may yet be stored: the client's resend of the same message gets its answer
            throw Refusal.unavailable("the payment is being stored; send the same message again for its answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void run() {
        List<Waiting> group = new ArrayList<>(maxGroup);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(group, maxGroup - 1);
            write(group);
            group.clear();
        }
        // anything still waiting is written before the writer ends
        for (Waiting w; (w = queue.poll()) != null; ) {
            write(List.of(w));
        }
    }

    private void write(List<Waiting> group) {
        List<Optional<Accepted>> stored;
        try {
            stored = tx.execute(status -> payments.storeAll(group.stream().map(Waiting::prepared).toList(),
                    group.stream().map(Waiting::logContext).toList()));
        } catch (RuntimeException groupFailed) {
            if (group.size() == 1) {
                group.get(0).answer().completeExceptionally(groupFailed);
                return;
            }
            LOG.debug("A group of {} acceptances failed ({}); writing them one by one", group.size(), groupFailed.toString());
            for (Waiting w : group) {
                write(List.of(w));
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            Waiting w = group.get(i);
            try {
                w.answer().complete(stored.get(i).orElseGet(() -> payments.replayOf(w.prepared().candidate())));
            } catch (RuntimeException e) {
                w.answer().completeExceptionally(e);
            }
        }
    }

    @Override
    public void start() {
        Thread t = new Thread(this::run, "accept-writer");
        t.setDaemon(true);
        writer = t;
        t.start();
    }

    @Override
    public void stop() {
        Thread t = writer;
        writer = null;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return writer != null;
    }

    /** Starts before and stops after the web server (which finishes its requests first; Boot's phase - 2048). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
