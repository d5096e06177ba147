package africa.payhub.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The enterprise clients and operators the hub knows: those configured under {@code hub.clients} and
 * {@code hub.operators}, plus a demo client and operator when {@code hub.demo.enabled} (never in prod).
 */
@Component
public class ClientRegistry {

    public static final String DEMO_CLIENT = "demo-erp";
    public static final String DEMO_OPERATOR = "ops";

    private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);

    private final Map<String, HubProperties.Client> clients = new LinkedHashMap<>();
    private final Map<String, HubProperties.Operator> operators = new LinkedHashMap<>();

    public ClientRegistry(HubProperties properties) {
        if (properties.demo() != null && properties.demo().enabled()) {
            // its callbacks go to the sandbox's demo inbox, on this host: private addresses allowed
            clients.put(DEMO_CLIENT, new HubProperties.Client(Secret.of("demo-erp-secret"), null,
                    Secret.of("demo-erp-callback-secret"), null, java.util.List.of(), true));
            operators.put(DEMO_OPERATOR, new HubProperties.Operator(Secret.of("ops-secret")));
            LOG.info("Demo client '{}' and operator '{}' are enabled (see README); never in production",
                    DEMO_CLIENT, DEMO_OPERATOR);
        }
        clients.putAll(properties.clients());
        operators.putAll(properties.operators());
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
