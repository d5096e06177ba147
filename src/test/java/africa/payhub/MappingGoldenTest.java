package africa.payhub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.HubProperties;
import africa.payhub.provider.Mappings;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden tests for every mapping: each {@code mappings/<provider>/fixtures/<flow>/} holds what goes in and
 * what must come out, in both directions:
 * <ul>
 *   <li>{@code canonical-in.json} through {@code <flow>.request.jslt} gives {@code provider-request.json};</li>
 *   <li>{@code provider-response.json} through {@code <flow>.response.jslt} (or {@code <flow>.jslt}) gives
 *       {@code canonical-out.json}.</li>
 * </ul>
 * Run with {@code -Dgolden.update=true} to rewrite the expected files after a deliberate change, then review the diff.
 */
class MappingGoldenTest {

    private static final Path HOME = Path.of("").toAbsolutePath();
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    /** The project's mappings, and those of the providers the tests define by files (ProviderFolderTest.TEST_HOME). */
    private final List<Mappings> homes = List.of(at(HOME), at(ProviderFolderTest.TEST_HOME.toAbsolutePath()));

    private static Mappings at(Path home) {
        return new Mappings(new HubProperties(home.toString(), null, null, null, null, null, null, null, null, Map.of(), Map.of()));
    }

    @Test
    void everyTemplateAndRulesFileCompiles() throws IOException {
        for (Mappings mappings : homes) {
            assertThat(mappings.validateAll()).isEmpty();
        }
    }

    @Test
    void everyTemplateHasAGoldenFixture() throws IOException {
        for (Mappings mappings : homes) {
            everyTemplateHasAGoldenFixture(mappings);
        }
    }

    private static void everyTemplateHasAGoldenFixture(Mappings mappings) throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(mappings.root())) {
            for (Path t : files.filter(p -> p.toString().endsWith(".jslt")).toList()) {
                String name = t.getFileName().toString().replace(".jslt", "");
                String flow = name.replace(".request", "").replace(".response", "");
                Path dir = t.getParent().resolve("fixtures").resolve(flow);
                String expected = name.endsWith(".request") ? "provider-request.json" : "canonical-out.json";
                if (!Files.exists(dir.resolve(expected))) {
                    missing.add(mappings.root().relativize(t) + " has no " + mappings.root().relativize(dir.resolve(expected)));
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> fixtures() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Mappings mappings : homes) {
            fixtures(mappings, tests);
        }
        assertThat(tests).isNotEmpty();
        return tests.stream();
    }

    private static void fixtures(Mappings mappings, List<DynamicTest> tests) throws IOException {
        try (Stream<Path> dirs = Files.walk(mappings.root())) {
            for (Path dir : dirs.filter(p -> Files.isDirectory(p) && p.getParent().getFileName().toString().equals("fixtures")).sorted().toList()) {
                Path providerDir = dir.getParent().getParent();
                String provider = providerDir.getFileName().toString();
                String flow = dir.getFileName().toString();
                if (Files.exists(dir.resolve("canonical-in.json"))) {
                    tests.add(DynamicTest.dynamicTest(provider + "/" + flow + " request", () ->
                            check(mappings, provider + "/" + flow + ".request", dir.resolve("canonical-in.json"), dir.resolve("provider-request.json"))));
                }
                if (Files.exists(dir.resolve("provider-response.json"))) {
                    String template = Files.exists(providerDir.resolve(flow + ".response.jslt")) ? flow + ".response" : flow;
                    tests.add(DynamicTest.dynamicTest(provider + "/" + flow + " response", () ->
                            check(mappings, provider + "/" + template, dir.resolve("provider-response.json"), dir.resolve("canonical-out.json"))));
                }
            }
        }
    }

    private static void check(Mappings mappings, String template, Path in, Path expectedFile) throws IOException {
        JsonNode actual = mappings.transform(template, Files.readAllBytes(in));
        if (UPDATE) {
            Files.writeString(expectedFile, actual.toPrettyString() + "\n");
        }
        JsonNode expected = Json.parse(Files.readAllBytes(expectedFile));
        assertThat(Json.canonical(actual)).as(template + " on " + in).isEqualTo(Json.canonical(expected));
    }
}
