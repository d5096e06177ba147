package africa.payhub;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's own configuration (application.yaml) as Spring reads it in the {@code prod} profile and out of it.
 * .ci/prod-start checks the same over HTTP on the production jar.
 */
class ProdProfileTest {

    @Test
    void anonymousCallersOfHealthLearnOnlyTheStatusInProd() {
        assertThat(setting("management.endpoint.health.show-components", "prod")).isEqualTo("when-authorized");
        assertThat(setting("management.endpoint.health.show-details", "prod")).isEqualTo("when-authorized");
        // a developer's hub lists its components to anyone (the sandbox is on loopback)
        assertThat(setting("management.endpoint.health.show-components")).isEqualTo("always");
    }

    /** A setting as application.yaml gives it with these profiles active. */
    static String setting(String key, String... profiles) {
        StandardEnvironment env = new StandardEnvironment();
        env.setActiveProfiles(profiles);
        ConfigDataEnvironmentPostProcessor.applyTo(env, new DefaultResourceLoader(), new DefaultBootstrapContext(),
                List.of(profiles));
        return env.getProperty(key);
    }
}
