package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Bearer tokens, cached per provider account. A token is refreshed before it expires, by one caller at a
 * time (the others wait for that refresh instead of logging in too), and dropped when the provider
 * rejects it. The login itself is the route {@code provider-login}, made from the provider's declaration
 * ({@code auth.login}), which answers {@code {"accessToken", "expiresIn"}} in seconds. Tokens never reach a log or the timeline.
 */
@Component("tokenCache")
public class TokenCache {


    private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);

    private final ProviderCatalog providers;
    private final ProducerTemplate template;
    private final Clock clock;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public TokenCache(ProviderCatalog providers, ProducerTemplate template, Clock clock) {
        this.providers = providers;
        this.template = template;
        this.clock = clock;
    }

    public String token(String provider) {
        String key = providers.require(provider).accountKey();
        Token current = tokens.get(key);
        if (current != null && current.fresh(clock.instant())) {
            return current.value;
        }
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            current = tokens.get(key);
            if (current != null && current.fresh(clock.instant())) {
                return current.value;
            }
            Token fresh = login(provider);
            tokens.put(key, fresh);
            return fresh.value;
        } finally {
            lock.unlock();
        }
    }

    /** Drops the token the provider rejected (unless a newer one already replaced it). */
    public void invalidate(String provider, Exchange exchange) {
        String used = exchange.getProperty(HubKeys.TOKEN_USED, String.class);
        String key = providers.require(provider).accountKey();
        tokens.computeIfPresent(key, (k, t) -> used == null || t.value.equals(used) ? null : t);
        LOG.info("Dropped the {} access token after the provider rejected it", provider);
    }

    private Token login(String provider) {
        JsonNode answer;
        try {
            Exchange result = template.send("direct:provider-login", ex -> {
                ex.setProperty(HubKeys.PROVIDER, provider);
                ex.getMessage().setBody("");
            });
            if (result.getException() != null) {
                throw result.getException();
            }
            answer = Json.toNode(result.getMessage().getBody());
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ProviderAuthenticationException pae) {
                throw pae;
            }
            throw new ProviderAuthenticationException(provider, provider + " login failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
        }
        String value = answer.path("accessToken").asText(null);
        long expiresIn = answer.path("expiresIn").asLong(0);
        if (value == null || value.isBlank() || expiresIn <= 0) {
            throw new ProviderAuthenticationException(provider, provider + " login answered without a token or expiry");
        }
        Instant issued = clock.instant();
        // refresh ahead of expiry: a tenth of the lifetime, at least 5 s and at most 5 min early
        long margin = Math.max(5, Math.min(300, expiresIn / 10));
        LOG.info("Obtained a {} access token valid for {}s", provider, expiresIn);
        return new Token(value, issued.plusSeconds(expiresIn), issued.plusSeconds(Math.max(1, expiresIn - margin)));
    }

    private record Token(String value, Instant expiresAt, Instant refreshAt) {
        boolean fresh(Instant now) {
            return now.isBefore(refreshAt);
        }

        @Override
        public String toString() {
            return "Token[expiresAt=" + expiresAt + "]";
        }
    }

}
