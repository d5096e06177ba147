package africa.payhub.provider;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Things the hub creates at a provider once and then reuses, such as a customer's client profile or a
 * client service: looked up in {@code provider_resources}, created (by one caller at a time in this hub)
 * when missing, and recorded with the provider's code.
 */
@Component("providerResources")
public class ProviderResources {

    private final JdbcClient jdbc;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public ProviderResources(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<String> find(String provider, String kind, String owner, String key) {
        return jdbc.sql("""
                        SELECT provider_code FROM provider_resources
                        WHERE provider = :provider AND kind = :kind AND owner = :owner AND natural_key = :key""")
                .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                .query(String.class).optional();
    }

    /**
     * The resource's provider code, creating it with {@code create} (which answers the code and the
     * provider's description of it) when the hub has none yet.
     */
    public String ensure(String provider, String kind, String owner, String key, Supplier<Created> create) {
        Optional<String> known = find(provider, kind, owner, key);
        if (known.isPresent()) {
            return known.get();
        }
        ReentrantLock lock = locks.computeIfAbsent(provider + "|" + kind + "|" + owner + "|" + key, k -> new ReentrantLock());
        lock.lock();
        try {
            known = find(provider, kind, owner, key);
            if (known.isPresent()) {
                return known.get();
            }
            Created created = create.get();
            jdbc.sql("""
                            INSERT INTO provider_resources (provider, kind, owner, natural_key, provider_code, detail)
                            VALUES (:provider, :kind, :owner, :key, :code, CAST(:detail AS jsonb))
                            ON CONFLICT DO NOTHING""")
                    .param("provider", provider).param("kind", kind).param("owner", owner).param("key", key)
                    .param("code", created.code())
                    .param("detail", created.detail() == null ? null : Json.write(Redactor.redact(created.detail())))
                    .update();
            return find(provider, kind, owner, key).orElse(created.code());
        } finally {
            lock.unlock();
        }
    }

    /** A resource just created at the provider: its code and what the provider said about it. */
    public record Created(String code, JsonNode detail) {
    }
}
