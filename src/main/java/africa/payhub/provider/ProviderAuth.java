package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.config.Secret;
import africa.payhub.security.BasicCredentials;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Authenticates provider calls as each provider's declaration says ({@code auth.kind}): HTTP Basic on
 * every call, a bearer token from a login call (cached by {@link TokenCache}), settings merged into the
 * request body, or nothing. Also builds and reads the login call itself (route {@code provider-login}).
 * Credentials (and a token the provider is to echo) are added after the request was recorded in the
 * timeline, so they never reach it.
 */
@Component("providerAuth")
public class ProviderAuth {


    private final ProviderCatalog providers;
    private final TokenCache tokens;

    public ProviderAuth(ProviderCatalog providers, TokenCache tokens) {
        this.providers = providers;
        this.tokens = tokens;
    }

    /** Adds the provider's credentials to the request about to be sent. */
    public void authorize(String provider, Exchange exchange) {
        Provider p = providers.require(provider);
        ProviderDeclaration.Auth override = exchange.getProperty(HubKeys.AUTH_OVERRIDE, ProviderDeclaration.Auth.class);
        ProviderDeclaration.Auth auth = override != null ? override : p.declaration().auth();
        Message msg = exchange.getMessage();
        fillPlaceholders(p, exchange, msg);
        echoToken(p, exchange);
        switch (auth.kind()) {
            case "basic" -> msg.setHeader("Authorization", BasicCredentials.header(
                    p.credential(auth.basic().username()).reveal(), p.credential(auth.basic().password())));
            case "bearer" -> {
                String token = tokens.token(provider);
                ProviderDeclaration.Login login = p.declaration().auth().login();
                msg.setHeader(login.header(), login.scheme().isBlank() ? token : login.scheme() + " " + token);
                exchange.setProperty(HubKeys.TOKEN_USED, token);
            }
            case "body" -> {
                JsonNode body = msg.getBody() == null ? Json.object() : Json.toNode(msg.getBody(String.class));
                ObjectNode withCredentials = body.isObject() ? (ObjectNode) body : Json.object();
                auth.body().forEach((field, setting) -> withCredentials.put(field, p.credential(setting).reveal()));
                msg.setBody(Json.write(withCredentials));
                msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
            }
            case "none" -> {
            }
            default -> throw new IllegalStateException(provider + ": unknown auth kind " + auth.kind());
        }
    }


    /**
     * A request mapping may place, anywhere in a body, {@code {"_secret": "<setting>"}} (the value of that
     * secret setting, declared {@code format: password}: a payout's passcode) or {@code {"_transient": "card.number"}}
     * (a dotted path into the call's {@link HubKeys#TRANSIENT} values). They are filled here, in one pass, after the
     * request was recorded in the timeline (which shows the placeholders), right before it is sent.
     */
    private static void fillPlaceholders(Provider p, Exchange exchange, Message msg) {
        Object body = msg.getBody();
        if (!(body instanceof String text) || !(text.contains("\"_secret\"") || text.contains("\"_transient\""))) {
            return;
        }
        JsonNode values = exchange.getProperty(HubKeys.TRANSIENT, JsonNode.class);
        msg.setBody(Json.write(filled(Json.toNode(text), placeholder -> {
            if (placeholder.path("_secret").isTextual()) {
                return Json.NODES.textNode(p.secret(placeholder.get("_secret").asText()).reveal());
            }
            if (placeholder.path("_transient").isTextual() && values != null) {
                JsonNode v = values;
                for (String step : placeholder.get("_transient").asText().split("\\.")) {
                    v = v.path(step);
                }
                return v.isMissingNode() ? Json.NODES.nullNode() : v;
            }
            return null;
        })));
    }

    /** The tree with every one-field object that {@code value} resolves (non-null) replaced by its value. */
    private static JsonNode filled(JsonNode node, Function<JsonNode, JsonNode> value) {
        if (node.isObject()) {
            JsonNode replacement = node.size() == 1 ? value.apply(node) : null;
            if (replacement != null) {
                return replacement;
            }
            ObjectNode out = Json.object();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), filled(e.getValue(), value)));
            return out;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = Json.NODES.arrayNode();
            node.forEach(e -> out.add(filled(e, value)));
            return out;
        }
        return node;
    }

    /**
     * A provider whose webhooks carry back a token the hub sent ({@code webhooks.verification: echoed-token})
     * gets the request's token in the declared body field, here, after the request was recorded: the token
     * never reaches the timeline.
     */
    private static void echoToken(Provider p, Exchange exchange) {
        String token = exchange.getProperty(HubKeys.ECHOED_TOKEN, String.class);
        ProviderDeclaration.EchoedToken field = p.declaration().webhooks().token();
        if (token == null || field == null || !"echoed-token".equals(p.declaration().webhooks().verification())) {
            return;
        }
        Message msg = exchange.getMessage();
        JsonNode body = msg.getBody() == null ? Json.object() : Json.toNode(msg.getBody(String.class));
        ObjectNode withToken = body.isObject() ? (ObjectNode) body : Json.object();
        withToken.put(field.field(), token);
        msg.setBody(Json.write(withToken));
        msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    /**
     * Builds the login request of the provider in {@code hubProvider}: method, URL ({@code path} under the
     * base URL, or the full URL its {@code url} setting holds), credentials ({@code basic}, with or without a
     * JSON body or a form; or an OAuth 2.0 client-credentials grant).
     */
    public void loginRequest(Exchange exchange) {
        Provider p = providers.require(exchange.getProperty(HubKeys.PROVIDER, String.class));
        ProviderDeclaration.Login login = p.declaration().auth().login();
        Message msg = exchange.getMessage();
        msg.removeHeaders("*");
        msg.setHeader(Exchange.HTTP_METHOD, ProviderHttp.method(login.method()));
        msg.setHeader("Accept", "application/json");
        Map<String, String> fields = new LinkedHashMap<>();
        boolean form = false;
        ProviderDeclaration.OAuth2 oauth2 = login.oauth2();
        ProviderDeclaration.Credentials c = login.credentials();
        if (oauth2 != null) {
            form = "form".equals(oauth2.encoding());
            fields.put("grant_type", "client_credentials");
            if (oauth2.scope() != null && !oauth2.scope().isBlank()) {
                fields.put("scope", oauth2.scope());
            }
            String id = p.credential(oauth2.clientId()).reveal();
            Secret secret = p.credential(oauth2.clientSecret());
            if ("basic".equals(oauth2.clientAuthentication())) {
                // RFC 6749 2.3.1: the id and secret are form-encoded before they are joined and Base64-encoded
                msg.setHeader("Authorization", BasicCredentials.header(formEncoded(id),
                        Secret.of(formEncoded(secret.reveal()))));
            } else {
                fields.put("client_id", id);
                fields.put("client_secret", secret.reveal());
            }
        } else if (c != null) {
            if (c.basic() != null) {
                msg.setHeader("Authorization", BasicCredentials.header(p.credential(c.basic().username()).reveal(),
                        p.credential(c.basic().password())));
            }
            form = c.form() != null;
            Map<String, String> declared = c.form() != null ? c.form() : c.body() != null ? c.body() : Map.of();
            declared.forEach((field, setting) -> fields.put(field, p.credential(setting).reveal()));
        }
        if (form) {
            StringJoiner body = new StringJoiner("&");
            fields.forEach((field, value) -> body.add(formEncoded(field) + "=" + formEncoded(value)));
            msg.setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
            msg.setBody(body.toString());
        } else {
            ObjectNode body = Json.object();
            fields.forEach(body::put);
            msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
            msg.setBody(Json.write(body));
        }
        exchange.setProperty(HubKeys.LOGIN_URL, loginUrl(p));
    }

    /** Where the provider's login goes: the full URL its {@code auth.login.url} setting holds, or base URL + path. */
    static String loginUrl(Provider p) {
        ProviderDeclaration.Login login = p.declaration().auth().login();
        return login.url() != null ? p.text(login.url()).orElse("") : p.baseUrl() + login.path();
    }

    private static String formEncoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * Reads the login answer into {@code {"accessToken", "expiresIn"}} (seconds), by the declared paths
     * and unit; any non-2xx means no token (and nothing was sent for a payment).
     */
    public void loginAnswer(Exchange exchange) {
        String provider = exchange.getProperty(HubKeys.PROVIDER, String.class);
        Message msg = exchange.getMessage();
        int status = msg.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status < 200 || status >= 300) {
            throw new ProviderAuthenticationException(provider, provider + " login refused with HTTP " + status
                    + (status == 401 ? " (check the configured credentials)" : ""));
        }
        ProviderDeclaration.Login login = providers.require(provider).declaration().auth().login();
        JsonNode answer = Json.toNode(msg.getBody(String.class));
        JsonNode token = first(answer, login.token());
        JsonNode expires = first(answer, login.expiresIn());
        long expiresIn = expires != null && expires.canConvertToLong() ? expires.asLong()
                : expires != null && expires.isTextual() ? parse(expires.asText())
                : login.defaultExpiresIn() == null ? 0 : login.defaultExpiresIn();
        if ("minutes".equals(login.expiresUnit()) && (expires != null)) {
            expiresIn = expiresIn * 60;
        }
        msg.setBody(Json.object().put("accessToken", token == null ? null : token.asText())
                .put("expiresIn", expiresIn));
    }

    private static long parse(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The first of the dotted paths present in the answer. */
    private static JsonNode first(JsonNode answer, Iterable<String> paths) {
        for (String path : paths) {
            JsonNode at = answer;
            for (String part : path.split("\\.")) {
                at = at.path(part);
            }
            if (!at.isMissingNode() && !at.isNull()) {
                return at;
            }
        }
        return null;
    }
}
