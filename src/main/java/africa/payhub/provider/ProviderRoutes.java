package africa.payhub.provider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import africa.payhub.config.DeclarationSchema;
import africa.payhub.config.ProviderDeclaration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.quartz.SchedulerException;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Makes each declared provider's routes from the shared templates in {@code routes/core/}, once the route
 * files are loaded: {@code <p>-http} (provider-http: transport, credentials, circuit breaker), one
 * {@code <p>-<operation>} per declared operation of the common shape (provider-call: declared steps,
 * request mapping, HTTP, response mapping), {@code <p>-<operation>-status} and {@code <p>-status}
 * (status queries), {@code <p>-data-<kind>} (and {@code -upload}) for each kind of data request it answers,
 * {@code <p>-lookup}, {@code <p>-<resource>-create} and {@code <p>-operator-<call>} (provider-fetch: failures go back
 * to the caller), and {@code <p>-webhook} (provider-webhook) when it sends webhooks.
 */
@Component
public class ProviderRoutes implements CamelContextConfiguration, HealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderRoutes.class);

    private final ProviderCatalog providers;
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, String> brokenDeclarations = new ConcurrentHashMap<>();
    private volatile CamelContext camel;

    public ProviderRoutes(ProviderCatalog providers) {
        this.providers = providers;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        this.camel = camel;
        // each provider on its own: one that cannot be made is reported (health DOWN, an ERROR line) and
        // never keeps the others from being made
        for (Provider p : providers.declared()) {
            try {
                make(camel, p);
            } catch (RuntimeException e) {
                failures.put(p.name(), e.getMessage());
                LOG.error("Provider {} does not work: {}", p.name(), e.getMessage(), e);
            }
        }
        startScheduledWork(camel);
    }

    /**
     * Starts the scheduler of the hub's scheduled routes (the pollers, callbacks, batches, housekeeping), which
     * does not start with the context ({@code camel.component.quartz.auto-start-scheduler: false}): until every
     * provider's routes are made a provider's flows look absent, and a payment the poller resolved then would
     * be put in review for nothing.
     */
    private static void startScheduledWork(CamelContext camel) {
        if (camel.hasComponent("quartz") instanceof QuartzComponent quartz && quartz.getScheduler() != null) {
            try {
                quartz.getScheduler().start();
            } catch (SchedulerException e) {
                throw new IllegalStateException("the scheduled routes could not be started: " + e.getMessage(), e);
            }
        }
    }

    private void make(CamelContext camel, Provider p) {
        try {
            // every declared provider gets its work queue, so a payment of a disabled one is still settled
            TemplatedRouteBuilder.builder(camel, "provider-work").routeId(p.name() + "-work")
                    .parameter("provider", p.name()).add();
        } catch (Exception e) {
            throw new IllegalStateException("provider " + p.name() + ": its work queue could not be made: "
                    + e.getMessage(), e);
        }
        if (!p.enabled()) {
            return;
        }
        List<Route> routes = routes(p);
        try {
            add(routes);
        } catch (RuntimeException e) {
            throw new IllegalStateException("provider " + p.name() + ": its routes could not be made from "
                    + p.declaration().file() + ": " + e.getMessage(), e);
        }
        LOG.info("Provider {}: routes {}", p.name(), routes.stream().map(Route::id).toList());
    }

    /**
     * A declaration saved on disk ({@code routes/providers/<p>/<p>.provider.yaml}), checked and compiled as at
     * start. A broken one is reported with its file, line and rule ({@link #brokenDeclarations()}: the hub is
     * DEGRADED) and the previous version keeps serving; a good one takes effect at once: the provider's routes
     * whose template or parameters changed are made again, the others keep running, and a new provider gets
     * all of its routes. The problem, or empty.
     */
    public synchronized Optional<String> reload(Path file) {
        DeclarationSchema.Checked checked = Declarations.check(providers.home(), file, providers.mappings());
        String shown = checked.shownAs();
        if (!Files.exists(file)) {
            brokenDeclarations.remove(shown);
            LOG.warn("Provider declaration {} was deleted; the provider keeps running until the hub restarts", shown);
            return Optional.empty();
        }
        if (!checked.ok()) {
            String error = checked.findings().stream().map(f -> "line " + f.line() + ": " + f.rule())
                    .collect(java.util.stream.Collectors.joining("; "));
            if (!error.equals(brokenDeclarations.put(shown, error))) {
                checked.findings().forEach(f -> LOG.error("{}", f));
                LOG.error("Provider declaration {} is broken and was not applied; its previous version keeps serving", shown);
            }
            return Optional.of(error);
        }
        ProviderDeclaration d = checked.declaration();
        Optional<Provider> previous = providers.declared(d.name());
        if (previous.isPresent() && previous.get().declaration().equals(d)) {
            fixed(shown);
            return Optional.empty();
        }
        Provider next = providers.put(d);
        try {
            if (previous.isEmpty()) {
                make(camel, next);
            } else {
                replaceRoutes(made(previous.get()), made(next));
            }
        } catch (RuntimeException e) {
            previous.ifPresent(providers::restore);
            String error = "its routes could not be made: " + e.getMessage();
            brokenDeclarations.put(shown, error);
            LOG.error("Provider declaration {} was not applied ({}); its previous version keeps serving", shown, error, e);
            return Optional.of(error);
        }
        fixed(shown);
        LOG.info("Provider declaration {} reloaded", shown);
        return Optional.empty();
    }

    private void fixed(String shown) {
        if (brokenDeclarations.remove(shown) != null) {
            LOG.info("Provider declaration {} is fixed", shown);
        }
    }

    /** Declarations that are broken on disk right now (their previous version serves), by file, with the findings. */
    public Map<String, String> brokenDeclarations() {
        return new java.util.TreeMap<>(brokenDeclarations);
    }

    private static List<Route> made(Provider p) {
        return p.enabled() ? routes(p) : List.of();
    }

    /** Stops and removes the routes that change, then adds their new versions; on a failure, puts the old back. */
    private void replaceRoutes(List<Route> before, List<Route> after) {
        List<Route> gone = before.stream().filter(r -> !after.contains(r)).toList();
        List<Route> added = after.stream().filter(r -> !before.contains(r)).toList();
        remove(gone);
        try {
            add(added);
        } catch (RuntimeException e) {
            remove(added);
            add(gone);
            throw e;
        }
    }

    private void remove(List<Route> routes) {
        for (Route r : routes) {
            try {
                if (camel.getRoute(r.id()) != null) {
                    camel.getRouteController().stopRoute(r.id(), 30, java.util.concurrent.TimeUnit.SECONDS);
                    camel.removeRoute(r.id());
                }
            } catch (Exception e) {
                throw new IllegalStateException("route " + r.id() + " could not be stopped: " + e.getMessage(), e);
            }
        }
    }

    private void add(List<Route> routes) {
        for (Route r : routes) {
            if (camel.getRoute(r.id()) != null) {
                continue;
            }
            try {
                TemplatedRouteBuilder b = TemplatedRouteBuilder.builder(camel, r.template()).routeId(r.id());
                r.parameters().forEach(b::parameter);
                b.add();
            } catch (Exception e) {
                throw new IllegalStateException("route " + r.id() + ": " + e.getMessage(), e);
            }
        }
    }

    /** DOWN, naming each provider whose routes could not be made at start and why. */
    @Override
    public Health health() {
        return failures.isEmpty() ? Health.up().build() : Health.down().withDetails(Map.copyOf(failures)).build();
    }

    /** A route to make: its id, the template, the template's parameters. */
    record Route(String id, String template, Map<String, String> parameters) {
    }

    static List<Route> routes(Provider p) {
        String name = p.name();
        ProviderDeclaration d = p.declaration();
        List<Route> out = new ArrayList<>();
        out.add(new Route(name + "-http", "provider-http", Map.of("provider", name, "baseUrl", p.baseUrl())));
        d.operations().forEach((operation, op) -> {
            String id = ProviderCatalog.routeId(name, operation);
            out.add(call(id, name, operation, "send", op.request(), op.response()));
            if (op.status() != null) {
                out.add(call(id + "-status", name, operation, "status", op.status().request(), op.status().response()));
            }
            if (op.authorize() != null) {
                out.add(fetch(id + "-authorize", name, op.authorize().request(), op.authorize().response()));
            }
            if (op.expire() != null) {
                out.add(call(id + "-expire", name, operation, "expire", op.expire().request(), op.expire().response()));
            }
            if (op.card() != null) {
                out.add(call(id + "-card", name, "", "card", op.card().request(), op.card().response()));
            }
            if (op.cardNext() != null) {
                out.add(call(id + "-card-next", name, "", "card", op.cardNext().request(), op.cardNext().response()));
            }
            if (op.resendAuthorization() != null) {
                out.add(fetch(id + "-authorize-resend", name, op.resendAuthorization().request(),
                        op.resendAuthorization().response()));
            }
        });
        if (d.status() != null) {
            out.add(call(name + "-status", name, "", "status", d.status().request(), d.status().response()));
        }
        if (d.lookup() != null) {
            out.add(fetch(name + "-lookup", name, d.lookup().request(), d.lookup().response()));
        }
        d.checks().forEach((check, c) -> out.add(fetch(name + "-check-" + check, name, c.request(), c.response())));
        d.resources().forEach((resource, r) ->
                out.add(fetch(name + "-" + resource + "-create", name, r.request(), r.response())));
        d.data().forEach((kind, call) -> {
            String id = ProviderCatalog.dataRouteId(name, kind);
            out.add(call(id, name, "", "send", call.request(), call.response()));
            if (call.upload() != null) {
                out.add(call(id + "-upload", name, "", "send", call.upload().request(), call.upload().response()));
            }
        });
        d.operatorCalls().forEach((call, c) ->
                out.add(fetch(ProviderCatalog.operatorCallRouteId(name, call), name, c.request(), c.response())));
        if (d.webhooks().mapping() != null) {
            out.add(new Route(name + "-webhook", "provider-webhook", Map.of("provider", name, "mapping", d.webhooks().mapping())));
        }
        return out;
    }

    private static Route call(String id, String provider, String operation, String phase, String request,
                              String response) {
        return new Route(id, "provider-call", Map.of("flow", id, "provider", provider, "operation", operation,
                "phase", phase, "request", request, "response", response));
    }

    private static Route fetch(String id, String provider, String request, String response) {
        return new Route(id, "provider-fetch", Map.of("flow", id, "provider", provider, "request", request,
                "response", response));
    }
}
