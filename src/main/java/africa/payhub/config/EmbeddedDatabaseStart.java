package africa.payhub.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Starts the embedded PostgreSQL ({@code hub.database.embedded=true}) as soon as the settings are read, before
 * any bean is made, and registers it as the {@code embeddedDatabase} bean, closed with the context. Its start
 * (initdb on a fresh checkout, then the server) so runs alongside the hub's own start instead of before the
 * connection pool, Flyway and everything after them.
 */
public class EmbeddedDatabaseStart implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String BEAN = "embeddedDatabase";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        if (!env.getProperty("hub.database.embedded", Boolean.class, false)
                || !(context.getBeanFactory() instanceof DefaultListableBeanFactory beans)) {
            return;
        }
        Path dir = HubProperties.homeDir(env.getProperty("hub.home"))
                .resolve(env.getRequiredProperty("hub.database.data-directory")).normalize();
        Duration checkInterval = env.getProperty("hub.database.check-interval", Duration.class, Duration.ofSeconds(1));
        EmbeddedDatabase database = new EmbeddedDatabase(dir, checkInterval);
        beans.registerSingleton(BEAN, database);
        beans.registerDisposableBean(BEAN, database::close);
    }
}
