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
import africa.payhub.provider.ProviderRejectedException;
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
    void aRefusedCreationLeavesNoClaimAndTheNextCallerCreates() {
        String key = "service-" + UUID.randomUUID();
        assertThatThrownBy(() -> resources.ensure("test", "client-service", "hub", key, () -> {
            throw new ProviderRejectedException("test", 422, "{\"message\": \"provider refused\"}");
        })).isInstanceOf(ProviderRejectedException.class);
        assertThat(rows(key)).isZero();
        assertThat(resources.ensure("test", "client-service", "hub", key,
                () -> new ProviderResources.Created("SVC-2", null))).isEqualTo("SVC-2");
    }

    @Test
    void aCreationThatMayHaveReachedTheProviderIsTakenOverAtOnceAndItsNextCreatorIsToldSo() {
        String key = "invoice-" + UUID.randomUUID();
        assertThatThrownBy(() -> resources.ensure("test", "invoice", "payment-2", key, () -> {
            throw new IllegalStateException("no answer");
        })).hasMessageContaining("no answer");
        assertThat(rows(key)).as("the claim stays: the resource may exist").isEqualTo(1);
        boolean[] toldSo = new boolean[1];
        assertThat(resources.ensure("test", "invoice", "payment-2", key, (ProviderResources.Creator) takenOver -> {
            toldSo[0] = takenOver;
            return new ProviderResources.Created("INV-FOUND", null);
        })).isEqualTo("INV-FOUND");
        assertThat(toldSo[0]).as("the next creator looks before it makes one").isTrue();
    }

    @Test
    void aCreatorWhoseClaimWasTakenOverCannotUndoTheNewCreatorsClaim() throws Exception {
        String key = "invoice-" + UUID.randomUUID();
        java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<String> first = pool.submit(() -> resources.ensure("test", "invoice", "payment-3", key, () -> {
            stalled.countDown();
            try {
                resume.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the stalled creator gives up");
        }));
        stalled.await();
        // its lease runs out; another creator takes the claim over and is making the resource when the first one fails
        jdbc.sql("UPDATE provider_resources SET claimed_until = now() - interval '1 second' WHERE natural_key = :key")
                .param("key", key).update();
        String code = resources.ensure("test", "invoice", "payment-3", key, (ProviderResources.Creator) takenOver -> {
            resume.countDown();
            try {
                assertThatThrownBy(first::get).hasMessageContaining("gives up");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return new ProviderResources.Created("INV-2", null);
        });
        pool.shutdown();
        assertThat(code).isEqualTo("INV-2");
        assertThat(resources.find("test", "invoice", "payment-3", key)).contains("INV-2");
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
