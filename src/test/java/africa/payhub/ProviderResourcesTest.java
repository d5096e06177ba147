package africa.payhub;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import africa.payhub.canonical.Json;
import africa.payhub.provider.ProviderResources;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resources created once at a provider (a profile, a service, an invoice): the claim row is the lock, so
 * concurrent creators (threads here; hub instances share the same table) make exactly one, a failed
 * creation leaves nothing behind, and a claim whose creator died is taken over after its lease.
 */
class ProviderResourcesTest extends HubTestSupport {

    @Autowired
    ProviderResources resources;

    @Autowired
    JdbcClient jdbc;

    @Test
    void concurrentCreatorsMakeOneResourceAndAllGetItsCode() throws Exception {
        String key = "profile-" + UUID.randomUUID();
        AtomicInteger created = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<String>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racers.add(() -> resources.ensure("test", "client-profile", "demo-erp", key, () -> {
                int n = created.incrementAndGet();
                sleep(300);
                return new ProviderResources.Created("CODE-" + n, Json.object().put("n", n));
            }));
        }
        List<String> codes = new ArrayList<>();
        for (Future<String> f : pool.invokeAll(racers)) {
            codes.add(f.get());
        }
        pool.shutdown();
        assertThat(created.get()).as("creations at the provider").isEqualTo(1);
        assertThat(codes).containsOnly("CODE-1");
        assertThat(resources.find("test", "client-profile", "demo-erp", key)).contains("CODE-1");
    }

    @Test
    void aFailedCreationLeavesNoClaimAndTheNextCallerCreates() {
        String key = "service-" + UUID.randomUUID();
        assertThatThrownBy(() -> resources.ensure("test", "client-service", "hub", key, () -> {
            throw new IllegalStateException("provider refused");
        })).hasMessageContaining("provider refused");
        assertThat(rows(key)).isZero();
        assertThat(resources.ensure("test", "client-service", "hub", key,
                () -> new ProviderResources.Created("SVC-2", null))).isEqualTo("SVC-2");
    }

    @Test
    void aClaimWhoseCreatorDiedIsTakenOverAfterItsLease() {
        String key = "invoice-" + UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO provider_resources (provider, kind, owner, natural_key, state, claimed_until)
                        VALUES ('test', 'invoice', 'payment-1', :key, 'CREATING', now() - interval '1 second')""")
                .param("key", key).update();
        assertThat(resources.ensure("test", "invoice", "payment-1", key,
                () -> new ProviderResources.Created("INV-9", null))).isEqualTo("INV-9");
        assertThat(rows(key)).isEqualTo(1);
    }

    private int rows(String key) {
        return jdbc.sql("SELECT count(*) FROM provider_resources WHERE natural_key = :key").param("key", key)
                .query(Integer.class).single();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
