package africa.payhub.provider;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.springframework.stereotype.Component;

/**
 * The providers the hub can use and what each can do. A provider supports an operation when its route
 * {@code <provider>-<operation>} is loaded (e.g. monnify-payout): adding a route file adds the capability.
 */
@Component("providers")
public class ProviderCatalog {

    private final Map<String, ProviderAccount> accounts = new TreeMap<>();
    private final CamelContext camel;

    public ProviderCatalog(List<ProviderAccount> accounts, CamelContext camel) {
        accounts.forEach(a -> this.accounts.put(a.name(), a));
        this.camel = camel;
    }

    public Optional<ProviderAccount> account(String provider) {
        return Optional.ofNullable(accounts.get(provider)).filter(ProviderAccount::enabled);
    }

    public ProviderAccount require(String provider) {
        return account(provider).orElseThrow(() -> new IllegalStateException("provider " + provider + " is not enabled"));
    }

    /** Sets the login credentials of the provider's account (used by each {@code <provider>-login} route). */
    public void login(String provider, org.apache.camel.Exchange exchange) {
        require(provider).applyLoginCredentials(exchange);
    }

    public List<String> enabledProviders() {
        return accounts.values().stream().filter(ProviderAccount::enabled).map(ProviderAccount::name).toList();
    }

    public boolean supports(String provider, String operation) {
        return account(provider).isPresent() && camel.getRoute(routeId(provider, operation)) != null;
    }

    public boolean hasRoute(String routeId) {
        return camel.getRoute(routeId) != null;
    }

    public static String routeId(String provider, String operation) {
        return provider + "-" + operation.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
