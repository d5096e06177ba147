package africa.payhub.reload;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import africa.payhub.config.HubProperties;
import africa.payhub.provider.Mappings;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Installs the live reload of route files ({@code hub.reload.enabled}) and reports, in
 * {@code /actuator/health}, any route or mapping file that is broken on disk.
 */
@Configuration(proxyBeanMethods = false)
public class ReloadConfig {

    private SafeRouteReloadStrategy strategy;

    @Bean
    public CamelContextConfiguration routeReload(HubProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                if (properties.reload() != null && properties.reload().enabled()) {
                    Path routes = properties.homeDir().resolve("routes");
                    strategy = new SafeRouteReloadStrategy(routes);
                    try {
                        camel.addService(strategy, true, true);
                    } catch (Exception e) {
                        throw new IllegalStateException("could not start the route reloader on " + routes, e);
                    }
                }
            }
        };
    }

    @Bean
    public HealthIndicator hubFiles(Mappings mappings) {
        return () -> {
            Map<String, String> broken = new TreeMap<>();
            if (strategy != null) {
                strategy.brokenFiles().forEach((f, e) -> broken.put("routes/" + f, e));
            }
            mappings.brokenFiles().forEach((f, e) -> broken.put("mappings/" + f, e));
            Health.Builder health = Health.up().withDetail("reload", strategy != null);
            if (!broken.isEmpty()) {
                health.withDetail("brokenFiles", broken)
                        .withDetail("note", "the previous version of each broken file keeps serving");
            }
            return health.build();
        };
    }
}
