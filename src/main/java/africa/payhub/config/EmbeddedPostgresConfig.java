package africa.payhub.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A fresh checkout runs on an embedded PostgreSQL whose data lives under the hub's folder
 * ({@code hub.database.data-directory}) and survives restarts. Production sets
 * {@code hub.database.embedded=false} and points {@code spring.datasource.*} at a real server.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.database.embedded", havingValue = "true")
public class EmbeddedPostgresConfig {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresConfig.class);

    @Bean(destroyMethod = "close")
    public EmbeddedPostgres embeddedPostgres(HubProperties properties) throws IOException {
        Path dir = properties.homeDir().resolve(properties.database().dataDirectory()).normalize();
        Files.createDirectories(dir);
        stopOrphanedServer(dir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                // the library's defaults trade durability for speed; an acknowledged payment must survive a
                // crash of the database, so every commit is flushed to disk before the hub answers
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .start();
        LOG.info("Embedded PostgreSQL on port {}, data in {}", pg.getPort(), dir);
        return pg;
    }

    @Bean
    public DataSource dataSource(EmbeddedPostgres pg,
                                 @Value("${spring.datasource.hikari.connection-timeout:1000}") long connectionTimeoutMs) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
        ds.setUsername("postgres");
        ds.setDriverClassName("org.postgresql.Driver");
        ds.setPoolName("hub");
        ds.setMaximumPoolSize(20);
        // a database that cannot give a connection answers within about a second (503), not after 30 s
        ds.setConnectionTimeout(connectionTimeoutMs);
        ds.setAllowPoolSuspension(true);
        return ds;
    }

    /**
     * A hub killed without a clean shutdown leaves its PostgreSQL running on the data directory; the
     * next start would fail on the lock. Stop that orphan first (only a postgres process is touched).
     */
    private static void stopOrphanedServer(Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            Optional<ProcessHandle> process = ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
            if (process.isPresent()) {
                LOG.warn("Stopping PostgreSQL (pid {}) left running on {} by an earlier hub", pid, dir);
                process.get().destroy();
                process.get().onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("Could not check {} for a leftover server: {}", pidFile, e.toString());
        }
    }
}
