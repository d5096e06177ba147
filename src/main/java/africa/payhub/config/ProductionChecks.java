package africa.payhub.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * address allow-list for a provider that publishes its senders, at least one configured enterprise client and
 * https callback URLs; and nothing weak ({@link SecretStrength}): every secret the operator chooses (clients',
 * operators', callback secrets, a partner's password) of at least 32 characters that look random, every
 * secret a provider issues as long as its declaration says ({@code minLength}), a login secret given as a
 * BCrypt hash of cost 10 or more, {@code hub.security.bcrypt-strength} of 10 or more, failed-login limits that
 * lock out ({@code failed-logins} at most 100, {@code failed-logins-per-address} at most 1,000), and none of
 * https callbacks ({@code hub.callbacks.require-https}), private-address protection
 * ({@code hub.clients.<id>.callback-allow-private}) or durable commits ({@code hub.database.require-durable})
 * switched off.
 */
public class ProductionChecks implements EnvironmentPostProcessor {

    /** The highest {@code hub.limits.failed-logins} production accepts. */
    public static final int MAX_FAILED_LOGINS = 100;

    /** The highest {@code hub.limits.failed-logins-per-address} production accepts. */
    public static final int MAX_FAILED_LOGINS_PER_ADDRESS = 1000;

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
        List<String> problems = new ArrayList<>();
        boolean demo = env.getProperty("hub.demo.enabled", Boolean.class, false);
        clients(env).forEach((id, c) -> {
            boolean builtIn = demo && ClientRegistry.DEMO_CLIENT.equals(id);
            if (blank(c.secret()) && !builtIn) {
                problems.add("hub.clients." + id + ".secret is not set: client '" + id + "' could not log in");
            }
            if (!blank(c.callbackSecret()) && c.callbackSecret().startsWith("{bcrypt}")) {
                problems.add("hub.clients." + id + ".callback-secret must be the secret itself, not a {bcrypt} hash:"
                        + " it is the key of the callbacks' HMAC");
            }
        });
        operators(env).forEach((name, o) -> {
            boolean builtIn = demo && ClientRegistry.DEMO_OPERATOR.equals(name);
            if (blank(o.secret()) && !builtIn) {
                problems.add("hub.operators." + name + ".secret is not set: operator '" + name + "' could not log in");
            }
        });
        return problems;
    }

    /** What the prod profile does not start with (everything {@link #always} refuses too). */
    public static List<String> check(ConfigurableEnvironment env) {
        List<String> problems = new ArrayList<>(always(env));
        if (env.getProperty("hub.database.embedded", Boolean.class, false)) {
            problems.add("hub.database.embedded must be false: production needs an external PostgreSQL");
        }
        if (blank(env.getProperty("spring.datasource.url"))) {
            problems.add("spring.datasource.url (SPRING_DATASOURCE_URL) is not set");
        }
        if (!env.getProperty("hub.database.require-durable", Boolean.class, true)) {
            problems.add("hub.database.require-durable cannot be switched off in production: an accepted payment"
                    + " could be lost, and paid twice when the client sends it again");
        }
        if (env.getProperty("hub.sandbox.enabled", Boolean.class, false)) {
            problems.add("hub.sandbox.enabled must be false in production");
        }
        if (env.getProperty("hub.demo.enabled", Boolean.class, false)) {
            problems.add("hub.demo.enabled must be false in production (the demo logins are public)");
        }
        if (!env.getProperty("hub.callbacks.require-https", Boolean.class, true)) {
            problems.add("hub.callbacks.require-https cannot be switched off in production");
        }
        limits(env, problems);
        Map<String, ClientSettings> clients = clients(env);
        if (clients.isEmpty()) {
            problems.add("no enterprise client configured: set hub.clients.<clientId>.secret and .callback-secret");
        }
        clients.forEach((id, c) -> {
            String prefix = "hub.clients." + id + ".";
            if (blank(c.callbackSecret())) {
                problems.add(prefix + "callback-secret is not set");
            } else if (!c.callbackSecret().startsWith("{bcrypt}")) {
                SecretStrength.chosen(c.callbackSecret()).ifPresent(why -> problems.add(prefix + "callback-secret " + why));
            }
            login(problems, prefix + "secret", c.secret());
            login(problems, prefix + "next-secret", c.nextSecret());
            if (!blank(c.callbackUrl()) && !c.callbackUrl().startsWith("https://")) {
                problems.add(prefix + "callback-url must be https in production");
            }
            if (Boolean.TRUE.equals(c.callbackAllowPrivate())) {
                problems.add(prefix + "callback-allow-private cannot be switched on in production: callbacks go to"
                        + " public addresses only");
            }
        });
        operators(env).forEach((name, o) -> login(problems, "hub.operators." + name + ".secret", o.secret()));
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
                if (property.secret() && !blank(value)) {
                    // a provider's own credential is as long as it issues them; one the hub's operator chooses
                    // (no minLength declared: a partner's password) is held to the chosen secrets' rules
                    Optional<String> weak = property.minLength() == null ? SecretStrength.chosen(value)
                            : SecretStrength.issued(value, property.minLength());
                    weak.ifPresent(why -> problems.add(prefix + key + " " + why));
                }
                if ("uri".equals(property.format()) && !blank(value) && !value.startsWith("https://")) {
                    problems.add(prefix + key + " must be https in production (credentials travel on it)");
                }
            });
        });
        return problems;
    }

    private static void limits(ConfigurableEnvironment env, List<String> problems) {
        int strength = env.getProperty("hub.security.bcrypt-strength", Integer.class, SecretStrength.MIN_BCRYPT_COST);
        if (strength < SecretStrength.MIN_BCRYPT_COST) {
            problems.add("hub.security.bcrypt-strength is " + strength + "; production needs at least "
                    + SecretStrength.MIN_BCRYPT_COST);
        }
        int failed = env.getProperty("hub.limits.failed-logins", Integer.class, 10);
        if (failed < 1 || failed > MAX_FAILED_LOGINS) {
            problems.add("hub.limits.failed-logins is " + failed + "; production needs 1 to " + MAX_FAILED_LOGINS
                    + " (the wrong logins one name may try from one address before it is locked out)");
        }
        int perAddress = env.getProperty("hub.limits.failed-logins-per-address", Integer.class, 50);
        if (perAddress < 1 || perAddress > MAX_FAILED_LOGINS_PER_ADDRESS) {
            problems.add("hub.limits.failed-logins-per-address is " + perAddress + "; production needs 1 to "
                    + MAX_FAILED_LOGINS_PER_ADDRESS);
        }
    }

    /** A login secret: given in clear it must be a strong chosen secret; given hashed, a BCrypt hash of cost 10+. */
    private static void login(List<String> problems, String key, String secret) {
        if (blank(secret)) {
            return;
        }
        Optional<String> weak = secret.startsWith("{bcrypt}") ? SecretStrength.hash(secret) : SecretStrength.chosen(secret);
        weak.ifPresent(why -> problems.add(key + " " + why));
    }

    private static Map<String, ClientSettings> clients(ConfigurableEnvironment env) {
        return Binder.get(env).bind("hub.clients", Bindable.mapOf(String.class, ClientSettings.class)).orElse(Map.of());
    }

    private static Map<String, ClientSettings> operators(ConfigurableEnvironment env) {
        return Binder.get(env).bind("hub.operators", Bindable.mapOf(String.class, ClientSettings.class)).orElse(Map.of());
    }

    /**
     * The client settings as plain text, for checking before the application context exists. Every setting a
     * client has is named here: a client configured with any one of them alone is bound, and so seen.
     */
    public record ClientSettings(String secret, String nextSecret, String callbackSecret, String callbackUrl,
                                 List<String> sourceAccounts, Boolean callbackAllowPrivate) {
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
