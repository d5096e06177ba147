package africa.payhub.provider;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.config.Secret;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.env.PropertySource;

/**
 * A declared provider with its settings read from {@code hub.providers.<name>.*} (any relaxed form, e.g.
 * the environment variable {@code HUB_PROVIDERS_MONNIFY_SECRETKEY}), defaults from the declaration.
 * Secrets come out only as {@link Secret}; mappings see the other settings as {@code .config}.
 */
public final class Provider {

    private final ProviderDeclaration declaration;
    private final PropertyResolver env;
    private volatile ObjectNode settings;
    private volatile Read read;

    public Provider(ProviderDeclaration declaration, PropertyResolver env) {
        this.declaration = declaration;
        this.env = env;
    }

    public String name() {
        return declaration.name();
    }

    public ProviderDeclaration declaration() {
        return declaration;
    }

    public boolean enabled() {
        return Boolean.parseBoolean(text("enabled").orElse("true"));
    }

    /** A non-secret setting, or its declared default. */
    public Optional<String> text(String key) {
        ProviderDeclaration.Property p = declaration.properties().get(key);
        if (p != null && p.secret()) {
            throw new IllegalArgumentException(name() + "." + key + " is a secret: read it with secret()");
        }
        return raw(key, p);
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(text(key).orElse("false"));
    }

    /** A secret setting (declared {@code format: password}). */
    public Secret secret(String key) {
        ProviderDeclaration.Property p = declaration.properties().get(key);
        if (p == null || !p.secret()) {
            throw new IllegalArgumentException(name() + "." + key + " is not declared as a secret (format: password)");
        }
        return Secret.of(raw(key, p).orElse(""));
    }

    /** A setting named by the declaration (auth, webhooks), secret or not, as a secret value. */
    public Secret credential(String key) {
        ProviderDeclaration.Property p = declaration.properties().get(key);
        if (p == null) {
            throw new IllegalArgumentException(name() + " declares no property '" + key + "'");
        }
        return Secret.of(raw(key, p).orElse(""));
    }

    /**
     * A copy of what the provider sent or was sent, for a timeline, with the values of this provider's
     * secrets (its {@code format: password} settings: an API key a provider writes back as {@code createdBy})
     * replaced by {@link africa.payhub.canonical.Redactor#MASK}, wherever they appear in a text.
     */
    public com.fasterxml.jackson.databind.JsonNode withoutSecrets(com.fasterxml.jackson.databind.JsonNode node) {
        java.util.List<String> secrets = secretValues;
        if (secrets == null) {
            // read once: settings do not change while the hub runs
            secrets = declaration.properties().entrySet().stream()
                    .filter(e -> e.getValue().secret())
                    .map(e -> raw(e.getKey(), e.getValue()).orElse(""))
                    .filter(v -> v.length() >= 6)
                    .toList();
            secretValues = secrets;
        }
        return secrets.isEmpty() || node == null || !holds(node, secrets) ? node : scrub(node, secrets);
    }

    private volatile java.util.List<String> secretValues;

    private static boolean holds(com.fasterxml.jackson.databind.JsonNode node, java.util.List<String> secrets) {
        if (node.isTextual()) {
            return secrets.stream().anyMatch(node.textValue()::contains);
        }
        for (com.fasterxml.jackson.databind.JsonNode child : node) {
            if (holds(child, secrets)) {
                return true;
            }
        }
        return false;
    }

    private static com.fasterxml.jackson.databind.JsonNode scrub(com.fasterxml.jackson.databind.JsonNode node,
                                                                java.util.List<String> secrets) {
        if (node.isTextual()) {
            String text = node.textValue();
            for (String secret : secrets) {
                text = text.replace(secret, africa.payhub.canonical.Redactor.MASK);
            }
            return text.equals(node.textValue()) ? node : Json.NODES.textNode(text);
        }
        if (node.isObject()) {
            ObjectNode out = Json.object();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), scrub(e.getValue(), secrets)));
            return out;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = Json.NODES.arrayNode();
            node.forEach(n -> out.add(scrub(n, secrets)));
            return out;
        }
        return node;
    }

    public String baseUrl() {
        return text("base-url").orElse("");
    }

    /** The key tokens are cached under: per provider account (base URL and who logs in), never global. */
    public String accountKey() {
        ProviderDeclaration.Login login = declaration.auth().login();
        StringBuilder who = new StringBuilder(login == null ? baseUrl() : ProviderAuth.loginUrl(this));
        if (login != null && login.oauth2() != null) {
            who.append('|').append(credential(login.oauth2().clientId()).reveal());
        } else if (login != null && login.credentials() != null && login.credentials().basic() != null) {
            who.append('|').append(credential(login.credentials().basic().username()).reveal());
        } else if (login != null && login.credentials() != null) {
            Map<String, String> fields = login.credentials().body() != null ? login.credentials().body() : login.credentials().form();
            if (fields != null && !fields.isEmpty()) {
                who.append('|').append(credential(fields.values().iterator().next()).reveal());
            }
        }
        return name() + ":" + Json.sha256(who.toString()).substring(0, 16);
    }

    /**
     * The settings a mapping may read, as {@code .config}: every declared property that is not a secret,
     * nested by its dotted key and in camelCase ({@code wallets.account-type-code} ->
     * {@code .config.wallets.accountTypeCode}); booleans and numbers typed, numbers exact.
     */
    public ObjectNode publicSettings() {
        // read once while the environment holds the same property sources (every provider call's input carries
        // them): a setting an operator changes by adding a source is seen at once, as setting() sees it
        if (env instanceof ConfigurableEnvironment) {
            Read current = current((ConfigurableEnvironment) env);
            ObjectNode read = current.settings;
            if (read == null) {
                read = readPublicSettings();
                current.settings = read;
            }
            return read.deepCopy();
        }
        ObjectNode read = settings;
        if (read == null) {
            read = readPublicSettings();
            settings = read;
        }
        return read.deepCopy();
    }

    private ObjectNode readPublicSettings() {
        ObjectNode config = Json.object();
        declaration.properties().forEach((key, p) -> {
            if (p.secret() || key.equals("enabled")) {
                return;
            }
            Optional<String> value = raw(key, p);
            String[] parts = key.split("\\.");
            ObjectNode at = config;
            for (int i = 0; i < parts.length - 1; i++) {
                at = at.with(camel(parts[i]));
            }
            String field = camel(parts[parts.length - 1]);
            if (value.isEmpty()) {
                at.putNull(field);
                return;
            }
            String v = value.get();
            switch (p.type() == null ? "string" : p.type()) {
                case "boolean" -> at.put(field, Boolean.parseBoolean(v));
                case "number", "integer" -> at.set(field, v.isBlank() ? Json.NODES.nullNode() : Json.NODES.numberNode(new BigDecimal(v.trim())));
                default -> at.put(field, v);
            }
        });
        return config;
    }

    private Optional<String> raw(String key, ProviderDeclaration.Property p) {
        String v = setting(key);
        if (v == null && p != null && p.defaultValue() != null && !p.defaultValue().isNull()) {
            v = p.defaultValue().asText();
        }
        return Optional.ofNullable(v);
    }

    /**
     * {@code hub.providers.<name>.<key>} from the environment. Spring's relaxed lookup walks every property
     * source (and the environment variables under each spelling) for every read, and a payment reads several
     * settings several times ({@code enabled} on each catalog look-up): the values are kept while the
     * environment holds the same property sources, and read afresh once one is added, removed or replaced
     * (an operator's change made by adding a source is seen at once).
     */
    private String setting(String key) {
        if (!(env instanceof ConfigurableEnvironment configurable)) {
            return env.getProperty("hub.providers." + name() + "." + key);
        }
        return current(configurable).values.computeIfAbsent(key,
                k -> Optional.ofNullable(env.getProperty("hub.providers." + name() + "." + k))).orElse(null);
    }

    /** The settings read while the environment holds its current property sources (a new one after a change). */
    private Read current(ConfigurableEnvironment configurable) {
        Read read = this.read;
        MutablePropertySources sources = configurable.getPropertySources();
        if (read == null || !read.sameSources(sources)) {
            read = new Read(sources);
            this.read = read;
        }
        return read;
    }

    /** Settings read while the environment held these property sources (compared by identity, in order). */
    private static final class Read {
        private final Object[] sources;
        private final Map<String, Optional<String>> values = new ConcurrentHashMap<>();
        /** The public settings (.config of the mappings) as read from these sources, once. */
        private volatile ObjectNode settings;

        Read(MutablePropertySources sources) {
            this.sources = sources.stream().toArray();
        }

        boolean sameSources(MutablePropertySources now) {
            int i = 0;
            for (PropertySource<?> source : now) {
                if (i >= sources.length || sources[i++] != source) {
                    return false;
                }
            }
            return i == sources.length;
        }
    }

    static String camel(String kebab) {
        StringBuilder out = new StringBuilder();
        boolean up = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-' || c == '_') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "Provider[" + name() + "]";
    }
}
