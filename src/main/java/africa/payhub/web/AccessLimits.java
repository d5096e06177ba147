package africa.payhub.web;

import java.io.IOException;
import java.time.Duration;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Rate limits, each a Resilience4j {@link RateLimiter} in a bounded Caffeine cache: requests per second per
 * authenticated client ({@code hub.limits.client-requests-per-second}, checked once the caller is known) and per
 * address and endpoint for anonymous callers (webhooks, partner calls: {@code anonymous-requests-per-second}).
 * Refusals are 429 problems with {@code Retry-After}. Failed logins are counted where they are checked
 * ({@link africa.payhub.security.LoginAttempts}).
 */
public class AccessLimits {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLimits.class);

    private final RateLimiterConfig clientConfig;
    private final RateLimiterConfig anonymousConfig;
    private final Cache<String, RateLimiter> limiters;
    private final ObjectMapper mapper;
    private final AtomicLong limited = new AtomicLong();

    public AccessLimits(HubProperties.Limits limits, ObjectMapper mapper) {
        this.clientConfig = perSecond(limits.clientRequestsPerSecond());
        this.anonymousConfig = perSecond(limits.anonymousRequestsPerSecond());
        this.limiters = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();
        this.mapper = mapper;
    }

    private static RateLimiterConfig perSecond(int permits) {
        return RateLimiterConfig.custom().limitForPeriod(Math.max(1, permits))
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build();
    }

    /** Requests refused by a rate limit since start. */
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
                chain.doFilter(request, response);
            }
        };
    }

    /** The endpoint's first two path segments: /webhooks/monnify, /partners/connect. */
    private static String endpoint(String path) {
        String[] parts = path.split("/", 4);
        return parts.length >= 3 ? parts[1] + "/" + parts[2] : path;
    }
}
