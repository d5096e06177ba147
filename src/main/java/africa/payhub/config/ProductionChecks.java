package africa.payhub.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Settings the hub refuses to start with, each problem naming its setting. Runs before any bean (and before any
 * database connection) so the operator gets one clear list.
 *
 * <p>In every profile: a client or operator without a secret (the demo client's built-in one counts while the
 * demo is on), and a callback secret given as a BCrypt hash (it is the key of the callbacks' HMAC, used as it
 * is written).
 *
 * <p>In the {@code prod} profile, also what a production hub cannot run without: an external database, no
 * sandbox and no demo logins, the settings each enabled provider's declaration marks required, a webhook
 * address allow-list for a provider that publishes its senders, at least one configured enterprise client,
 * secrets of at least 32 characters (or configured as BCrypt hashes) and https callback URLs.
 */
public class ProductionChecks implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        boolean prod = Arrays.asList(env.getActiveProfiles()).contains("prod");
        List<String> problems = prod ? check(env) : always(env);
        if (!problems.isEmpty()) {
            throw new IllegalStateException((prod ? "The prod profile refuses to start" : "The hub refuses to start")
                    + ":\n  - " + String.join("\n  - ", problems));
        }
    }

    /** What no profile starts with. */
    public static List<String> always(ConfigurableEnvironment env) {
        Binder binder = Binder.get(env);
        List<String> problems = new ArrayList<>();
        boolean demo = env.getProperty("hub.demo.enabled", Boolean.class, false);
        binder.bind("hub.clients", Bindable.mapOf(String.class, ClientSettings.class)).orElse(Map.of()).forEach((id, c) -> {
            boolean builtIn = demo && ClientRegistry.DEMO_CLIENT.equals(id);
            if (blank(c.secret()) && !builtIn) {
                problems.add("hub.clients." + id + ".secret is not set: client '" + id + "' could not log in");
            }
            if (!blank(c.callbackSecret()) && c.callbackSecret().startsWith("{bcrypt}")) {
                problems.add("hub.clients." + id + ".callback-secret must be the secret itself, not a {bcrypt} hash:"
                        + " it is the key of the callbacks' HMAC");
            }
        });
        binder.bind("hub.operators", Bindable.mapOf(String.class, ClientSettings.class)).orElse(Map.of()).forEach((name, o) -> {
            boolean builtIn = demo && ClientRegistry.DEMO_OPERATOR.equals(name);
            if (blank(o.secret()) && !builtIn) {
                problems.add("hub.operators." + name + ".secret is not set: operator '" + name + "' could not log in");
            }
        });
        return problems;
    }

    /** What the prod profile does not start with (everything {@link #always} refuses too). */
    public static List<String> check(ConfigurableEnvironment env) {
        Binder binder = Binder.get(env);
        List<String> problems = new ArrayList<>(always(env));
        if (env.getProperty("hub.database.embedded", Boolean.class, false)) {
            problems.add("hub.database.embedded must be false: production needs an external PostgreSQL");
        }
        if (blank(env.getProperty("spring.datasource.url"))) {
            problems.add("spring.datasource.url (SPRING_DATASOURCE_URL) is not set");
        }
        if (env.getProperty("hub.sandbox.enabled", Boolean.class, false)) {
            problems.add("hub.sandbox.enabled must be false in production");
        }
        if (env.getProperty("hub.demo.enabled", Boolean.class, false)) {
            problems.add("hub.demo.enabled must be false in production (the demo logins are public)");
        }
        Map<String, ClientSettings> clients = binder
                .bind("hub.clients", Bindable.mapOf(String.class, ClientSettings.class))
                .orElse(Map.of());
        if (clients.isEmpty()) {
            problems.add("no enterprise client configured: set hub.clients.<clientId>.secret and .callback-secret");
        }
        clients.forEach((id, c) -> {
            if (blank(c.callbackSecret())) {
                problems.add("hub.clients." + id + ".callback-secret is not set");
            }
            strong(problems, "hub.clients." + id + ".secret", c.secret());
            strong(problems, "hub.clients." + id + ".next-secret", c.nextSecret());
            strong(problems, "hub.clients." + id + ".callback-secret", c.callbackSecret());
            if (!blank(c.callbackUrl()) && !c.callbackUrl().startsWith("https://")) {
                problems.add("hub.clients." + id + ".callback-url must be https in production");
            }
        });
        binder.bind("hub.operators", Bindable.mapOf(String.class, ClientSettings.class)).orElse(Map.of())
                .forEach((name, o) -> strong(problems, "hub.operators." + name + ".secret", o.secret()));
        String home = env.getProperty("hub.home", ".");
        Map<String, ProviderDeclaration> declared;
        try {
            declared = ProviderDeclaration.readAll(Path.of(home.isBlank() ? "." : home).toAbsolutePath().normalize());
        } catch (IllegalStateException e) {
            problems.add(e.getMessage());
            declared = Map.of();
        }
        declared.forEach((provider, d) -> {
            String prefix = "hub.providers." + provider + ".";
            if (!env.getProperty(prefix + "enabled", Boolean.class, true)) {
                return;
            }
            if (d.webhooks() != null && !d.webhooks().senders().isEmpty()
                    && blank(env.getProperty("hub.webhooks." + provider + ".allowed-ips"))) {
                problems.add("hub.webhooks." + provider + ".allowed-ips is not set: " + provider + " publishes its webhook "
                        + "senders " + d.webhooks().senders() + " (or set " + prefix + "enabled=false)");
            }
            d.properties().forEach((key, property) -> {
                String value = env.getProperty(prefix + key);
                boolean hasDefault = property.defaultValue() != null && !property.defaultValue().isNull()
                        && !property.defaultValue().asText().isBlank();
                if (property.required() && blank(value) && !hasDefault) {
                    problems.add(prefix + key + " is not set (" + (property.secret() ? "a secret; " : "")
                            + "required by " + provider + "'s declaration in production; or set " + prefix + "enabled=false)");
                }
                if ("uri".equals(property.format()) && !blank(value) && !value.startsWith("https://")) {
                    problems.add(prefix + key + " must be https in production (credentials travel on it)");
                }
            });
        });
        return problems;
    }

    /**
     * The client settings as plain text, for checking before the application context exists. Every setting a
     * client has is named here: a client configured with any one of them alone is bound, and so seen.
     */
    public record ClientSettings(String secret, String nextSecret, String callbackSecret, String callbackUrl,
                                 List<String> sourceAccounts, Boolean callbackAllowPrivate) {
    }

    /** The shortest secret production accepts (a configured BCrypt hash, {@code {bcrypt}...}, is not measured). */
    public static final int MIN_SECRET_LENGTH = 32;

    private static void strong(List<String> problems, String key, String secret) {
        if (!blank(secret) && !secret.startsWith("{bcrypt}") && secret.length() < MIN_SECRET_LENGTH) {
            problems.add(key + " is shorter than " + MIN_SECRET_LENGTH + " characters");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
