package africa.payhub.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

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
 * authenticated client ({@code hub.limits.client-requests-per-second}, checked once the caller is known) and,
 * on the endpoints callers reach without a hub login (webhooks, partner calls), per address and endpoint
 * ({@code anonymous-requests-per-second}). The anonymous limit counts only what fails its own check: a request
 * answered 2xx or 3xx (a webhook whose signature verified, a partner call with the right credentials) takes
 * nothing from it, and neither does anything from the addresses a provider's webhooks come from (configured
 * {@code hub.webhooks.<provider>.allowed-ips} or declared {@code webhooks.senders}); an address whose failures
 * used up its second is refused at the door until the next. So a provider's burst of webhooks is never
 * throttled, while forgeries from one address cost the hub at most that many checks a second. Refusals are 429
 * problems with {@code Retry-After}. Failed logins are counted where they are checked
 * ({@link africa.payhub.security.LoginAttempts}).
 */
public class AccessLimits {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLimits.class);

    private final RateLimiterConfig clientConfig;
    private final RateLimiterConfig anonymousConfig;
    private final Cache<String, RateLimiter> limiters;
    private final Function<String, Set<String>> senders;
    private final ObjectMapper mapper;
    private final AtomicLong limited = new AtomicLong();

    /**
     * @param senders a provider's name to the addresses its webhooks come from
     */
    public AccessLimits(HubProperties.Limits limits, ObjectMapper mapper, Function<String, Set<String>> senders) {
        this.clientConfig = perSecond(limits.clientRequestsPerSecond());
        this.anonymousConfig = perSecond(limits.anonymousRequestsPerSecond());
        this.limiters = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();
        this.senders = senders;
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
        boolean ok = limiter("client:" + client, clientConfig).acquirePermission();
        if (!ok) {
            limited.incrementAndGet();
        }
        return ok;
    }

    private RateLimiter limiter(String key, RateLimiterConfig config) {
        return limiters.get(key, k -> RateLimiter.of(k, config));
    }

    /** The 429 answer. */
    public void tooMany(HttpServletResponse response, String detail, long retryAfterSeconds) throws IOException {
        response.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
        Problem.of(429, "Too Many Requests", detail).write(response, mapper);
    }

    /** The filter on webhooks and partner calls, once their body is read and before anything checks it. */
    public OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String path = request.getRequestURI();
                String address = String.valueOf(request.getRemoteAddr());
                String[] endpoint = endpoint(path);
                if (endpoint == null || ("webhooks".equals(endpoint[0]) && senders.apply(endpoint[1]).contains(address))) {
                    chain.doFilter(request, response);
                    return;
                }
                RateLimiter failures = limiter("anonymous:" + address + ":" + endpoint[0] + "/" + endpoint[1], anonymousConfig);
                if (failures.getMetrics().getAvailablePermissions() <= 0) {
                    limited.incrementAndGet();
                    LOG.warn("Rate limit: {} {} from {}", request.getMethod(), path, address);
                    tooMany(response, "Too many refused requests to this endpoint from this address", 1);
                    return;
                }
                chain.doFilter(request, response);
                if (response.getStatus() >= 400) {
                    failures.acquirePermission();
                }
            }
        };
    }

    /** {@code [webhooks|partners, provider]} for a webhook or partner endpoint, else null. */
    private static String[] endpoint(String path) {
        if (!path.startsWith("/webhooks/") && !path.startsWith("/partners/")) {
            return null;
        }
        String[] parts = path.split("/", 4);
        return parts.length >= 3 ? new String[] {parts[1], parts[2]} : null;
    }
}
