package africa.payhub.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload of the route files under {@code <hub home>/routes}: an edited file replaces its own routes
 * (the others keep running). A saved file is first checked against Camel's YAML DSL schema ({@link RouteSchema});
 * a file that does not match it, or no longer loads, is reported by name and line and its last good version
 * keeps serving, so a typo never takes a flow down.
 */
public class SafeRouteReloadStrategy extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(SafeRouteReloadStrategy.class);

    private final Path dir;
    private final Map<String, String> lastGood = new ConcurrentHashMap<>();
    private final Map<String, String> broken = new ConcurrentHashMap<>();

    public SafeRouteReloadStrategy(Path dir) {
        super(dir.toString(), true);
        this.dir = dir;
        setPattern("*.camel.yaml");
        setRemoveAllRoutes(false);
    }

    @Override
    protected void doStart() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                lastGood.put(key(p), Files.readString(p));
            }
        }
        super.doStart();
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        if (resources == null) {
            return;
        }
        for (Resource resource : resources) {
            String location = resource.getLocation();
            String key = keyOf(location);
            String text;
            try (var in = resource.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                LOG.warn("Route file {} cannot be read ({}); it was probably deleted. Its routes keep running.", key, e.toString());
                broken.remove(key);
                continue;
            }
            if (text.equals(lastGood.get(key)) && !broken.containsKey(key)) {
                continue;
            }
            List<africa.payhub.config.SchemaCheck.Violation> violations = RouteSchema.check(text);
            if (!violations.isEmpty()) {
                String error = violations.stream().map(Object::toString).collect(Collectors.joining("; "));
                if (!error.equals(broken.put(key, error))) {
                    violations.forEach(v -> LOG.error("routes/{} {}", key, v));
                    LOG.error("Route file routes/{} does not match Camel's YAML DSL schema and was not applied; the previous version keeps serving", key);
                }
                continue;
            }
            try {
                Set<String> ids = PluginHelper.getRoutesLoader(getCamelContext())
                        .updateRoutes(List.of(ResourceHelper.fromString(location, text)));
                lastGood.put(key, text);
                broken.remove(key);
                LOG.info("Route file {} reloaded: routes {}", key, ids);
            } catch (Exception e) {
                String error = rootMessage(e);
                broken.put(key, error);
                LOG.error("Route file {} is broken and was not applied ({}); the previous version keeps serving", key, error);
                restore(location, key);
            }
        }
    }

    private void restore(String location, String key) {
        String previous = lastGood.get(key);
        if (previous == null) {
            return;
        }
        try {
            PluginHelper.getRoutesLoader(getCamelContext()).updateRoutes(List.of(ResourceHelper.fromString(location, previous)));
        } catch (Exception e) {
            LOG.error("Could not restore the previous version of route file {}: {}", key, rootMessage(e));
        }
    }

    /** Route files that are broken on disk right now, with the error; their previous version is serving. */
    public Map<String, String> brokenFiles() {
        return new TreeMap<>(broken);
    }

    private String key(Path p) {
        return dir.relativize(p.toAbsolutePath().normalize()).toString();
    }

    private String keyOf(String location) {
        try {
            return key(fileOf(location));
        } catch (RuntimeException e) {
            return location;
        }
    }

    /** The file behind a watched resource's location ({@code file:/hub/routes/core/dispatch.camel.yaml}). */
    static Path fileOf(String location) {
        return Path.of(location.startsWith("file:") ? location.substring(5) : location);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder();
        while (t != null) {
            if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
                if (!sb.isEmpty()) {
                    sb.append(": ");
                }
                sb.append(t.getMessage().lines().findFirst().orElse(""));
            }
            t = t.getCause();
        }
        return sb.toString();
    }
}
