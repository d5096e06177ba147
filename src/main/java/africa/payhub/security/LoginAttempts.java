package africa.payhub.security;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import africa.payhub.config.HubProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed logins wherever a caller presents a name and a secret (the API's clients and operators, a provider's
 * partner calls), and the slow password checks they cost. Failures are counted per name and address
 * ({@code hub.limits.failed-logins}: that name is then refused from that address) and per address whatever the
 * name ({@code hub.limits.failed-logins-per-address}: random names never lock one name, so the address itself
 * is then refused any login that needs a password check). An address's checks in progress count against its
 * bound until they end ({@link #admit}), so logins arriving together cannot fail more often than the bound.
 * Each count lasts {@code hub.limits.lockout} from its last failure. Password hashes (BCrypt) are computed on a small pool of their own
 * ({@code hub.limits.password-checks} threads, {@code password-check-queue} waiting): when it is full the
 * login is refused at once, so a flood of logins cannot take the processor from everyone else.
 */
public class LoginAttempts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoginAttempts.class);

    /** A login refused without looking at its secret: locked out, or no room to check it now. */
    public static final class Refused extends RuntimeException {

        private final long retryAfterSeconds;

        Refused(String detail, long retryAfterSeconds) {
            super(detail, null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private final Cache<String, AtomicInteger> byName;
    private final Cache<String, AddressCount> byAddress;
    private final int failedLogins;
    private final int failedLoginsPerAddress;
    private final Duration lockout;
    private final ThreadPoolExecutor checks;
    private final AtomicLong hashed = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public LoginAttempts(HubProperties.Limits limits) {
        this.failedLogins = Math.max(1, limits.failedLogins());
        this.failedLoginsPerAddress = Math.max(1, limits.failedLoginsPerAddress());
        this.lockout = limits.lockout();
        this.byName = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(lockout).build();
        this.byAddress = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(lockout).build();
        int threads = limits.passwordChecks() > 0 ? limits.passwordChecks()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        AtomicInteger n = new AtomicInteger();
        this.checks = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(Math.max(1, limits.passwordCheckQueue())), r -> {
                    Thread t = new Thread(r, "password-check-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.checks.allowCoreThreadTimeOut(true);
    }

    /**
     * Refuses a login from this address under this name when it is locked out; {@code realm} keeps the names of
     * different logins apart ({@code api}, {@code partner:connect}).
     */
    public void requireNotLockedOut(String realm, String name, String address) {
        AtomicInteger failed = byName.getIfPresent(key(realm, name, address));
        if (failed != null && failed.get() >= failedLogins) {
            refused.incrementAndGet();
            throw new Refused("Too many failed logins; try again later", lockout.toSeconds());
        }
    }

    /** An address's recent failures and the password checks it has in progress. */
    private static final class AddressCount {
        int failures;
        int checking;
    }

    /**
     * A password check admitted for one address: it holds a place in the address's bound until it ends, as a
     * failure ({@link #failed}) or not ({@link #close}).
     */
    public final class Admission implements AutoCloseable {

        private final String address;
        private final AddressCount count;
        private boolean ended;

        private Admission(String address, AddressCount count) {
            this.address = address;
            this.count = count;
        }

        /** The check failed: its place becomes one of the address's failures. */
        public void failed() {
            close();
            countFailure(address, count);
        }

        /** The check ended without failing (or was never run): its place is given back. */
        @Override
        public void close() {
            synchronized (count) {
                if (!ended) {
                    ended = true;
                    count.checking--;
                }
            }
        }
    }

    /**
     * Admits a login that needs a password check from this address, or refuses it when the address's recent
     * failures and the checks it has in progress reach {@code hub.limits.failed-logins-per-address}.
     */
    public Admission admit(String address) {
        String a = String.valueOf(address);
        AddressCount count = byAddress.get(a, k -> new AddressCount());
        synchronized (count) {
            if (count.failures + count.checking >= failedLoginsPerAddress) {
                refused.incrementAndGet();
                throw new Refused("Too many failed logins from this address; try again later", lockout.toSeconds());
            }
            count.checking++;
        }
        return new Admission(a, count);
    }

    /**
     * Counts a failed login for its name and address, and for the address through its admission (none when the
     * login needed no admission); each count, and so each lockout, lasts from the last failure.
     */
    public void failed(String realm, String name, String address, Admission admission) {
        String key = key(realm, name, address);
        AtomicInteger count = byName.get(key, k -> new AtomicInteger());
        byName.put(key, count);
        if (count.incrementAndGet() == failedLogins) {
            LOG.warn("Login lockout for {} after {} failed logins for one name from {}", lockout, failedLogins, address);
        }
        if (admission != null) {
            admission.failed();
        } else {
            String a = String.valueOf(address);
            countFailure(a, byAddress.get(a, k -> new AddressCount()));
        }
    }

    /** One more failure from an address; its count lasts from this failure. */
    private void countFailure(String address, AddressCount count) {
        int failures;
        synchronized (count) {
            failures = ++count.failures;
        }
        byAddress.put(address, count);
        if (failures == failedLoginsPerAddress) {
            LOG.warn("Login lockout for {} after {} failed logins from {} (any name)", lockout, failedLoginsPerAddress,
                    address);
        }
    }

    /** A login succeeded: its name's failures from that address are forgotten (the address's are not). */
    public void succeeded(String realm, String name, String address) {
        byName.invalidate(key(realm, name, address));
    }

    /**
     * Runs a password check on the pool and waits for it; refused at once when every thread is busy and the
     * queue is full.
     */
    public <T> T check(Callable<T> hash) {
        Future<T> future;
        try {
            future = checks.submit(hash);
        } catch (RejectedExecutionException e) {
            busy.incrementAndGet();
            throw new Refused("Too many logins are being checked right now; try again shortly", 1);
        }
        hashed.incrementAndGet();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public Duration lockout() {
        return lockout;
    }

    /** Password checks run since start. */
    public long passwordChecks() {
        return hashed.get();
    }

    /** Logins refused since start because the password-check pool was full. */
    public long passwordChecksRefused() {
        return busy.get();
    }

    /** Logins refused since start because their name or address was locked out. */
    public long lockedOut() {
        return refused.get();
    }

    private static String key(String realm, String name, String address) {
        return realm + "|" + name + "|" + address;
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
