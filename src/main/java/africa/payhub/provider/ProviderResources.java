package africa.payhub.provider;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Things the hub creates at a provider once and then reuses (a customer's client profile, a client
 * service, a payment's invoice), and things it records from results (a wallet it opened), in
 * {@code provider_resources}, keyed by provider, kind, owner and a natural key.
 *
 * <p>Creation is claimed first: the insert of a CREATING row is the lock, across threads and hub
 * instances. The claimant creates the resource and records its code; anyone else finds the claim and
 * waits for it (or, past {@link #WAIT}, is told the resource is not ready, which nothing sent, so the
 * payment is tried again later). Each claim carries a token of its own: only its holder records the resource
 * or gives the claim up, so a creator whose claim was taken over can no longer undo the new one's. A creation
 * that certainly made nothing (a refusal, a request that never left) drops its claim; any other failure (no
 * answer, a 5xx, a creator that stopped) leaves it to be taken over at once, and a claim whose creator died is
 * taken over after its lease: either way its new creator is told so, because the first one's request may have
 * reached the provider, and a resource that declares how to find one ({@code find}) is looked for before it is
 * made again.</p>
 */
@Component("providerResources")
public class ProviderResources {

    static final Duration LEASE = Duration.ofMinutes(2);
    static final Duration WAIT = Duration.ofSeconds(10);

    private final JdbcClient jdbc;

    public ProviderResources(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A recorded resource: who owns it, the provider's code and what was recorded about it. */
    public record Row(String owner, String code, JsonNode detail) {
    }

    /** The resource's provider code, when it exists (created, not merely claimed). */
    public Optional<String> find(String provider, String kind, String owner, String key) {
        return jdbc.sql("""
                        SELECT provider_code FROM provider_resources
                        WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key
                          AND state = 'CREATED'""")
                .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                .query(String.class).optional();
    }

    /** The resource with what was recorded about it, when it exists (created, not merely claimed). */
    public Optional<Row> findRow(String provider, String kind, String owner, String key) {
        return jdbc.sql("""
                        SELECT owner, provider_code, CAST(detail AS text) AS detail FROM provider_resources
                        WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key
                          AND state = 'CREATED'""")
                .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                .query((rs, n) -> new Row(rs.getString("owner"), rs.getString("provider_code"),
                        rs.getString("detail") == null ? null : Json.toNode(rs.getString("detail"))))
                .optional();
    }

    /** A recorded thing by its key, whoever owns it. */
    public Optional<Row> findAnyOwner(String provider, String kind, String key) {
        return jdbc.sql("""
                        SELECT owner, provider_code, CAST(detail AS text) AS detail FROM provider_resources
                        WHERE provider = :provider AND kind = :kind AND natural_key = :key AND state = 'CREATED'
                        ORDER BY created_at LIMIT 1""")
                .param("provider", provider).param("kind", kind).param("key", key)
                .query((rs, n) -> new Row(rs.getString("owner"), rs.getString("provider_code"),
                        rs.getString("detail") == null ? null : Json.toNode(rs.getString("detail"))))
                .optional();
    }

    /**
     * The resource's provider code, creating it with {@code create} (which answers the code and the
     * provider's description of it) when the hub has none yet; at most one creator at a time, anywhere.
     */
    public String ensure(String provider, String kind, String owner, String key, Supplier<Created> create) {
        return ensure(provider, kind, owner, key, takenOver -> create.get());
    }

    /** Makes a resource whose claim this caller holds; {@code takenOver}: the claim's first creator died mid-way. */
    @FunctionalInterface
    public interface Creator {
        Created create(boolean takenOver);
    }

    /** As {@link #ensure(String, String, String, String, Supplier)}, telling the creator when it took a dead one's claim. */
    public String ensure(String provider, String kind, String owner, String key, Creator create) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Optional<String> known = find(provider, kind, owner, key);
            if (known.isPresent()) {
                return known.get();
            }
            String token = java.util.UUID.randomUUID().toString();
            Claim claim = claim(provider, kind, owner, key, token);
            if (claim != Claim.NONE) {
                return createClaimed(provider, kind, owner, key, token, claim, () -> create.create(claim == Claim.TAKEN_OVER));
            }
            if (System.nanoTime() > deadline) {
                throw new ProviderUnavailableException(provider, 0, null, provider + " " + kind
                        + " is being created by another request; nothing was sent, try again shortly");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + kind, e);
            }
        }
    }

    /** Records something the hub learnt from a result (e.g. a wallet it opened), once; the first record wins. */
    public void record(String provider, String kind, String owner, String key, String code, JsonNode detail) {
        jdbc.sql("""
                        INSERT INTO provider_resources (provider, kind, owner, natural_key, provider_code, detail, state)
                        VALUES (:provider, :kind, :owner, :key, :code, CAST(:detail AS jsonb), 'CREATED')
                        ON CONFLICT DO NOTHING""")
                .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                .param("code", code).param("detail", detail == null ? null : Json.write(Redactor.redact(detail)))
                .update();
    }

    private enum Claim { NONE, NEW, TAKEN_OVER }

    /** Inserts the claim, or takes over one whose lease ran out; whether (and how) this caller now creates. */
    private Claim claim(String provider, String kind, String owner, String key, String token) {
        int inserted = jdbc.sql("""
                        INSERT INTO provider_resources (provider, kind, owner, natural_key, state, claimed_until, claim_token)
                        VALUES (:provider, :kind, :owner, :key, 'CREATING', now() + CAST(:lease AS interval), :token)
                        ON CONFLICT DO NOTHING""")
                .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                .param("lease", LEASE.toSeconds() + " seconds").param("token", token).update();
        if (inserted == 1) {
            return Claim.NEW;
        }
        return jdbc.sql("""
                        UPDATE provider_resources SET claimed_until = now() + CAST(:lease AS interval), claim_token = :token
                        WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key
                          AND state = 'CREATING' AND claimed_until < now()""")
                .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                .param("lease", LEASE.toSeconds() + " seconds").param("token", token).update() == 1
                ? Claim.TAKEN_OVER : Claim.NONE;
    }

    /**
     * Whether a failed creation certainly made nothing at the provider: it refused, or the request never left
     * (the classes {@code routes/core/provider-errors.camel.yaml} treats as not sent), or the send that made it was
     * superseded before the call.
     */
    static boolean madeNothing(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof ProviderRejectedException || c instanceof ProviderUnavailableException
                    || c instanceof TokenRejectedException || c instanceof ProviderAuthenticationException
                    || c instanceof SendSupersededException || c instanceof java.net.ConnectException
                    || c instanceof java.net.UnknownHostException || c instanceof java.net.NoRouteToHostException
                    || c instanceof javax.net.ssl.SSLHandshakeException
                    || c instanceof org.apache.hc.client5.http.ConnectTimeoutException
                    || c instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException
                    || c instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException
                    || c instanceof io.github.resilience4j.bulkhead.BulkheadFullException) {
                return true;
            }
        }
        return false;
    }

    private String createClaimed(String provider, String kind, String owner, String key, String token, Claim claim,
                                 Supplier<Created> create) {
        Created created;
        try {
            created = create.get();
        } catch (RuntimeException e) {
            // nothing made (by the claim's only creator): the claim goes; perhaps made, or taken over from a creator
            // that may have made it: the next creator takes it over at once, and looks first
            jdbc.sql(claim == Claim.NEW && madeNothing(e) ? """
                            DELETE FROM provider_resources
                            WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key
                              AND state = 'CREATING' AND claim_token = :token""" : """
                            UPDATE provider_resources SET claimed_until = now() - interval '1 millisecond'
                            WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key
                              AND state = 'CREATING' AND claim_token = :token""")
                    .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                    .param("token", token).update();
            throw e;
        }
        // recorded by the claim's holder; a creator whose claim was taken over records it only if no one has yet
        // (it was made: the first one made is the one kept), else takes the one recorded
        String detail = created.detail() == null ? null : Json.write(Redactor.redact(created.detail()));
        for (String whose : new String[] {"AND claim_token = :token", ""}) {
            int recorded = jdbc.sql("""
                            UPDATE provider_resources SET state = 'CREATED', provider_code = :code,
                                detail = CAST(:detail AS jsonb), claimed_until = NULL, claim_token = NULL
                            WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key
                              AND state = 'CREATING' """ + whose)
                    .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                    .param("code", created.code()).param("detail", detail).param("token", token).update();
            if (recorded == 1) {
                return created.code();
            }
        }
        return find(provider, kind, owner, key).orElse(created.code());
    }

    /** A resource just created at the provider: its code and what the provider said about it. */
    public record Created(String code, JsonNode detail) {
    }
}
