package africa.payhub.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    public ProviderRoutes(ProviderCatalog providers) {
        this.providers = providers;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
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
        List<String> made = new ArrayList<>();
        try {
            for (Route r : routes(p)) {
                TemplatedRouteBuilder b = TemplatedRouteBuilder.builder(camel, r.template()).routeId(r.id());
                r.parameters().forEach(b::parameter);
                b.add();
                made.add(r.id());
            }
        } catch (Exception e) {
            throw new IllegalStateException("provider " + p.name() + ": its routes could not be made from "
                    + p.declaration().file() + ": " + e.getMessage(), e);
        }
        LOG.info("Provider {}: routes {}", p.name(), made);
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
