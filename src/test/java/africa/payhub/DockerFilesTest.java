package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import africa.payhub.config.ProductionChecks;
import africa.payhub.config.ProviderDeclaration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container files as a fresh machine reads them (no Docker engine needed): the healthcheck needs no
 * shell trick, the image is built from Spring Boot's layers and starts on the class data sharing archive it made,
 * compose passes each secret as its own variable, and what compose mounts exists, including a dashboard that
 * asks only for metrics the hub has.
 */
class DockerFilesTest {

    static final Path DOCKER = Path.of("docker");

    @Test
    void theImageIsLayeredAndItsHealthcheckNeedsNoShell() throws Exception {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile).doesNotContain("/dev/tcp").doesNotContain("CMD-SHELL")
                .contains("-Djarmode=tools").contains("extract --layers --application-filename payment-hub.jar")
                .contains("\"-jar\", \"/opt/payment-hub/payment-hub.jar\"")
                .contains("\"HealthCheck\"");
        // the class data sharing archive the ENTRYPOINT maps is the one the image's training start writes
        Matcher shared = Pattern.compile("\"-XX:SharedArchiveFile=([^\"]+)\"").matcher(dockerfile);
        assertThat(shared.find()).as("the ENTRYPOINT maps a class data sharing archive").isTrue();
        assertThat(dockerfile).contains("RUN sh /opt/cds-archive.sh /opt/payment-hub " + shared.group(1) + " /hub");
        assertThat(DOCKER.resolve("cds-archive.sh")).exists();
        for (String layer : List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
            assertThat(dockerfile).contains("COPY --from=build /extracted/" + layer + "/");
        }
        assertThat(DOCKER.resolve("HealthCheck.java")).exists();
    }

    @Test
    void composeGivesEachSecretItsOwnVariableAndMountsWhatExists() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("compose.yaml").toFile());
        JsonNode hub = compose.path("services").path("hub").path("environment");
        assertThat(hub.has("SPRING_APPLICATION_JSON")).as("secrets spliced into a JSON string").isFalse();
        assertThat(hub.path("HUB_CLIENTS_ERP_SECRET").asText()).isEqualTo("${HUB_CLIENTS_ERP_SECRET:-}");
        assertThat(hub.path("HUB_CLIENTS_ERP_CALLBACKSECRET").asText()).isEqualTo("${HUB_CLIENTS_ERP_CALLBACKSECRET:-}");
        assertThat(hub.path("HUB_OPERATORS_OPS_SECRET").asText()).isEqualTo("${HUB_OPERATORS_OPS_SECRET:-}");
        assertThat(compose.path("services").path("prometheus").path("profiles").get(0).asText()).isEqualTo("monitoring");
        assertThat(compose.path("services").path("grafana").path("profiles").get(0).asText()).isEqualTo("monitoring");
        for (JsonNode service : compose.path("services")) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DOCKER.resolve(source).normalize()).as(volume.asText()).exists();
                }
            }
        }
        String env = Files.readString(DOCKER.resolve(".env.example"));
        for (String name : List.of("HUB_CLIENTS_ERP_SECRET", "HUB_CLIENTS_ERP_CALLBACKSECRET", "HUB_OPERATORS_OPS_SECRET")) {
            assertThat(env).contains(name + "=\n");
        }
    }

    /**
     * No provider is half-registered for production: every declaration's switch, each setting it marks required
     * (without a default) and, for a provider that sends webhooks, its address allow-list, are in compose's hub
     * environment and in .env.example under the name the hub reads (hub.providers.monnify.api-key ->
     * HUB_PROVIDERS_MONNIFY_APIKEY); compose names no provider setting that is not declared, and every variable
     * compose reads is one .env.example lists.
     */
    @Test
    void composeAndTheEnvExampleCarryEveryProvidersSettings() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("compose.yaml").toFile());
        JsonNode hub = compose.path("services").path("hub").path("environment");
        Map<String, String> example = envExample();
        Map<String, ProviderDeclaration> declared = ProviderDeclaration.readAll(Path.of("."));
        assertThat(declared).containsKeys("monnify", "waas", "connect", "dollr", "stub");
        List<String> expected = new ArrayList<>();
        declared.forEach((provider, d) -> {
            String enabled = envName("hub.providers." + provider + ".enabled");
            JsonNode on = d.properties().get("enabled") == null ? null : d.properties().get("enabled").defaultValue();
            assertThat(hub.path(enabled).asText()).as(enabled).isEqualTo("${" + enabled + ":-" + (on == null ? "true" : on.asText()) + "}");
            expected.add(enabled);
            d.properties().forEach((key, property) -> {
                boolean hasDefault = property.defaultValue() != null && !property.defaultValue().asText().isBlank();
                if (property.required() && !hasDefault) {
                    expected.add(envName("hub.providers." + provider + "." + key));
                }
            });
            if (!"none".equals(d.webhooks().verification())) {
                String allowList = envName("hub.webhooks." + provider + ".allowed-ips");
                expected.add(allowList);
                if (!d.webhooks().senders().isEmpty()) {
                    assertThat(example.get(allowList)).as(allowList + " in .env.example: the provider's published senders")
                            .isEqualTo(String.join(",", d.webhooks().senders()));
                }
            }
        });
        for (String name : expected) {
            assertThat(example).as(".env.example lists " + name).containsKey(name);
            assertThat(hub.has(name)).as("compose passes " + name + " to the hub").isTrue();
            assertThat(hub.path(name).asText()).as(name).startsWith("${" + name + ":-");
        }
        // nothing stale: every provider setting compose names is declared
        hub.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("HUB_PROVIDERS_") || name.startsWith("HUB_WEBHOOKS_")) {
                assertThat(expected).as(name + " is declared by a provider").contains(name);
            }
        });
        // every variable compose reads from .env is one the example lists
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(Files.readString(DOCKER.resolve("compose.yaml")));
        while (m.find()) {
            assertThat(example).as(".env.example lists " + m.group(1) + ", which compose.yaml reads").containsKey(m.group(1));
        }
        // and every variable of .env reaches the hub (so optional settings need no edit of compose.yaml)
        assertThat(compose.path("services").path("hub").path("env_file").asText()).isEqualTo(".env");
    }

    /** What a fresh machine's Compose needs: no v2-only form, so docker-compose 1.28+ reads the file as well. */
    @Test
    void composeAvoidsFormsOnlyComposeV2Reads() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("compose.yaml").toFile());
        assertThat(compose.has("version")).as("the Compose Specification has no version key").isFalse();
        for (JsonNode secret : compose.path("secrets")) {
            assertThat(secret.has("environment")).as("secrets from the environment are Compose v2 only").isFalse();
        }
        String env = Files.readString(DOCKER.resolve(".env.example"));
        assertThat(env).contains("at least " + africa.payhub.config.SecretStrength.CHOSEN_MIN_LENGTH + " characters");
        String production = Files.readString(Path.of("docs/production.md"));
        assertThat(production).contains("at least " + africa.payhub.config.SecretStrength.CHOSEN_MIN_LENGTH + " characters")
                .contains("docker-compose 1.28").contains("Compose v2");
        // the build command the documentation gives is the image's
        assertThat(Files.readString(DOCKER.resolve("Dockerfile"))).contains("-Pprod").contains("-DskipTests package");
        assertThat(production).contains("./mvnw -Pprod -DskipTests package");
    }

    /** The name of a setting in the environment, as Spring Boot binds it (dots to underscores, no dashes, upper case). */
    static String envName(String key) {
        return key.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** .env.example's names and values. */
    static Map<String, String> envExample() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOCKER.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    @Test
    void theDashboardAsksOnlyForTheHubsMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DOCKER.resolve("grafana/payment-hub-dashboard.json").toFile());
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\b(hub_[a-z_]+)").matcher(dashboard.toString());
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).isNotEmpty();
        // the series the hub publishes (OpsApiTest checks them on /actuator/prometheus)
        assertThat(names).allMatch(n -> n.matches("hub_(payments|payments_needs_review|callbacks_dead|callbacks_backlog"
                + "|provider_circuit_state|provider_failure_rate|payment_transitions_total"
                + "|provider_calls_seconds_(bucket|count|sum))"), "known metric");
    }
}
