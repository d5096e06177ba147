package africa.payhub.provider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import africa.payhub.canonical.Json;
import africa.payhub.config.HubProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A provider keeps shared JSLT functions in its mappings folder: its templates import them with JSLT's
 * {@code import}, its declaration's expressions call them under the aliases it declares, and a change to a
 * module is seen by both without a restart, as a change to a template is.
 */
class MappingImportsTest {

    @TempDir
    Path home;

    private Mappings mappings() throws IOException {
        Path dir = Files.createDirectories(home.resolve("mappings/acme"));
        Files.writeString(dir.resolve("functions.jslt"), "def digits(p) replace(string($p), \"^[+]\", \"\")\n");
        Files.writeString(dir.resolve("party.request.jslt"),
                "import \"functions.jslt\" as acme\n{\"phone\": acme:digits(.phone)}\n");
        Mappings mappings = new Mappings(new HubProperties(home.toString(), null, null, null, null, null, null, null, null,
                Map.of(), Map.of()));
        mappings.imports("acme", Map.of("acme", "functions.jslt"));
        return mappings;
    }

    @Test
    void templatesAndDeclaredExpressionsUseTheProvidersModulesAndSeeThemChange() throws IOException {
        Mappings mappings = mappings();
        assertThat(mappings.transform("acme/party.request", "{\"phone\":\"+231770000001\"}").path("phone").asText())
                .isEqualTo("231770000001");
        assertThat(mappings.evaluate("acme", "\"K:\" + acme:digits(.phone)", Json.toNode("{\"phone\":\"+2348\"}")).asText())
                .isEqualTo("K:2348");

        Path module = home.resolve("mappings/acme/functions.jslt");
        Files.writeString(module, "def digits(p) \"00\" + replace(string($p), \"^[+]\", \"\")\n");
        Files.setLastModifiedTime(module, FileTime.from(Instant.now().plusSeconds(5)));
        await().untilAsserted(() -> {
            assertThat(mappings.transform("acme/party.request", "{\"phone\":\"+231770000001\"}").path("phone").asText())
                    .isEqualTo("00231770000001");
            assertThat(mappings.evaluate("acme", "\"K:\" + acme:digits(.phone)", Json.toNode("{\"phone\":\"+2348\"}")).asText())
                    .isEqualTo("K:002348");
        });
    }

    @Test
    void aModuleIsImportedFromTheProvidersOwnFolderOnly() throws IOException {
        Mappings mappings = mappings();
        Files.writeString(home.resolve("mappings/secret.jslt"), "def x() 1\n");
        assertThatThrownBy(() -> mappings.evaluate("acme", "import \"../secret.jslt\" as s s:x()", Json.object()))
                .isInstanceOf(MappingException.class).hasMessageContaining("provider's own folder");
    }
}
