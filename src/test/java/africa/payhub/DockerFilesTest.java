package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container files as a fresh machine reads them (no Docker engine needed): the healthcheck needs no
 * shell trick, the image is built from Spring Boot's layers, compose passes each secret as its own
 * variable, and what compose mounts exists, including a dashboard that asks only for metrics the hub has.
 */
class DockerFilesTest {

    static final Path DOCKER = Path.of("docker");

    @Test
    void theImageIsLayeredAndItsHealthcheckNeedsNoShell() throws Exception {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile).doesNotContain("/dev/tcp").doesNotContain("CMD-SHELL")
                .contains("-Djarmode=tools").contains("extract --layers --launcher")
                .contains("org.springframework.boot.loader.launch.JarLauncher")
                .contains("\"HealthCheck\"");
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
