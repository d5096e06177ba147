package africa.sandbox;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Import;

/**
 * The simulators inside the hub's own process, under {@code /sandbox/**} on its port, when
 * {@code hub.sandbox.enabled=true} (the development default). The hub knows nothing of them: this is found
 * through {@code META-INF/spring/...AutoConfiguration.imports}, which only a build with the sandbox source
 * root carries.
 */
@AutoConfiguration
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
@Import(Simulators.class)
public class SandboxAutoConfiguration {
}
