package africa.payhub.payment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

import africa.payhub.canonical.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit: many threads each hand over one piece of work; a writer takes up to {@code maxGroup} of
 * them and does them in one transaction (one commit, one WAL flush), and answers each after that commit. A
 * few writers may run at once, each with its own group: the round trips of one group do not hold up the next. Under load a
 * commit carries many payments. One writer gathers at a time, while the others write the groups they gathered
 * before: it takes every piece waiting, and a piece that came alone waits at most {@code gather} for a second, so
 * that a moderate load shares its commits too (each commit is a WAL flush). It waits for one more only: callers
 * that wait longer hold their threads longer, and under load that costs more than the commits it saves. With no
 * gathering time a piece alone waits for no one. A group whose transaction fails is done again one piece per
 * transaction, so one bad piece fails only its own caller.
 *
 * <p>The work function gets the group's pieces in arrival order and returns one answer per piece, in the
 * same order; it runs inside the transaction (methods it calls join it). Each piece carries its caller's
 * log context ({@link Piece#within}), so the writer's log lines name the right request and payment.
 *
 * @param <I> a piece of work
 * @param <R> its answer
 */
public final class GroupCommit<I, R> {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** One caller's piece of work with its log context. */
    public record Piece<I>(I item, Map<String, String> logContext) {

        /** Runs {@code work} with the caller's log context in place. */
        public <T> T within(Supplier<T> work) {
            Map<String, String> saved = MDC.getCopyOfContextMap();
            if (logContext != null) {
                MDC.setContextMap(logContext);
            }
            try {
                return work.get();
            } finally {
                if (saved != null) {
                    MDC.setContextMap(saved);
                } else {
                    MDC.clear();
                }
            }
        }
    }

    private record Waiting<I, R>(Piece<I> piece, CompletableFuture<R> answer) {
    }

    private final String name;
    private final TransactionTemplate tx;
    private final Function<List<Piece<I>>, List<R>> work;
    private final int maxGroup;
    private final Duration answerTimeout;
    private final int writers;
    private final long gatherNanos;
    private final ReentrantLock gathering = new ReentrantLock();
    private final BlockingQueue<Waiting<I, R>> queue;
    private volatile List<Thread> running;

    /**
     * @param name          the writer threads' name
     * @param writers       how many writers take groups at once (each its own transaction and connection)
     * @param maxGroup      the most pieces in one transaction
     * @param gather        how long a piece that came alone waits for a second to share its commit (zero: not at all)
     * @param queueSize     the most pieces waiting; past it a caller is refused (503)
     * @param answerTimeout how long a caller waits for its answer (then 503), or null to wait until it comes
     * @param work          does a group's pieces, inside its transaction
     */
    public GroupCommit(String name, PlatformTransactionManager transactions, int writers, int maxGroup, Duration gather,
                       int queueSize, Duration answerTimeout, Function<List<Piece<I>>, List<R>> work) {
        this.name = name;
        this.writers = Math.max(1, writers);
        this.gatherNanos = Math.max(0, gather.toNanos());
        this.tx = new TransactionTemplate(transactions);
        this.work = work;
        this.maxGroup = Math.max(1, maxGroup);
        this.answerTimeout = answerTimeout;
        this.queue = new ArrayBlockingQueue<>(queueSize);
    }

    /** Does {@code item} with the others waiting, and answers after the commit that holds it. */
    public R submit(I item) {
        Piece<I> piece = new Piece<>(item, MDC.getCopyOfContextMap());
        if (running == null) {
            return alone(piece);
        }
        Waiting<I, R> w = new Waiting<>(piece, new CompletableFuture<>());
        if (!queue.offer(w)) {
            throw Refusal.unavailable("the hub is writing as much as it can; retry");
        }
        try {
            return answerTimeout == null ? await(w) : w.answer().get(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            // the work may yet be committed: the caller asks again and finds what was stored
            throw Refusal.unavailable("the hub is still writing this; send the same request again for its answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the answer; a piece the writer never took (it stopped meanwhile) is done alone. */
    private R await(Waiting<I, R> w) throws ExecutionException, InterruptedException {
        while (true) {
            try {
                return w.answer().get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (running == null && queue.remove(w)) {
                    return alone(w.piece());
                }
            }
        }
    }

    private R alone(Piece<I> piece) {
        return tx.execute(status -> work.apply(List.of(piece))).get(0);
    }

    private void run() {
        List<Waiting<I, R>> group = new ArrayList<>(maxGroup);
        while (!Thread.currentThread().isInterrupted()) {
            gather(group);
            if (group.isEmpty()) {
                break;
            }
            write(group);
            group.clear();
        }
        // anything still waiting is done before the writer ends
        for (Waiting<I, R> w; (w = queue.poll()) != null; ) {
            write(List.of(w));
        }
    }

    /** Fills {@code group} as the one writer gathering; leaves it empty when interrupted before a first piece. */
    private void gather(List<Waiting<I, R>> group) {
        try {
            gathering.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            group.add(queue.take());
            queue.drainTo(group, maxGroup - 1);
            if (group.size() == 1 && maxGroup > 1 && gatherNanos > 0) {
                Waiting<I, R> next = queue.poll(gatherNanos, TimeUnit.NANOSECONDS);
                if (next != null) {
                    group.add(next);
                    queue.drainTo(group, maxGroup - 2);
                }
            }
        } catch (InterruptedException e) {
            // what was gathered is still written; the writer ends after it
            Thread.currentThread().interrupt();
        } finally {
            gathering.unlock();
        }
    }

    private void write(List<Waiting<I, R>> group) {
        List<R> answers;
        try {
            answers = tx.execute(status -> work.apply(group.stream().map(Waiting::piece).toList()));
        } catch (RuntimeException | Error groupFailed) {
            if (group.size() == 1) {
                group.get(0).answer().completeExceptionally(groupFailed);
                return;
            }
            LOG.debug("{}: a group of {} failed ({}); doing them one by one", name, group.size(), groupFailed.toString());
            for (Waiting<I, R> w : group) {
                write(List.of(w));
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).answer().complete(answers.get(i));
        }
    }

    /** Starts the writers; until then (and after {@link #stop}) each piece is done alone on its caller's thread. */
    public void start() {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(this::run, writers == 1 ? name : name + "-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
        }
        running = threads;
        threads.forEach(Thread::start);
    }

    /** Stops the writers once they have done what is waiting (at most 5 s). */
    public void stop() {
        List<Thread> threads = running;
        running = null;
        if (threads == null) {
            return;
        }
        threads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return running != null;
    }
}
