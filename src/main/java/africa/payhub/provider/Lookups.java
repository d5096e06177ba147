package africa.payhub.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Account lookups at a provider ({@code <provider>-lookup} routes, which answer
 * {@code {"holderName", "accountStatus", "accountId"}}): for the lookups API, cached briefly per client
 * ({@code hub.lookups.cache-ttl}) and recorded for audit without personal data beyond a masked identifier;
 * and before a payment is sent, where a missing or inactive account fails the payment before money moves.
 */
@Component("lookups")
public class Lookups {

    /** The cache holds at most this many answers; expired ones are dropped when it is full. */
    static final int MAX_CACHED = 10_000;

    private final ProducerTemplate template;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Lookups(ProducerTemplate template, JdbcClient jdbc, Clock clock, @Value("${hub.lookups.cache-ttl:60s}") Duration ttl) {
        this.template = template;
        this.jdbc = jdbc;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** What a lookup found, and whether the answer came from the cache. */
    public record Found(JsonNode account, boolean cached) {
    }

    /**
     * Looks an account up (cache first); a refusal or transport failure comes out as the route's exception.
     * {@code account} is the canonical account object ({type, accountNumber, bankCode} or {type, phone|email}).
     */
    public Found lookup(String clientId, String provider, JsonNode account) {
        // per client: another client's lookup is never answered from this one's (nor is that it was made)
        String key = clientId + "|" + provider + "|" + Json.canonical(account);
        Cached hit = cache.get(key);
        if (hit != null && clock.instant().isBefore(hit.expires)) {
            audit(clientId, provider, account, "FOUND", hit.answer.path("accountStatus").asText(null), true);
            return new Found(hit.answer, true);
        }
        Exchange result = template.send("direct:" + provider + "-lookup",
                ex -> ex.getMessage().setBody(Json.object().set("account", account)));
        if (result.getException() != null) {
            String outcome = result.getException() instanceof ProviderRejectedException ? "REFUSED" : "ERROR";
            audit(clientId, provider, account, outcome, null, false);
            Exception e = result.getException();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        JsonNode answer = Json.toNode(result.getMessage().getBody());
        if (!ttl.isZero() && !ttl.isNegative()) {
            if (cache.size() >= MAX_CACHED) {
                Instant now = clock.instant();
                cache.values().removeIf(c -> !now.isBefore(c.expires));
            }
            if (cache.size() < MAX_CACHED) {
                cache.put(key, new Cached(answer, clock.instant().plus(ttl)));
            }
        }
        audit(clientId, provider, account, "FOUND", answer.path("accountStatus").asText(null), false);
        return new Found(answer, false);
    }

    /** Records a lookup that found nothing (the provider said so). */
    public void notFound(String clientId, String provider, JsonNode account) {
        audit(clientId, provider, account, "NOT_FOUND", null, false);
    }

    /**
     * Before a payment is sent: looks its destination up (never from the cache) and adds the answer to the
     * call input as {@code lookup}; a missing or inactive account fails the payment here, before any money
     * moves (reason code ACCOUNT_INACTIVE, or the provider's refusal through its errors.yaml).
     */
    public ObjectNode beforeSending(String provider, ObjectNode input) {
        Exchange result = template.send("direct:" + provider + "-lookup", ex -> ex.getMessage().setBody(input));
        if (result.getException() != null) {
            Exception e = result.getException();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        JsonNode answer = Json.toNode(result.getMessage().getBody());
        String status = answer.path("accountStatus").asText("");
        if (!"ACTIVE".equals(status)) {
            throw ProviderRejectedException.beforeSending(provider, "ACCOUNT_INACTIVE", "the destination account is "
                    + status.toLowerCase(Locale.ROOT) + "; nothing was sent");
        }
        input.set("lookup", answer);
        return input;
    }

    private void audit(String clientId, String provider, JsonNode account, String outcome, String status, boolean cached) {
        String identifier = account.hasNonNull("accountNumber") ? account.get("accountNumber").asText()
                : account.hasNonNull("phone") ? account.get("phone").asText() : account.path("email").asText("");
        jdbc.sql("""
                        INSERT INTO lookups (client_id, provider, account_type, account_masked, account_sha256, bank_code,
                            outcome, account_status, cached)
                        VALUES (:client, :provider, :type, :masked, :sha, :bank, :outcome, :status, :cached)""")
                .param("client", clientId == null ? "hub" : clientId).param("provider", provider)
                .param("type", account.path("type").asText("")).param("masked", mask(identifier))
                .param("sha", Json.sha256(identifier)).param("bank", account.path("bankCode").asText(null))
                .param("outcome", outcome).param("status", status).param("cached", cached)
                .update();
    }

    /** "0911234567" -> "******4567"; "tigist@example.com" -> "t*****@example.com". */
    static String mask(String identifier) {
        int at = identifier.indexOf('@');
        if (at > 0) {
            return identifier.charAt(0) + "*".repeat(Math.max(1, at - 1)) + identifier.substring(at);
        }
        int keep = Math.min(4, identifier.length() / 2);
        return "*".repeat(identifier.length() - keep) + identifier.substring(identifier.length() - keep);
    }

    private record Cached(JsonNode answer, Instant expires) {
    }

}
