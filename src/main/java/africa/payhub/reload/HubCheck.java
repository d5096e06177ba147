package africa.payhub.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.provider.Declarations;
import africa.payhub.provider.Mappings;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The offline check an integrator runs before starting anything ({@code scripts/check.sh [hub home]}): every
 * provider declaration (the published schema, the names it gives, every JSLT it holds compiled), every route
 * file (Camel's YAML DSL schema, then loaded into a context that is never started), every mapping and rules
 * file (compiled, parsed), and every mapping fixture ({@code mappings/<p>/fixtures/<flow>/}: the template's
 * output on the fixture's input must be the expected file). Prints each finding as {@code file:line: rule}
 * and exits 1 when there is any, 0 when there is none.
 */
public final class HubCheck {

    /** Where a checkout keeps the providers its tests define by files alone. */
    static final String TEST_HOME = "src/test/resources/hub-home";

    private static final Pattern LINE = Pattern.compile("^line (\\d+)(?:, column \\d+)?: ");

    private final Path home;
    private final List<String> findings = new ArrayList<>();
    private int declarations;
    private int routeFiles;
    private int fixtures;

    private HubCheck(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    public static void main(String[] args) {
        // the scratch context's start-up and shut-down lines are not findings
        if (org.slf4j.LoggerFactory.getLogger("org.apache.camel") instanceof ch.qos.logback.classic.Logger camel) {
            camel.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        Path home = Path.of(args.length > 0 ? args[0] : ".");
        HubCheck check = run(home);
        check.findings.forEach(System.out::println);
        System.out.println(check.summary());
        System.exit(check.findings.isEmpty() ? 0 : 1);
    }

    /**
     * Checks the hub home's routes/ and mappings/, and in a checkout also the providers its tests define by files
     * ({@value #TEST_HOME}, laid out as a hub home); the findings, {@code file:line: rule}, none when all is well.
     */
    public static HubCheck run(Path home) {
        HubCheck check = checked(home);
        Path tests = check.home.resolve(TEST_HOME);
        if (Files.isDirectory(tests.resolve("routes"))) {
            HubCheck more = checked(tests);
            more.findings.forEach(f -> check.findings.add(TEST_HOME + "/" + f));
            check.declarations += more.declarations;
            check.routeFiles += more.routeFiles;
            check.fixtures += more.fixtures;
        }
        return check;
    }

    private static HubCheck checked(Path home) {
        HubCheck check = new HubCheck(home);
        Mappings mappings = new Mappings(check.home.resolve("mappings"));
        try {
            check.declarations(mappings);
            check.routes();
            check.mappings(mappings);
            check.fixtures(mappings);
        } catch (IOException e) {
            check.findings.add(home + ":0: cannot be read: " + e);
        }
        return check;
    }

    public List<String> findings() {
        return List.copyOf(findings);
    }

    public String summary() {
        return declarations + " declarations, " + routeFiles + " route files, the mappings and " + fixtures
                + " fixtures checked: " + (findings.isEmpty() ? "no problems"
                : findings.size() == 1 ? "1 problem" : findings.size() + " problems");
    }

    private void declarations(Mappings mappings) throws IOException {
        for (Path f : ProviderDeclaration.files(home)) {
            declarations++;
            Declarations.check(home, f, mappings).findings().forEach(x -> findings.add(x.toString()));
        }
    }

    private void routes() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(home.resolve("routes"))) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        routeFiles = files.size();
        List<Path> loadable = new ArrayList<>();
        for (Path f : files) {
            List<africa.payhub.config.SchemaCheck.Violation> violations = RouteSchema.check(Files.readString(f));
            violations.forEach(v -> findings.add(shown(f) + ":" + v.line() + ": " + v.toString().replaceFirst("^line \\d+: ", "")));
            if (violations.isEmpty()) {
                loadable.add(f);
            }
        }
        // templates first, as the hub loads them: the route files that use them need them
        List<Path> ordered = new ArrayList<>(loadable.stream().filter(HubCheck::hasTemplates).toList());
        loadable.stream().filter(f -> !ordered.contains(f)).forEach(ordered::add);
        try (DefaultCamelContext scratch = new DefaultCamelContext()) {
            for (Path f : ordered) {
                try {
                    PluginHelper.getRoutesLoader(scratch).loadRoutes(ResourceHelper.fromString("file:" + f, Files.readString(f)));
                } catch (Exception e) {
                    findings.add(shown(f) + ":0: does not load: " + SafeRouteReloadStrategy.rootMessage(e));
                }
            }
        }
    }

    private static boolean hasTemplates(Path f) {
        try {
            return Files.readString(f).contains("- routeTemplate:");
        } catch (IOException e) {
            return false;
        }
    }

    private void mappings(Mappings mappings) throws IOException {
        for (Map.Entry<String, String> problem : mappings.validateAll().entrySet()) {
            Matcher at = LINE.matcher(problem.getValue());
            findings.add("mappings/" + problem.getKey() + ":" + (at.find() ? at.group(1) + ": " + at.replaceFirst("")
                    : "0: " + problem.getValue()));
        }
    }

    /** Each fixture folder's input through its template must give its expected file, as MappingGoldenTest checks. */
    private void fixtures(Mappings mappings) throws IOException {
        try (Stream<Path> dirs = Files.walk(mappings.root())) {
            for (Path dir : dirs.filter(p -> Files.isDirectory(p) && p.getParent() != null
                    && p.getParent().getFileName().toString().equals("fixtures")).sorted().toList()) {
                Path providerDir = dir.getParent().getParent();
                String provider = providerDir.getFileName().toString();
                String flow = dir.getFileName().toString();
                if (Files.exists(dir.resolve("canonical-in.json"))) {
                    fixture(mappings, provider + "/" + flow + ".request", dir.resolve("canonical-in.json"), dir.resolve("provider-request.json"));
                }
                if (Files.exists(dir.resolve("provider-response.json"))) {
                    String template = Files.exists(providerDir.resolve(flow + ".response.jslt")) ? flow + ".response" : flow;
                    fixture(mappings, provider + "/" + template, dir.resolve("provider-response.json"), dir.resolve("canonical-out.json"));
                }
            }
        }
    }

    private void fixture(Mappings mappings, String template, Path in, Path expected) {
        fixtures++;
        try {
            JsonNode actual = mappings.transform(template, Files.readAllBytes(in));
            JsonNode wanted = Json.parse(Files.readAllBytes(expected));
            if (!Json.canonical(actual).equals(Json.canonical(wanted))) {
                findings.add(shown(expected) + ":1: mappings/" + template + ".jslt on " + in.getFileName() + " gives "
                        + Json.write(actual) + ", not this file");
            }
        } catch (IOException | RuntimeException e) {
            findings.add(shown(in) + ":1: mappings/" + template + ".jslt on it fails: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private String shown(Path f) {
        Path absolute = f.toAbsolutePath().normalize();
        return absolute.startsWith(home) ? home.relativize(absolute).toString() : f.toString();
    }
}
