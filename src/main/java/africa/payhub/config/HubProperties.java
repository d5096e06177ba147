package africa.payhub.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Everything under {@code hub.*} except the providers, which each have their own properties class. */
@ConfigurationProperties("hub")
public record HubProperties(
        String home,
        Demo demo,
        Sandbox sandbox,
        Database database,
        Reload reload,
        Limits limits,
        Dispatch dispatch,
        Polling polling,
        Callbacks callbacks,
        @DefaultValue Map<String, Client> clients,
        @DefaultValue Map<String, Operator> operators) {

    /**
     * An enterprise system: HTTP Basic credentials ({@code secret}, and {@code next-secret} while rotating:
     * both are accepted), the secret its callbacks are signed with, the source accounts it may name in a
     * message ({@code source-accounts}), and whether its callbacks may go to private or loopback addresses
     * ({@code callback-allow-private}, for a receiver inside the hub's own network).
     */
    public record Client(Secret secret, Secret nextSecret, Secret callbackSecret, String callbackUrl,
                         @DefaultValue List<String> sourceAccounts, boolean callbackAllowPrivate) {
    }

    public record Operator(Secret secret) {
    }

    /** A demo client and operator for a fresh checkout; off in production. */
    public record Demo(boolean enabled) {
    }

    /** Whether the provider simulators run in this process (their own settings are under sandbox.*). */
    public record Sandbox(boolean enabled) {
    }

    public record Database(boolean embedded, String dataDirectory) {
    }

    public record Reload(boolean enabled) {
    }

    /**
     * Limits before work: the largest body, how long a whole body may take to arrive, how many bodies one
     * address (and all addresses together) may be trickling in at once, requests per second per client and per
     * anonymous address, failed logins before a client name (or, whatever the names, an address) is locked out
     * for {@code lockout}, and the threads (0: half the processors, at least one) and queue of password checks.
     */
    public record Limits(@DefaultValue("65536") int maxBodyBytes, @DefaultValue("10s") Duration bodyReadTimeout,
                         @DefaultValue("32") int readsPerAddress, @DefaultValue("256") int slowReads,
                         @DefaultValue("50") int clientRequestsPerSecond,
                         @DefaultValue("20") int anonymousRequestsPerSecond, @DefaultValue("10") int failedLogins,
                         @DefaultValue("50") int failedLoginsPerAddress, @DefaultValue("5m") Duration lockout,
                         @DefaultValue("0") int passwordChecks, @DefaultValue("8") int passwordCheckQueue) {
    }

    /** Provider threads, sends per payment at most, the resend guard, and how soon a payment that found its
     *  provider's queue full is due again. */
    public record Dispatch(int concurrency, int maxSendAttempts, Duration resendGuard,
                           @DefaultValue("2s") Duration queueFullRetry) {
    }

    /**
     * The poller's timing; {@code hub.polling.interval-ms} is read by the polling route itself. {@code leaseSeconds}:
     * how long a payment the poller (or a call it started) works on is not offered again.
     */
    public record Polling(int batchSize, Duration firstDelay, Duration maxDelay,
                          Duration acceptedGrace, Duration reviewAfter, @DefaultValue("120") int leaseSeconds) {
    }

    /** Callback retries; {@code interval-ms} and {@code timeout-ms} are read by the callbacks route. */
    public record Callbacks(int batchSize, List<Duration> retryDelays, @DefaultValue("4") int perClientConcurrency,
                            @DefaultValue("32") int concurrency, boolean requireHttps) {
    }

    /** The hub's folder: routes/, mappings/ and the embedded database's data live under it. */
    public Path homeDir() {
        return homeDir(home);
    }

    public static Path homeDir(String home) {
        return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }
}
