package africa.payhub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import africa.payhub.config.ProviderDeclaration;
import africa.sandbox.Simulators;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider lives in its folder and nothing outside it is half-done: what names the providers outside their
 * declarations (the OpenAPI document's webhook endpoint, the simulators' registration; compose and
 * .env.example are DockerFilesTest's; ArchitectureTest reads the names from here) is held to the declarations.
 */
class ProviderFolderTest {

    /** Where a test keeps providers of its own, laid out as a hub home (copied into the tests' scratch home). */
    static final Path TEST_HOME = Path.of("src/test/resources/hub-home");

    /** The project's declared providers and the test folder's, by name. */
    static Map<String, ProviderDeclaration> declarations() {
        Map<String, ProviderDeclaration> all = new LinkedHashMap<>(ProviderDeclaration.readAll(Path.of("").toAbsolutePath()));
        all.putAll(ProviderDeclaration.readAll(TEST_HOME.toAbsolutePath()));
        return all;
    }

    @Test
    void theOpenApiDocumentNamesEveryProviderWithWebhooks() throws IOException {
        String document = Files.readString(ResponseContract.DOCUMENT);
        Matcher listed = Pattern.compile("Providers with webhooks: ([^(]*)\\(").matcher(document);
        assertThat(listed.find()).as("the /webhooks/{provider} description lists the providers").isTrue();
        Set<String> inDocument = Arrays.stream(listed.group(1).split(","))
                .map(s -> s.replace("`", "").trim()).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> withWebhooks = ProviderDeclaration.readAll(Path.of("").toAbsolutePath()).values().stream()
                .filter(d -> !"none".equals(d.webhooks().verification())).map(ProviderDeclaration::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(inDocument).isEqualTo(withWebhooks);
    }

    @Test
    void everyProviderHasItsSimulatorRegisteredAndEverySimulatorIsAProvider() throws IOException {
        Set<String> registered = Arrays.stream(Simulators.class.getAnnotation(Import.class).value())
                .map(c -> c.getPackageName().replace("africa.sandbox", "").replaceFirst("^\\.", ""))
                .filter(p -> !p.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> folders;
        try (Stream<Path> dirs = Files.list(Path.of("src/sandbox/java/africa/sandbox"))) {
            folders = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> declared = new TreeSet<>(declarations().keySet());
        assertThat(registered).as("simulators registered in Simulators").isEqualTo(declared);
        assertThat(folders).as("simulator folders").isEqualTo(declared);
    }
}
