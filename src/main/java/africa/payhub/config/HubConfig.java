package africa.payhub.config;

import java.time.Clock;

import javax.sql.DataSource;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the routes refer to by name, and the clock the money rules read the time from. */
@Configuration(proxyBeanMethods = false)
public class HubConfig {

    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }

    /** De-duplicates provider webhooks across restarts and hub instances (table camel_messageprocessed). */
    @Bean
    public JdbcMessageIdRepository webhookEvents(DataSource dataSource) {
        JdbcMessageIdRepository repository = new JdbcMessageIdRepository(dataSource, "provider-webhooks");
        repository.setCreateTableIfNotExists(false);
        return repository;
    }
}
