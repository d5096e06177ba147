package africa.payhub.config;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The embedded PostgreSQL, supervised: every {@code checkInterval} it looks whether the server process is
 * still there; when it is gone (killed, crashed) it starts it again on the same data directory and port, so
 * the connection pool finds it where it was and recovers by itself. While it is down the API answers 503
 * with Retry-After (no connection within the pool's timeout) and this health component is DOWN.
 * A frozen server (alive, not answering) is not restarted: the pool's timeout answers for it.
 *
 * <p>It starts in the background from the moment it is made ({@link EmbeddedDatabaseStart} makes it as the
 * application context is prepared), so PostgreSQL's own start (initdb on a fresh checkout) runs while the
 * JVM loads and wires the rest of the hub; {@link #jdbcUrl()} and {@link #port()} wait for it.
 */
public class EmbeddedDatabase implements Closeable, HealthIndicator, MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration FIRST_STARTUP_WAIT = Duration.ofSeconds(30);
    private static final Duration RESTART_STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration LONGEST_RESTART_WAIT = Duration.ofMinutes(5);
    /** The library's lock on the data directory, taken when a server object is made. */
    private static final String LOCK_FILE = "epg-lock";

    private final Path dir;
    private final AtomicLong restarts = new AtomicLong();
    private final ScheduledExecutorService supervisor;
    private final CompletableFuture<Void> started;
    private final Duration restartWait;
    /** How long the next restart waits for the server: doubled after each restart that timed out. */
    private volatile Duration nextRestartWait;
    private volatile EmbeddedPostgres server;
    /** The postmaster (the library starts it with pg_ctl, so its own process handle is pg_ctl's). */
    private volatile ProcessHandle postmaster;
    private volatile int port;
    private volatile boolean down;
    private volatile Instant lastRestart;
    private volatile String lastFailure;
    private volatile boolean closed;

    public EmbeddedDatabase(Path dir, Duration checkInterval) {
        this(dir, checkInterval, RESTART_STARTUP_WAIT);
    }

    /** {@code restartWait}: how long a restart first waits for the server (then twice as long after each failure). */
    public EmbeddedDatabase(Path dir, Duration checkInterval, Duration restartWait) {
        this.dir = dir;
        this.restartWait = restartWait;
        this.nextRestartWait = restartWait;
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "embedded-db-supervisor");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, checkInterval.toMillis());
        // one stop at JVM exit, ours: the library's own hook would stop the server behind the supervisor's
        // back, which would then start it again as the JVM exits and leave it running
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "embedded-db-stop"));
        this.started = CompletableFuture.runAsync(() -> {
            try {
                startFirst();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            supervisor.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        }, supervisor);
    }

    private synchronized void startFirst() throws IOException {
        if (closed) {
            throw new IOException("closed before it started");
        }
        Files.createDirectories(dir);
        stopOrphanedServer(dir);
        server = start(dir, 0, FIRST_STARTUP_WAIT);
        port = server.getPort();
        postmaster = postmaster(dir);
        LOG.info("Embedded PostgreSQL on port {}, data in {}", port, dir);
    }

    /** Waits until the first start is done; its failure is the caller's (the hub cannot start without it). */
    private void awaitStarted() {
        try {
            started.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("The embedded PostgreSQL did not start in " + dir, e.getCause());
        }
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        FunctionCounter.builder("hub.database.restarts", restarts, AtomicLong::get)
                .description("Times the embedded PostgreSQL was found gone and started again")
                .register(meters);
    }

    public String jdbcUrl() {
        awaitStarted();
        return server.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        awaitStarted();
        return port;
    }

    public long restarts() {
        return restarts.get();
    }

    /** One supervision round: nothing to do while the server process lives. */
    synchronized void check() {
        if (closed || postmaster.isAlive()) {
            return;
        }
        if (!down) {
            down = true;
            LOG.error("Embedded PostgreSQL (port {}) is gone: restarting it on {}", port, dir);
        }
        try {
            EmbeddedPostgres dead = server;
            // releases the data directory's lock; its stop command finds no server, which is expected here
            closeQuietly(dead);
            stopOrphanedServer(dir);
            awaitSharedMemoryReleased(dir, Duration.ofSeconds(10));
            server = start(dir, port, nextRestartWait);
            postmaster = postmaster(dir);
            nextRestartWait = restartWait;
            restarts.incrementAndGet();
            lastRestart = Instant.now();
            lastFailure = null;
            down = false;
            LOG.warn("Embedded PostgreSQL restarted on port {} (restart {}), data in {}", port, restarts(), dir);
        } catch (Exception e) {
            lastFailure = e.getClass().getSimpleName();
            LOG.error("Embedded PostgreSQL could not be restarted yet (next try in a moment): {}", e.toString());
            releaseFailedStart(dir);
            // a server slower than the wait (a loaded machine) gets longer on the next try
            Duration doubled = nextRestartWait.multipliedBy(2);
            nextRestartWait = doubled.compareTo(LONGEST_RESTART_WAIT) > 0 ? LONGEST_RESTART_WAIT : doubled;
        }
    }

    @Override
    public Health health() {
        if (!started.isDone()) {
            return Health.down().withDetail("state", "starting").build();
        }
        if (started.isCompletedExceptionally()) {
            return Health.down().withDetail("state", "failed to start").build();
        }
        Health.Builder h = down || !postmaster.isAlive() ? Health.down().withDetail("state", "restarting")
                : Health.up();
        h.withDetail("port", port).withDetail("restarts", restarts());
        if (lastRestart != null) {
            h.withDetail("lastRestart", lastRestart.toString());
        }
        if (lastFailure != null) {
            h.withDetail("lastRestartFailure", lastFailure);
        }
        return h.build();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        supervisor.shutdownNow();
        if (server != null) {
            closeQuietly(server);
        }
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the embedded PostgreSQL: {}", e.toString());
        }
    }

    private static EmbeddedPostgres start(Path dir, int port, Duration startupWait) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(startupWait)
                .setRegisterShutdownHook(false)
                // the library's defaults trade durability for speed; an acknowledged payment must survive a
                // crash of the database, so every commit is flushed to disk before the hub answers
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
        if (port > 0) {
            b.setPort(port);
        }
        return b.start();
    }

    /**
     * A start that failed (on a loaded machine, a server slower than the wait) leaves behind a server object
     * that nobody can close: it still holds its lock on the data directory's lock file, so every later start
     * in this JVM would fail at once on that lock, and the hub would never get its database back. The server
     * it may have started late is stopped, and the lock file is replaced: a new file is a new lock, the stale
     * one is only ever this JVM's (the failed object is unreachable and closes with the next collection).
     */
    private static void releaseFailedStart(Path dir) {
        stopOrphanedServer(dir);
        try {
            Files.deleteIfExists(dir.resolve(LOCK_FILE));
        } catch (IOException e) {
            LOG.warn("Could not replace {}: {}", dir.resolve(LOCK_FILE), e.toString());
        }
    }

    /** The running server's postmaster, from the {@code postmaster.pid} it wrote when it started. */
    private static ProcessHandle postmaster(Path dir) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).orElseThrow(() -> new IOException("PostgreSQL (pid " + pid + ") is not running"));
    }

    /**
     * Waits (at most {@code limit}) until no process of the dead server is still attached to its shared memory
     * (the segment named on line 7 of {@code postmaster.pid}; Linux shows attachments in /proc/sysvipc/shm).
     * PostgreSQL refuses to start before that, and a failed start would leave the data directory locked.
     */
    private static void awaitSharedMemoryReleased(Path dir, Duration limit) throws IOException, InterruptedException {
        Path pidFile = dir.resolve("postmaster.pid");
        Path shm = Path.of("/proc/sysvipc/shm");
        if (!Files.exists(pidFile) || !Files.isReadable(shm)) {
            return;
        }
        java.util.List<String> lines = Files.readAllLines(pidFile);
        String[] key = lines.size() > 6 ? lines.get(6).trim().split("\\s+") : new String[0];
        if (key.length < 2) {
            return;
        }
        String shmid = key[1];
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            boolean attached = Files.readAllLines(shm).stream().skip(1).map(l -> l.trim().split("\\s+"))
                    .anyMatch(cols -> cols.length > 6 && cols[1].equals(shmid) && !cols[6].equals("0"));
            if (!attached) {
                return;
            }
            Thread.sleep(100);
        }
        LOG.warn("Processes of the dead PostgreSQL still hold its shared memory after {}s", limit.toSeconds());
    }

    /**
     * A hub killed without a clean shutdown leaves its PostgreSQL running on the data directory; the
     * next start would fail on the lock. Stop that orphan first (only a postgres process is touched). A
     * {@code postmaster.pid} whose process is gone (kill -9) is left to PostgreSQL, which replaces it after
     * checking that no process of the dead server still uses its shared memory.
     */
    static void stopOrphanedServer(Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            Optional<ProcessHandle> process = ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
            if (process.isPresent()) {
                LOG.warn("Stopping PostgreSQL (pid {}) left running on {} by an earlier hub", pid, dir);
                process.get().destroy();
                process.get().onExit().get(15, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("Could not check {} for a leftover server: {}", pidFile, e.toString());
        }
    }
}
