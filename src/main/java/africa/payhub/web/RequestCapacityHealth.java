package africa.payhub.web;

import java.time.Duration;

import africa.payhub.security.LoginAttempts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * Health component {@code requests}: OUT_OF_SERVICE (503) when the requests being served fill nine tenths
 * of the server's threads ({@code server.tomcat.threads.max}: a stall), UP otherwise; with whether bodies were
 * cut off at the read deadline in the last minute (someone is sending slowly), the bodies being awaited now
 * (without a thread), and the counts of refused, slow and rate-limited requests, of password checks run and of
 * logins refused before one (locked out, or the checks full).
 */
@Component("requests")
public class RequestCapacityHealth implements HealthIndicator {

    private final RequestGuard guard;
    private final AccessLimits limits;
    private final LoginAttempts logins;
    private final int maxThreads;

    public RequestCapacityHealth(RequestGuard guard, AccessLimits limits, LoginAttempts logins,
                                 @Value("${server.tomcat.threads.max:200}") int maxThreads) {
        this.guard = guard;
        this.limits = limits;
        this.logins = logins;
        this.maxThreads = maxThreads;
    }

    @Override
    public Health health() {
        int inFlight = guard.inFlight();
        Status status = inFlight >= maxThreads * 9 / 10 ? Status.OUT_OF_SERVICE : Status.UP;
        return Health.status(status)
                .withDetail("slowBodiesInTheLastMinute", guard.slowBodySince(Duration.ofMinutes(1)))
                .withDetail("inFlight", inFlight)
                .withDetail("maxThreads", maxThreads)
                .withDetail("refusedAtTheDoor", guard.refused())
                .withDetail("slowBodiesCutOff", guard.slowBodies())
                .withDetail("rateLimited", limits.limited())
                .withDetail("slowBodiesAwaited", guard.slowReads())
                .withDetail("passwordChecks", logins.passwordChecks())
                .withDetail("passwordChecksRefused", logins.passwordChecksRefused())
                .withDetail("loginsLockedOut", logins.lockedOut())
                .build();
    }
}
