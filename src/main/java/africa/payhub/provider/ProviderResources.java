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
 * payment is tried again later). A failed creation drops its claim; a claim whose creator died is taken
 * over after its lease.</p>
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
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Optional<String> known = find(provider, kind, owner, key);
            if (known.isPresent()) {
                return known.get();
            }
            if (claim(provider, kind, owner, key)) {
                return createClaimed(provider, kind, owner, key, create);
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

    /** Inserts the claim, or takes over one whose lease ran out; true when this caller now creates. */
    private boolean claim(String provider, String kind, String owner, String key) {
        int inserted = jdbc.sql("""
                        INSERT INTO provider_resources (provider, kind, owner, natural_key, state, claimed_until)
                        VALUES (:provider, :kind, :owner, :key, 'CREATING', now() + CAST(:lease AS interval))
                        ON CONFLICT DO NOTHING""")
                .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                .param("lease", LEASE.toSeconds() + " seconds").update();
        if (inserted == 1) {
            return true;
        }
        return jdbc.sql("""
                        UPDATE provider_resources SET claimed_until = now() + CAST(:lease AS interval)
                        WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key
                          AND state = 'CREATING' AND claimed_until < now()""")
                .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                .param("lease", LEASE.toSeconds() + " seconds").update() == 1;
    }

    private String createClaimed(String provider, String kind, String owner, String key, Supplier<Created> create) {
        Created created;
        try {
            created = create.get();
        } catch (RuntimeException e) {
            jdbc.sql("""
                            DELETE FROM provider_resources
                            WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key
                              AND state = 'CREATING'""")
                    .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key).update();
            throw e;
        }
        jdbc.sql("""
                        UPDATE provider_resources SET state = 'CREATED', provider_code = :code,
                            detail = CAST(:detail AS jsonb), claimed_until = NULL
                        WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key""")
                .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                .param("code", created.code())
                .param("detail", created.detail() == null ? null : Json.write(Redactor.redact(created.detail())))
                .update();
        return created.code();
    }

    /** A resource just created at the provider: its code and what the provider said about it. */
    public record Created(String code, JsonNode detail) {
    }
}
