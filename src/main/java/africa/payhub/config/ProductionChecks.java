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
 * The {@code prod} profile refuses to start without what a production hub cannot run without: an
 * external database, no sandbox, the settings each enabled provider's declaration marks required, and at
 * least one configured enterprise client.
 * Runs before any bean (and before any database connection) so the operator gets one clear list.
 */
public class ProductionChecks implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!Arrays.asList(env.getActiveProfiles()).contains("prod")) {
            return;
        }
        List<String> problems = check(env);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The prod profile refuses to start:\n  - " + String.join("\n  - ", problems));
        }
    }

    public static List<String> check(ConfigurableEnvironment env) {
        Binder binder = Binder.get(env);
        List<String> problems = new ArrayList<>();
        if (env.getProperty("hub.database.embedded", Boolean.class, false)) {
            problems.add("hub.database.embedded must be false: production needs an external PostgreSQL");
        }
        if (blank(env.getProperty("spring.datasource.url"))) {
            problems.add("spring.datasource.url (SPRING_DATASOURCE_URL) is not set");
        }
        if (env.getProperty("hub.sandbox.enabled", Boolean.class, false)) {
            problems.add("hub.sandbox.enabled must be false in production");
        }
        Map<String, ClientSettings> clients = binder
                .bind("hub.clients", Bindable.mapOf(String.class, ClientSettings.class))
                .orElse(Map.of());
        if (clients.isEmpty()) {
            problems.add("no enterprise client configured: set hub.clients.<clientId>.secret and .callback-secret");
        }
        clients.forEach((id, c) -> {
            if (blank(c.secret())) {
                problems.add("hub.clients." + id + ".secret is not set");
            }
            if (blank(c.callbackSecret())) {
                problems.add("hub.clients." + id + ".callback-secret is not set");
            }
        });
        binder.bind("hub.operators", Bindable.mapOf(String.class, ClientSettings.class)).orElse(Map.of())
                .forEach((name, o) -> {
                    if (blank(o.secret())) {
                        problems.add("hub.operators." + name + ".secret is not set");
                    }
                });
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

    /** The client settings as plain text, for checking before the application context exists. */
    public record ClientSettings(String secret, String callbackSecret, String callbackUrl) {
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
