package africa.payhub.provider;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.config.HubProperties;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.payment.Carriers;
import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The providers the hub can use, each from its declaration ({@code routes/providers/<name>/<name>.provider.yaml})
 * and its settings, and what each can do: an operation is carried when the declaration names it and its
 * flow route is running.
 */
@Component("providerCatalog")
public class ProviderCatalog implements Carriers {

    private final Map<String, Provider> providers = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final CamelContext camel;
    private final Mappings mappings;
    private final Environment env;
    private final java.nio.file.Path home;
    /**
     * Each provider's circuit breakers: the Resilience4j steps of its {@code <provider>-http} route, found on
     * first use after the route was made and forgotten when routes are added or removed (a reload).
     */
    private final Map<String, List<ResilienceProcessor>> breakers = new ConcurrentHashMap<>();

    public ProviderCatalog(HubProperties hub, Environment env, CamelContext camel, Mappings mappings) {
        Declarations.loadAll(hub.homeDir(), mappings).forEach((name, d) -> {
            providers.put(name, new Provider(d, env));
            mappings.imports(name, d.imports());
        });
        this.camel = camel;
        this.mappings = mappings;
        this.env = env;
        this.home = hub.homeDir();
        SimpleEventNotifierSupport routesChanged = new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                breakers.clear();
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.RouteAddedEvent || event instanceof CamelEvent.RouteRemovedEvent;
            }
        };
        routesChanged.setIgnoreExchangeEvents(true);
        routesChanged.setIgnoreCamelContextEvents(true);
        routesChanged.setIgnoreServiceEvents(true);
        routesChanged.setIgnoreStepEvents(true);
        camel.getManagementStrategy().addEventNotifier(routesChanged);
        ServiceHelper.startService(routesChanged);
    }

    /** The hub's home, under which the declarations are ({@code routes/providers}). */
    public java.nio.file.Path home() {
        return home;
    }

    public Mappings mappings() {
        return mappings;
    }

    /** A declared provider, enabled or not. */
    Optional<Provider> declared(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    /** Puts a provider made from a declaration that was saved and checked in place of the one it replaces. */
    Provider put(ProviderDeclaration declaration) {
        Provider p = new Provider(declaration, env);
        providers.put(declaration.name(), p);
        mappings.imports(declaration.name(), declaration.imports());
        return p;
    }

    /** Takes back a provider whose new declaration could not be applied. */
    void restore(Provider previous) {
        providers.put(previous.name(), previous);
        mappings.imports(previous.name(), previous.declaration().imports());
    }

    @Override
    public StatusRule status(String provider, String providerStatus) {
        return mappings.status(provider, providerStatus);
    }

    @Override
    public ObjectNode settings(String provider) {
        return require(provider).publicSettings();
    }

    public Optional<Provider> provider(String name) {
        return Optional.ofNullable(providers.get(name)).filter(Provider::enabled);
    }

    public Provider require(String name) {
        return provider(name).orElseThrow(() -> new IllegalStateException("provider " + name + " is not enabled"));
    }

    /** Every declared provider, enabled or not. */
    public List<Provider> declared() {
        return List.copyOf(providers.values());
    }

    public List<String> enabledProviders() {
        return providers.values().stream().filter(Provider::enabled).map(Provider::name).toList();
    }

    /** Whether the provider is enabled, declares the operation, and its flow is running. */
    public boolean supports(String provider, String operation) {
        return flow(provider, operation).isPresent();
    }

    /** The running route that carries the operation to the provider, e.g. monnify-payout. */
    @Override
    public Optional<String> flow(String provider, String operation) {
        return provider(provider).flatMap(p -> Optional.ofNullable(p.declaration().operations().get(operation))
                .map(op -> routeId(provider, operation))).filter(this::hasRoute);
    }

    /** The route that asks the provider for a payment's status: the operation's own, else the provider's, else none. */
    @Override
    public Optional<String> statusFlow(String provider, String operation) {
        Optional<Provider> p = provider(provider);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        ProviderDeclaration d = p.get().declaration();
        ProviderDeclaration.Operation op = d.operations().get(operation);
        String route = null;
        ProviderDeclaration.Call call = op != null && op.status() != null ? op.status() : d.status();
        if (call != null && call.enabledBy() != null && !p.get().flag(call.enabledBy())) {
            return Optional.empty();
        }
        if (op != null && op.status() != null) {
            route = routeId(provider, operation) + "-status";
        } else if (d.status() != null) {
            route = provider + "-status";
        }
        return Optional.ofNullable(route).filter(this::hasRoute);
    }

    @Override
    public Optional<Expiry> expiry(String provider, String operation,
                                   java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> input) {
        Optional<Provider> p = provider(provider);
        ProviderDeclaration.Operation op = p.map(x -> x.declaration().operations().get(operation)).orElse(null);
        if (op == null || op.expire() == null) {
            return Optional.empty();
        }
        ProviderDeclaration.Expire expire = op.expire();
        if (expire.when() != null && !mappings.evaluate(provider, expire.when(), input.get()).asBoolean(false)) {
            return Optional.empty();
        }
        String after = p.get().text(expire.after()).orElse(null);
        if (after == null || after.isBlank()) {
            return Optional.empty();
        }
        String route = routeId(provider, operation) + "-expire";
        return hasRoute(route) ? Optional.of(new Expiry(org.springframework.boot.convert.DurationStyle.detectAndParse(after), route))
                : Optional.empty();
    }

    /** The running route that submits an authorization code for the operation (or asks for a new one). */
    public Optional<String> authorizationFlow(String provider, String operation, boolean resend) {
        return provider(provider).flatMap(p -> Optional.ofNullable(p.declaration().operations().get(operation)))
                .map(op -> resend ? op.resendAuthorization() : op.authorize())
                .map(c -> routeId(provider, operation) + (resend ? "-authorize-resend" : "-authorize"))
                .filter(this::hasRoute);
    }

    /** The running route that charges a card posted to a payment of the operation, if the provider takes cards. */
    public Optional<String> cardFlow(String provider, String operation) {
        return provider(provider).flatMap(p -> Optional.ofNullable(p.declaration().operations().get(operation)))
                .map(ProviderDeclaration.Operation::card)
                .map(c -> routeId(provider, operation) + "-card")
                .filter(this::hasRoute);
    }

    /** The card call that follows a charge answered with provider status {@code when}: its running route. */
    public record CardNext(String when, String flow) {
    }

    /** The declared card call that follows a charge of the operation (3-D Secure, ...), if any runs. */
    public Optional<CardNext> cardNext(String provider, String operation) {
        return provider(provider).flatMap(p -> Optional.ofNullable(p.declaration().operations().get(operation)))
                .map(ProviderDeclaration.Operation::cardNext)
                .map(c -> new CardNext(c.when(), routeId(provider, operation) + "-card-next"))
                .filter(c -> hasRoute(c.flow()));
    }

    /** The running route that sends a data request of this kind to the provider, e.g. stub-data-insights. */
    public Optional<String> dataFlow(String provider, String kind) {
        return provider(provider).flatMap(p -> Optional.ofNullable(p.declaration().data().get(kind))
                .map(call -> dataRouteId(provider, kind))).filter(this::hasRoute);
    }

    /** The enabled providers that answer data requests of this kind. */
    public List<String> dataProviders(String kind) {
        return providers.values().stream().filter(Provider::enabled).map(Provider::name)
                .filter(name -> dataFlow(name, kind).isPresent()).toList();
    }

    @Override
    public String referenceAt(String provider, String paymentId, String providerReference) {
        String expression = Optional.ofNullable(providers.get(provider)).map(p -> p.declaration().reference())
                .orElse(null);
        if (expression == null) {
            return providerReference;
        }
        com.fasterxml.jackson.databind.JsonNode seen = mappings.evaluate(provider, expression, africa.payhub.canonical.Json.object()
                .set("payment", africa.payhub.canonical.Json.object().put("paymentId", paymentId)
                        .put("providerReference", providerReference)));
        return seen == null || seen.isNull() || seen.isMissingNode() ? providerReference : seen.asText();
    }

    @Override
    public boolean chain(String provider, String operation) {
        Provider p = providers.get(provider);
        ProviderDeclaration.Operation op = p == null || operation == null ? null : p.declaration().operations().get(operation);
        return op != null && op.needs().stream().map(p.declaration().resources()::get)
                .anyMatch(r -> r != null && ("payment".equals(r.scope()) || "call".equals(r.scope())));
    }

    /** The HTTP statuses the provider documents as "not processed" ({@code resend.notProcessed}). */
    public List<Integer> notProcessed(String provider) {
        Provider p = providers.get(provider);
        return p == null ? List.of() : p.declaration().resend().notProcessed();
    }

    @Override
    public ResendRule resend(String provider) {
        ProviderDeclaration.Resend r = Optional.ofNullable(providers.get(provider))
                .map(p -> p.declaration().resend()).orElse(new ProviderDeclaration.Resend(null, null, null, null, null));
        boolean confirm = r.notFound() != null;
        return new ResendRule(r.rejectsDuplicates(), r.maxHold(), confirm ? r.notFound().queries() : 0,
                confirm ? r.notFound().window() : null,
                r.evidence() == null ? null : r.evidence().kind() + ": " + r.evidence().source());
    }

    @Override
    public boolean accepting(String provider) {
        // runs per payment: CamelContext.getRoute copies the list of every route, and the route's steps are walked
        return breakers.computeIfAbsent(provider, this::findBreakers).stream()
                .noneMatch(b -> "OPEN".equals(b.getCircuitBreakerState())
                        || "FORCED_OPEN".equals(b.getCircuitBreakerState()));
    }

    private List<ResilienceProcessor> findBreakers(String provider) {
        org.apache.camel.Route route = camel.getRoute(provider + "-http");
        return route == null ? List.of() : route.filter("*").stream()
                .filter(ResilienceProcessor.class::isInstance).map(ResilienceProcessor.class::cast).toList();
    }

    public boolean hasRoute(String routeId) {
        // a look-up by id: CamelContext.getRoute copies the list of every route first, and this runs per payment
        return camel.getRouteController().getRouteStatus(routeId) != null;
    }

    /** The route of an operator call ({@code operatorCalls} in the declaration). */
    public static String operatorCallRouteId(String provider, String call) {
        return provider + "-operator-" + call;
    }

    /** The id of a data kind's route: {@code <provider>-data-<kind>}, e.g. stub-data-bank-feed. */
    public static String dataRouteId(String provider, String kind) {
        return provider + "-data-" + kind.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The id of a declared flow's route: {@code <provider>-<operation>}, e.g. monnify-payout, waas-wallet-open. */
    public static String routeId(String provider, String operation) {
        return provider + "-" + operation.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
