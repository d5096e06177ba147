package africa.payhub.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The enterprise clients and operators the hub knows: those configured under {@code hub.clients} and
 * {@code hub.operators}, plus a demo client and operator when {@code hub.demo.enabled} (never in prod).
 * Settings given for the demo client ({@code hub.clients.demo-erp.*}) are laid over its built-in ones, so
 * configuring one of them keeps the rest (its secret among them). A client or operator left without a secret
 * refuses the start, naming it ({@link ProductionChecks} says so before anything starts, in every profile).
 */
@Component
public class ClientRegistry {

    public static final String DEMO_CLIENT = "demo-erp";
    public static final String DEMO_OPERATOR = "ops";

    /** The demo client's built-in settings: its callbacks go to the sandbox's demo inbox, on this host. */
    static final HubProperties.Client DEMO = new HubProperties.Client(Secret.of("demo-erp-secret"), null,
            Secret.of("demo-erp-callback-secret"), null, List.of(), true);

    private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);

    private final Map<String, HubProperties.Client> clients = new LinkedHashMap<>();
    private final Map<String, HubProperties.Operator> operators = new LinkedHashMap<>();

    public ClientRegistry(HubProperties properties) {
        boolean demo = properties.demo() != null && properties.demo().enabled();
        if (demo) {
            clients.put(DEMO_CLIENT, DEMO);
            operators.put(DEMO_OPERATOR, new HubProperties.Operator(Secret.of("ops-secret")));
            LOG.info("Demo client '{}' and operator '{}' are enabled (see README); never in production",
                    DEMO_CLIENT, DEMO_OPERATOR);
        }
        properties.clients().forEach((id, client) ->
                clients.put(id, demo && DEMO_CLIENT.equals(id) ? overDemo(client) : client));
        properties.operators().forEach((name, operator) ->
                operators.put(name, operator.secret() == null || operator.secret().isBlank()
                        ? operators.getOrDefault(name, operator) : operator));
        clients.forEach((id, client) -> {
            if (client.secret() == null || client.secret().isBlank()) {
                throw new IllegalStateException("hub.clients." + id + ".secret is not set: client '" + id
                        + "' could not log in (set its secret, or remove hub.clients." + id + ")");
            }
        });
        operators.forEach((name, operator) -> {
            if (operator.secret() == null || operator.secret().isBlank()) {
                throw new IllegalStateException("hub.operators." + name + ".secret is not set: operator '" + name
                        + "' could not log in (set its secret, or remove hub.operators." + name + ")");
            }
        });
    }

    /** The demo client's built-in settings with those configured for it on top (a blank one keeps the built-in). */
    static HubProperties.Client overDemo(HubProperties.Client given) {
        return new HubProperties.Client(
                given.secret() == null || given.secret().isBlank() ? DEMO.secret() : given.secret(),
                given.nextSecret(),
                given.callbackSecret() == null || given.callbackSecret().isBlank() ? DEMO.callbackSecret() : given.callbackSecret(),
                given.callbackUrl(),
                given.sourceAccounts() == null || given.sourceAccounts().isEmpty() ? DEMO.sourceAccounts() : given.sourceAccounts(),
                // the built-in client's callbacks go to this host's sandbox inbox: private addresses stay allowed
                given.callbackAllowPrivate() || DEMO.callbackAllowPrivate());
    }

    public Optional<HubProperties.Client> client(String clientId) {
        return Optional.ofNullable(clients.get(clientId));
    }

    public Map<String, HubProperties.Client> clients() {
        return Map.copyOf(clients);
    }

    public Map<String, HubProperties.Operator> operators() {
        return Map.copyOf(operators);
    }
}
