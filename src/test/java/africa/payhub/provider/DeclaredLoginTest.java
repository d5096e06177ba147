package africa.payhub.provider;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import africa.payhub.config.HubProperties;
import africa.payhub.config.ProductionChecks;
import africa.payhub.exchange.HubKeys;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A login declared as an integrator writes it: an OAuth 2.0 client-credentials grant to a token endpoint on a
 * host of its own, the client authenticated by HTTP Basic or in the body, with a scope, as a form or as JSON;
 * and HTTP Basic together with a form. The request the hub would send is read as the token endpoint reads it.
 */
class DeclaredLoginTest {

    @TempDir
    Path home;

    private static final String PROPERTIES = """
            properties:
              base-url: { type: string, format: uri, required: true }
              token-url: { type: string, format: uri, required: true }
              client-id: { type: string, required: true }
              client-secret: { type: string, format: password, required: true }
            """;

    private Exchange login(String auth) throws IOException {
        Path dir = Files.createDirectories(home.resolve("routes/providers/acme2"));
        Files.writeString(dir.resolve("acme2.provider.yaml"), "name: acme2\n" + PROPERTIES + auth);
        MockEnvironment env = new MockEnvironment()
                .withProperty("hub.providers.acme2.base-url", "https://api.acme2.example")
                .withProperty("hub.providers.acme2.token-url", "https://login.acme2-id.example/oauth2/token")
                .withProperty("hub.providers.acme2.client-id", "hub client")
                .withProperty("hub.providers.acme2.client-secret", "s3cret:&=");
        HubProperties hub = new HubProperties(home.toString(), null, null, null, null, null, null, null, null, Map.of(), Map.of());
        ProviderCatalog catalog = new ProviderCatalog(hub, env, new DefaultCamelContext(), new Mappings(hub));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(HubKeys.PROVIDER, "acme2");
        new ProviderAuth(catalog, null).loginRequest(exchange);
        return exchange;
    }

    @Test
    void anOAuth2GrantGoesToItsOwnTokenUrlWithBasicClientAuthenticationAndAForm() throws IOException {
        Exchange e = login("""
                auth:
                  kind: bearer
                  login:
                    url: token-url
                    oauth2: { clientId: client-id, clientSecret: client-secret, scope: "payouts:write" }
                """);
        assertThat(e.getProperty(HubKeys.LOGIN_URL)).isEqualTo("https://login.acme2-id.example/oauth2/token");
        assertThat(e.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/x-www-form-urlencoded");
        assertThat(form(e.getMessage().getBody(String.class)))
                .isEqualTo(Map.of("grant_type", "client_credentials", "scope", "payouts:write"));
        // RFC 6749 2.3.1: the id and secret are form-encoded, then joined and Base64-encoded
        String basic = new String(Base64.getDecoder().decode(
                e.getMessage().getHeader("Authorization", String.class).substring("Basic ".length())), StandardCharsets.UTF_8);
        assertThat(basic).isEqualTo("hub+client:s3cret%3A%26%3D");
    }

    @Test
    void anOAuth2GrantMayAuthenticateTheClientInAJsonBody() throws IOException {
        Exchange e = login("""
                auth:
                  kind: bearer
                  login:
                    path: /token
                    oauth2: { clientId: client-id, clientSecret: client-secret, clientAuthentication: body, encoding: json }
                """);
        assertThat(e.getProperty(HubKeys.LOGIN_URL)).isEqualTo("https://api.acme2.example/token");
        assertThat(e.getMessage().getHeader("Authorization")).isNull();
        assertThat(e.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(e.getMessage().getBody(String.class)).isEqualTo(
                "{\"grant_type\":\"client_credentials\",\"client_id\":\"hub client\",\"client_secret\":\"s3cret:&=\"}");
    }

    @Test
    void basicCredentialsCombineWithAForm() throws IOException {
        Exchange e = login("""
                auth:
                  kind: bearer
                  login:
                    url: token-url
                    credentials:
                      basic: { username: client-id, password: client-secret }
                      form: { account: client-id }
                """);
        assertThat(e.getMessage().getHeader("Authorization", String.class)).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("hub client:s3cret:&=".getBytes(StandardCharsets.UTF_8)));
        assertThat(form(e.getMessage().getBody(String.class))).isEqualTo(Map.of("account", "hub client"));
    }

    @Test
    void aTokenUrlMustBeASettingDeclaredAsAUri() {
        assertThatThrownBy(() -> login("""
                auth:
                  kind: bearer
                  login:
                    url: client-id
                    oauth2: { clientId: client-id, clientSecret: client-secret }
                """)).hasStackTraceContaining("must be declared under properties with format: uri");
        assertThatThrownBy(() -> login("""
                auth:
                  kind: bearer
                  login:
                    path: /token
                    url: token-url
                """)).hasStackTraceContaining("exactly one of path");
        assertThatThrownBy(() -> login("""
                auth:
                  kind: bearer
                  login:
                    path: /token
                    credentials: { body: { a: client-id }, form: { b: client-id } }
                """)).hasStackTraceContaining("a body or a form, not both");
    }

    @Test
    void productionRefusesATokenUrlThatIsNotHttps() throws IOException {
        login("""
                auth:
                  kind: bearer
                  login:
                    url: token-url
                    oauth2: { clientId: client-id, clientSecret: client-secret }
                """);
        MockEnvironment env = new MockEnvironment().withProperty("hub.home", home.toString())
                .withProperty("hub.providers.acme2.token-url", "http://10.0.0.7/oauth2/token");
        List<String> problems = ProductionChecks.check(env);
        assertThat(problems).contains("hub.providers.acme2.token-url must be https in production (credentials travel on it)");
    }

    private static Map<String, String> form(String body) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }
}
