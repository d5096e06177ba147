package africa.payhub.provider;

import java.util.List;
import java.util.Set;

import africa.payhub.config.ProviderDeclaration;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Where a provider's webhooks may come from: the addresses configured ({@code hub.webhooks.<provider>.allowed-ips},
 * which, when set, are the only ones accepted) or declared ({@code webhooks.senders}), and the address a request
 * came from.
 */
@Component("webhookSenders")
public class WebhookSenders {

    private final Environment env;
    private final ProviderCatalog providers;

    public WebhookSenders(Environment env, ProviderCatalog providers) {
        this.env = env;
        this.providers = providers;
    }

    /** Whether a webhook of the provider is accepted from this address: any, unless allowed-ips is set. */
    boolean accepts(String provider, String remote) {
        Set<String> allowed = allowedIps(provider);
        return allowed.isEmpty() || allowed.contains(remote);
    }

    private Set<String> allowedIps(String provider) {
        String list = env.getProperty("hub.webhooks." + provider + ".allowed-ips", "");
        return list.isBlank() ? Set.of() : Set.of(list.trim().split("\\s*,\\s*"));
    }

    /**
     * The addresses a provider's webhooks come from, as configured ({@code hub.webhooks.<provider>.allowed-ips})
     * or declared ({@code webhooks.senders}); empty for an unknown provider or one that names none.
     */
    public Set<String> senders(String provider) {
        Set<String> configured = allowedIps(provider);
        List<String> declared = providers.provider(provider).map(p -> p.declaration().webhooks())
                .map(ProviderDeclaration.Webhooks::senders).orElse(List.of());
        if (declared.isEmpty()) {
            return configured;
        }
        Set<String> all = new java.util.HashSet<>(configured);
        all.addAll(declared);
        return all;
    }

    static String remoteAddress(Exchange exchange) {
        if (exchange.getIn() instanceof PlatformHttpMessage m && m.getRequest() != null) {
            return m.getRequest().getRemoteAddr();
        }
        HttpServletRequest request = exchange.getIn().getHeader("CamelHttpServletRequest", HttpServletRequest.class);
        return request == null ? null : request.getRemoteAddr();
    }
}
