package africa.payhub.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import africa.payhub.config.HubProperties;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Rate limits and the login lockout, each a Resilience4j {@link RateLimiter} or a counter in a bounded
 * Caffeine cache: requests per second per authenticated client ({@code hub.limits.client-requests-per-second},
 * checked once the caller is known) and per address and endpoint for anonymous callers (webhooks, partner
 * calls: {@code anonymous-requests-per-second}); after {@code failed-logins} wrong API logins from one
 * address for one name, that name is refused from that address for {@code lockout} without its password
 * being checked. Refusals are 429 problems with {@code Retry-After}.
 */
public class AccessLimits {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLimits.class);

    private final RateLimiterConfig clientConfig;
    private final RateLimiterConfig anonymousConfig;
    private final Cache<String, RateLimiter> limiters;
    private final Cache<String, AtomicInteger> failures;
    private final int failedLogins;
    private final Duration lockout;
    private final ObjectMapper mapper;
    private final AtomicLong limited = new AtomicLong();

    public AccessLimits(HubProperties.Limits limits, ObjectMapper mapper) {
        this.clientConfig = perSecond(limits.clientRequestsPerSecond());
        this.anonymousConfig = perSecond(limits.anonymousRequestsPerSecond());
        this.limiters = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();
        this.failures = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(limits.lockout()).build();
        this.failedLogins = limits.failedLogins();
        this.lockout = limits.lockout();
        this.mapper = mapper;
    }

    private static RateLimiterConfig perSecond(int permits) {
        return RateLimiterConfig.custom().limitForPeriod(Math.max(1, permits))
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build();
    }

    /** Requests refused by a rate limit or the lockout since start. */
    public long limited() {
        return limited.get();
    }

    /** Whether this authenticated client may make one more request now. */
    public boolean clientMayProceed(String client) {
        return permit("client:" + client, clientConfig);
    }

    private boolean permit(String key, RateLimiterConfig config) {
        boolean ok = limiters.get(key, k -> RateLimiter.of(k, config)).acquirePermission();
        if (!ok) {
            limited.incrementAndGet();
        }
        return ok;
    }

    /** The 429 answer. */
    public void tooMany(HttpServletResponse response, String detail, long retryAfterSeconds) throws IOException {
        response.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
        Problem.of(429, "Too Many Requests", detail).write(response, mapper);
    }

    /** The filter ahead of authentication and of reading any body. */
    public OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String path = request.getRequestURI();
                String address = String.valueOf(request.getRemoteAddr());
                if (path.startsWith("/webhooks/") || path.startsWith("/partners/")) {
                    if (!permit("anonymous:" + address + ":" + endpoint(path), anonymousConfig)) {
                        LOG.warn("Rate limit: {} {} from {}", request.getMethod(), path, address);
                        tooMany(response, "Too many requests to this endpoint from this address", 1);
                        return;
                    }
                    chain.doFilter(request, response);
                    return;
                }
                String user = path.startsWith("/api/") ? basicUser(request.getHeader("Authorization")) : null;
                if (user == null) {
                    chain.doFilter(request, response);
                    return;
                }
                String key = user + "|" + address;
                AtomicInteger failed = failures.getIfPresent(key);
                if (failed != null && failed.get() >= failedLogins) {
                    limited.incrementAndGet();
                    tooMany(response, "Too many failed logins; try again later", lockout.toSeconds());
                    return;
                }
                // a failed login is counted as its 401 is set, before the answer leaves: counted after the chain,
                // the client could send its next try (the sixth, with the right secret) before the fifth was counted
                HttpServletResponseWrapper counting = new HttpServletResponseWrapper(response) {
                    @Override
                    public void setStatus(int sc) {
                        countIf(sc);
                        super.setStatus(sc);
                    }

                    @Override
                    public void sendError(int sc) throws IOException {
                        countIf(sc);
                        super.sendError(sc);
                    }

                    @Override
                    public void sendError(int sc, String msg) throws IOException {
                        countIf(sc);
                        super.sendError(sc, msg);
                    }

                    private boolean counted;

                    private void countIf(int sc) {
                        if (sc != 401 || counted) {
                            return;
                        }
                        counted = true;
                        AtomicInteger count = failures.get(key, k -> new AtomicInteger());
                        // written again on every failure: the count, and then the lockout, lasts from the last failure
                        failures.put(key, count);
                        if (count.incrementAndGet() == failedLogins) {
                            LOG.warn("Login lockout for {} after {} failed logins from {}", lockout, failedLogins, address);
                        }
                    }
                };
                chain.doFilter(request, counting);
                if (counting.getStatus() != 401 && failed != null) {
                    failures.invalidate(key);
                }
            }
        };
    }

    /** The endpoint's first two path segments: /webhooks/monnify, /partners/connect. */
    private static String endpoint(String path) {
        String[] parts = path.split("/", 4);
        return parts.length >= 3 ? parts[1] + "/" + parts[2] : path;
    }

    /** The user name of a Basic header, or null. */
    static String basicUser(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 ? pair.substring(0, colon) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
