package africa.payhub.config;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A fresh checkout runs on an embedded PostgreSQL whose data lives under the hub's folder
 * ({@code hub.database.data-directory}) and survives restarts. Production sets
 * {@code hub.database.embedded=false} and points {@code spring.datasource.*} at a real server. The embedded
 * server is supervised ({@link EmbeddedDatabase}): killed, it is started again on the same data and port. It is
 * started, and registered as a bean, by {@link EmbeddedDatabaseStart} before any bean is made.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.database.embedded", havingValue = "true")
public class EmbeddedPostgresConfig {

    @Bean
    public DataSource dataSource(EmbeddedDatabase pg,
                                 @Value("${spring.datasource.hikari.connection-timeout:1000}") long connectionTimeoutMs) {
        HikariDataSource ds = new HikariDataSource();
        // the supervisor restarts a dead server on the same port, so this URL stays right and the pool
        // recovers by itself
        ds.setJdbcUrl(pg.jdbcUrl());
        ds.setUsername("postgres");
        ds.setDriverClassName("org.postgresql.Driver");
        ds.setPoolName("hub");
        ds.setMaximumPoolSize(20);
        // a database that cannot give a connection answers within about a second (503), not after 30 s
        ds.setConnectionTimeout(connectionTimeoutMs);
        ds.setAllowPoolSuspension(true);
        return ds;
    }
}
