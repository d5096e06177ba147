package africa.payhub.reload;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import africa.payhub.config.HubProperties;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.provider.Mappings;
import africa.payhub.provider.ProviderRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.FileWatcherResourceReloadStrategy;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Installs the live reload of route files and provider declarations and the check of mapping files as they are
 * saved ({@code hub.reload.enabled}), and reports, in {@code /actuator/health}, any route, declaration or mapping
 * file that is broken on disk: the hub is then DEGRADED (still serving, on the last good version of each file).
 */
@Configuration(proxyBeanMethods = false)
public class ReloadConfig {

    /** Some route, declaration or mapping file is broken; its previous version serves. Answers 200 (application.yaml). */
    public static final Status DEGRADED = new Status("DEGRADED", "a route, declaration or mapping file is broken; its previous version keeps serving");

    private SafeRouteReloadStrategy strategy;

    @Bean
    public CamelContextConfiguration routeReload(HubProperties properties, Mappings mappings, ProviderRoutes providerRoutes) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                if (properties.reload() != null && properties.reload().enabled()) {
                    Path routes = properties.homeDir().resolve("routes");
                    strategy = new SafeRouteReloadStrategy(routes);
                    start(camel, strategy, routes);

                    // mappings are reloaded lazily when next used; this reports a broken one as soon as it is saved
                    FileWatcherResourceReloadStrategy saved = new FileWatcherResourceReloadStrategy(mappings.root().toString(), true);
                    saved.setResourceReload((name, resource) -> mappings.check(SafeRouteReloadStrategy.fileOf(resource.getLocation())));
                    start(camel, saved, mappings.root());

                    // a provider declaration is checked and compiled when saved, and applied when it is good
                    Path providers = routes.resolve("providers");
                    FileWatcherResourceReloadStrategy declarations = new FileWatcherResourceReloadStrategy(providers.toString(), true);
                    declarations.setFileFilter(f -> f.getName().endsWith(ProviderDeclaration.SUFFIX));
                    declarations.setResourceReload((name, resource) ->
                            providerRoutes.reload(SafeRouteReloadStrategy.fileOf(resource.getLocation())));
                    start(camel, declarations, providers);
                }
            }
        };
    }

    private static void start(CamelContext camel, Service watcher, Path dir) {
        try {
            camel.addService(watcher, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("could not start watching " + dir, e);
        }
    }

    @Bean
    public HealthIndicator hubFiles(Mappings mappings, ProviderRoutes providerRoutes) {
        return () -> {
            Map<String, String> broken = new TreeMap<>();
            if (strategy != null) {
                strategy.brokenFiles().forEach((f, e) -> broken.put("routes/" + f, e));
            }
            mappings.brokenFiles().forEach((f, e) -> broken.put("mappings/" + f, e));
            broken.putAll(providerRoutes.brokenDeclarations());
            Health.Builder health = (broken.isEmpty() ? Health.up() : Health.status(DEGRADED)).withDetail("reload", strategy != null);
            if (!broken.isEmpty()) {
                health.withDetail("brokenFiles", broken)
                        .withDetail("note", "the previous version of each broken file keeps serving");
            }
            return health.build();
        };
    }
}
