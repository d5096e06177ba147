package africa.payhub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of the hub, read from its sources: imports run one way (web -> domain <- the provider
 * layer), the money rules know nothing of Camel or HTTP, and no provider has Java of its own in the hub.
 */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/africa/payhub");
    private static final Pattern REFERENCE = Pattern.compile("africa\\.payhub\\.([a-z]+)\\.[A-Z]");

    @Test
    void packagesDependOnEachOtherWithoutCycles() throws IOException {
        Map<String, Set<String>> graph = graph();
        List<String> cycles = new ArrayList<>();
        for (String from : graph.keySet()) {
            for (String to : graph.get(from)) {
                if (reaches(graph, to, from, new TreeSet<>())) {
                    cycles.add(from + " -> " + to + " -> ... -> " + from);
                }
            }
        }
        assertThat(cycles).as("package cycles in " + graph).isEmpty();
    }

    @Test
    void nothingButTheWebEdgeKnowsTheWeb() throws IOException {
        graph().forEach((from, to) -> assertThat(to).as(from + " imports").doesNotContain("web"));
    }

    @Test
    void theMoneyRulesKnowNoCarrier() throws IOException {
        Map<String, Set<String>> graph = graph();
        assertThat(graph.get("payment")).as("payment imports").doesNotContain("provider", "callback", "web", "reload");
        try (Stream<Path> files = Files.list(MAIN.resolve("payment"))) {
            for (Path f : files.toList()) {
                String source = Files.readString(f);
                assertThat(source).as(f.toString())
                        .doesNotContain("import org.apache.camel")
                        .doesNotContain("import jakarta.servlet")
                        .doesNotContain("import org.springframework.http");
            }
        }
    }

    @Test
    void noProviderHasJavaOfItsOwnInTheHub() throws IOException {
        List<String> specific = new ArrayList<>();
        // every declared provider, by its name and by its title's first word (waas: Lipad), test ones included
        Set<String> names = new TreeSet<>();
        ProviderFolderTest.declarations().forEach((name, d) -> {
            names.add(name);
            if (d.title() != null && !d.title().isBlank()) {
                names.add(d.title().split("[^A-Za-z0-9]+")[0].toLowerCase(Locale.ROOT));
            }
        });
        assertThat(names).contains("monnify", "lipad", "connect", "dollr", "stub");
        Pattern named = Pattern.compile(".*(" + String.join("|", names) + ").*");
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String path = MAIN.relativize(f).toString().toLowerCase(Locale.ROOT);
                if (named.matcher(path).matches()) {
                    specific.add(path);
                }
            }
        }
        assertThat(specific).as("provider-specific classes outside the simulators").isEmpty();
        try (Stream<Path> declarations = Files.walk(Path.of("routes/providers"))) {
            assertThat(declarations.filter(p -> p.toString().endsWith(".provider.yaml")).count())
                    .as("every provider is a declaration").isGreaterThanOrEqualTo(3);
        }
    }

    /** package -> the packages of the hub its classes name (imports and qualified names). */
    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = MAIN.relativize(f);
                if (rel.getNameCount() < 2) {
                    continue; // the application class
                }
                String from = rel.getName(0).toString();
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(line);
                    while (m.find()) {
                        if (!m.group(1).equals(from)) {
                            to.add(m.group(1));
                        }
                    }
                }
            }
        }
        return graph;
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
        if (from.equals(target)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : graph.getOrDefault(from, Set.of())) {
            if (reaches(graph, next, target, seen)) {
                return true;
            }
        }
        return false;
    }
}
