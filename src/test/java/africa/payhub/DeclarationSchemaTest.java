package africa.payhub;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.config.DeclarationSchema;
import africa.payhub.config.ProviderDeclaration;
import africa.payhub.provider.Declarations;
import africa.payhub.provider.Mappings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The provider declaration language and its published schema ({@code src/main/resources/schema/provider-declaration.schema.json})
 * cannot drift: every key the records read is described there, Kamelet-style, and every declaration in the
 * repository validates. A broken declaration is reported with its file, its line and the rule it breaks.
 */
class DeclarationSchemaTest {

    static final Path DOLLR = Path.of("routes/providers/dollr/dollr.provider.yaml");
    static final String SCHEMA_FILE = "src/main/resources/schema/provider-declaration.schema.json";

    @Test
    void everyKeyOfTheDeclarationRecordsIsDescribedInTheSchema() {
        JsonNode schema = DeclarationSchema.json();
        List<String> problems = new ArrayList<>();
        for (Class<?> record : records()) {
            boolean root = record == ProviderDeclaration.class;
            String where = root ? "the schema's top level" : "$defs/" + record.getSimpleName();
            JsonNode def = root ? schema : schema.path("$defs").path(record.getSimpleName());
            if (def.isMissingNode()) {
                problems.add("ProviderDeclaration." + record.getSimpleName() + " has no " + where + " in " + SCHEMA_FILE
                        + ": add it (an object with title, description, additionalProperties: false and its properties)");
                continue;
            }
            Set<String> keys = new TreeSet<>();
            for (RecordComponent c : record.getRecordComponents()) {
                JsonProperty named = annotation(record, c);
                if (named != null && named.access() == JsonProperty.Access.READ_ONLY) {
                    continue;
                }
                String key = named != null && !named.value().isEmpty() ? named.value() : c.getName();
                keys.add(key);
                JsonNode property = def.path("properties").path(key);
                if (property.isMissingNode()) {
                    problems.add(record.getSimpleName() + "." + key + " is read from declarations but " + SCHEMA_FILE + " "
                            + where + " does not describe it: add properties." + key + " with title, description and type");
                    continue;
                }
                for (String word : List.of("title", "description")) {
                    if (!property.hasNonNull(word)) {
                        problems.add(where + "/properties/" + key + " has no " + word);
                    }
                }
                if (!property.has("type") && !property.has("$ref") && !property.has("anyOf") && !key.equals("default")) {
                    problems.add(where + "/properties/" + key + " says no type");
                }
                for (Class<?> nested : nestedRecords(c.getGenericType())) {
                    if (!property.toString().contains("\"#/$defs/" + nested.getSimpleName() + "\"")) {
                        problems.add(where + "/properties/" + key + " should refer to #/$defs/" + nested.getSimpleName());
                    }
                }
            }
            def.path("properties").fieldNames().forEachRemaining(key -> {
                if (!keys.contains(key)) {
                    problems.add(where + "/properties/" + key + " is in the schema but no record reads it");
                }
            });
            assertThat(def.path("additionalProperties").asBoolean(true)).as(where + " refuses unknown keys").isFalse();
        }
        assertThat(problems).as("the declaration records and " + SCHEMA_FILE).isEmpty();
    }

    @Test
    void everyDeclarationInTheRepositoryValidates() throws Exception {
        List<String> findings = new ArrayList<>();
        // the hub's own providers, then those the tests define by files alone
        for (Path home : List.of(Path.of("."), ProviderFolderTest.TEST_HOME)) {
            List<Path> files = ProviderDeclaration.files(home);
            assertThat(files).as(home + "'s declarations").isNotEmpty();
            for (Path f : files) {
                DeclarationSchema.Checked checked = DeclarationSchema.check(home, f);
                checked.findings().forEach(x -> findings.add(x.toString()));
                assertThat(checked.declaration()).as(f + " loads").isNotNull();
            }
        }
        assertThat(ProviderDeclaration.files(Path.of("."))).hasSizeGreaterThanOrEqualTo(5);
        assertThat(findings).isEmpty();
    }

    @Test
    void aBrokenDeclarationIsReportedWithItsFileLineAndTheRuleItBreaks(@TempDir Path home) throws Exception {
        Path file = scratch(home);
        String original = Files.readString(DOLLR);
        List<String> lines = original.lines().toList();
        int scope = lineOf(lines, "    scope: client");
        int needs = lineOf(lines, "    needs: [operator]");
        int expiresUnit = lineOf(lines, "    expiresUnit: minutes");

        Files.writeString(file, original.replace("    expiresUnit: minutes", "    expiresUnits: minutes")
                .replaceFirst("    scope: client", "    scope: clients"));
        assertThat(findings(home, file)).anySatisfy(f -> assertThat(f)
                        .startsWith("routes/providers/dollr/dollr.provider.yaml:" + scope + ": /resources/operator/scope:")
                        .contains("\"hub\", \"client\", \"payment\", \"call\"").contains("(schema /properties/resources/additionalProperties/$ref/properties/scope/enum)"))
                .anySatisfy(f -> assertThat(f).startsWith("routes/providers/dollr/dollr.provider.yaml:" + expiresUnit + ": ")
                        .contains("expiresUnits").contains("additionalProperties"));

        Files.writeString(file, original.replaceFirst("    needs: \\[operator]", "    needs: [operatr]"));
        assertThat(findings(home, file)).containsExactly("routes/providers/dollr/dollr.provider.yaml:" + needs
                + ": /resources/party/needs: names the resource 'operatr', which is not declared under resources (declared: "
                + ProviderDeclaration.read(DOLLR).resources().keySet() + ")");

        // a rule the schema cannot say, kept by the record: still a line
        Files.writeString(file, original.replace("  notProcessed: [429]", "  notProcessed: [429]\n  notFound: { queries: 0, over: 1m }"));
        assertThat(findings(home, file)).singleElement().asString().matches("routes/providers/dollr/dollr\\.provider\\.yaml:[1-9][0-9]*: .*queries.*");
    }

    static final Path ADD_A_PROVIDER = Path.of("docs/add-a-provider.md");
    static final String REFERENCE_START = "<!-- keyword reference: generated from " + SCHEMA_FILE
            + " by DeclarationSchemaTest (-Ddocs.update=true rewrites it): do not edit below -->";
    static final String REFERENCE_END = "<!-- end of the generated keyword reference -->";

    /**
     * docs/add-a-provider.md's keyword reference is the schema's, so every keyword the schema has is documented
     * there and every keyword documented there exists: run with -Ddocs.update=true after changing the schema.
     */
    @Test
    void theKeywordReferenceInAddAProviderIsTheSchemas() throws Exception {
        String doc = Files.readString(ADD_A_PROVIDER);
        int start = doc.indexOf(REFERENCE_START);
        int end = doc.indexOf(REFERENCE_END);
        assertThat(start).as(ADD_A_PROVIDER + " has the generated keyword reference").isNotNegative();
        assertThat(end).isGreaterThan(start);
        String generated = "\n" + reference(DeclarationSchema.json()) + "\n";
        String current = doc.substring(start + REFERENCE_START.length(), end);
        if (Boolean.getBoolean("docs.update") && !generated.equals(current)) {
            Files.writeString(ADD_A_PROVIDER, doc.substring(0, start + REFERENCE_START.length()) + generated + doc.substring(end));
            current = generated;
        }
        assertThat(current).as(ADD_A_PROVIDER + "'s keyword reference differs from " + SCHEMA_FILE
                + ": run ./mvnw test -Dtest=DeclarationSchemaTest -Ddocs.update=true and review the diff").isEqualTo(generated);
    }

    /** The schema as Markdown: one table per object, every key with its type, whether required, default and description. */
    static String reference(JsonNode schema) {
        StringBuilder out = new StringBuilder();
        table(out, "ProviderDeclaration", schema);
        schema.path("$defs").fields().forEachRemaining(e -> table(out, e.getKey(), e.getValue()));
        return out.toString().stripTrailing();
    }

    private static void table(StringBuilder out, String name, JsonNode def) {
        out.append("\n#### ").append(name).append("\n\n").append(def.path("title").asText()).append(": ")
                .append(def.path("description").asText()).append(".\n\n| Key | Type | Required | Default | Description |\n|---|---|---|---|---|\n");
        List<String> required = new ArrayList<>();
        def.path("required").forEach(r -> required.add(r.asText()));
        def.path("properties").fields().forEachRemaining(e -> {
            JsonNode p = e.getValue();
            out.append("| `").append(e.getKey()).append("` | ").append(type(p)).append(" | ")
                    .append(required.contains(e.getKey()) ? "yes" : "").append(" | ")
                    .append(p.has("default") ? "`" + p.get("default") + "`" : "").append(" | ")
                    .append(p.path("title").asText()).append(": ").append(p.path("description").asText().replace("|", "\\|"))
                    .append(p.has("example") ? " (e.g. `" + p.get("example") + "`)" : "").append(" |\n");
        });
    }

    private static String type(JsonNode p) {
        if (p.has("$ref")) {
            String def = p.get("$ref").asText().replace("#/$defs/", "");
            return "[" + def + "](#" + def.toLowerCase(java.util.Locale.ROOT) + ")";
        }
        if (p.has("anyOf")) {
            List<String> alternatives = new ArrayList<>();
            p.get("anyOf").forEach(a -> alternatives.add(type(a)));
            return String.join(" or ", alternatives);
        }
        String type = p.path("type").asText("any");
        if ("array".equals(type)) {
            return "list of " + type(p.path("items"));
        }
        if ("object".equals(type) && p.has("additionalProperties")) {
            return "map of " + type(p.get("additionalProperties"));
        }
        if (p.has("x-jslt")) {
            return "mapping".equals(p.get("x-jslt").asText()) ? "mapping name" : "JSLT expression";
        }
        if (p.has("enum")) {
            List<String> values = new ArrayList<>();
            p.get("enum").forEach(v -> values.add("`" + v.asText() + "`"));
            return "one of " + String.join(", ", values);
        }
        return type;
    }

    /**
     * What the hub does at start (ProviderCatalog loads the declarations so): every inline expression and every
     * mapping a declaration names is compiled, and any finding refuses the start, each with its file, line and rule.
     * A typo is never first met by a payment.
     */
    @Test
    void aDeclarationWhoseJsltDoesNotCompileRefusesTheStartWithFileAndLine(@TempDir Path home) throws Exception {
        Path file = scratch(home);
        copyTree(Path.of("mappings/dollr"), home.resolve("mappings/dollr"));
        String original = Files.readString(DOLLR);
        int when = lineOf(original.lines().toList(), "    when: dollr:chained(.message)");
        int payoutRequest = lineOf(original.lines().toList(), "    request: payout.request");
        int receiptRequest = lineOf(original.lines().toList(), "    request: receipt.request");
        Files.writeString(file, original.replaceFirst("    when: dollr:chained\\(\\.message\\)", "    when: 'dollr:chained(.message) !== true'")
                .replace("    request: receipt.request", "    request: reciept.request"));
        Files.writeString(home.resolve("mappings/dollr/payout.request.jslt"), "{\n  \"amount\": .message.amount.value,\n  \"to\": \n}\n");

        Mappings mappings = new Mappings(home.resolve("mappings"));
        assertThat(Files.exists(home.resolve("mappings/dollr/receipt.request.jslt"))).isTrue();
        String shown = "routes/providers/dollr/dollr.provider.yaml:";
        assertThatThrownBy(() -> Declarations.loadAll(home, mappings)).isInstanceOf(IllegalStateException.class)
                .message()
                .contains(shown + when + ": /resources/operator/when: the JSLT expression 'dollr:chained(.message) !== true' does not compile, line 1, column ")
                .contains(shown + payoutRequest + ": /operations/PAYOUT/request: mappings/dollr/payout.request.jslt line 4, column 1: ")
                .contains(shown + receiptRequest + ": /resources/receipt/request: mappings/dollr/reciept.request.jslt does not exist");

        Files.writeString(file, original);
        Files.copy(Path.of("mappings/dollr/payout.request.jslt"), home.resolve("mappings/dollr/payout.request.jslt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(Declarations.loadAll(home, new Mappings(home.resolve("mappings")))).containsOnlyKeys("dollr");
    }

    /** Where dollr's declaration goes in a scratch hub home. */
    private static Path scratch(Path home) throws java.io.IOException {
        Path file = home.resolve(DOLLR.toString());
        Files.createDirectories(file.getParent());
        return file;
    }

    static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static JsonProperty annotation(Class<?> record, RecordComponent c) {
        try {
            return record.getDeclaredField(c.getName()).getAnnotation(JsonProperty.class);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> findings(Path home, Path file) {
        return DeclarationSchema.check(home, file).findings().stream().map(Object::toString).toList();
    }

    private static int lineOf(List<String> lines, String line) {
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith(line)) {
            i++;
        }
        i = i == lines.size() ? -1 : i;
        assertThat(i).as("dollr.provider.yaml has the line '" + line + "'").isNotNegative();
        return i + 1;
    }

    /** ProviderDeclaration and every record it holds, directly or in a list or map. */
    static Set<Class<?>> records() {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(ProviderDeclaration.class));
        while (!todo.isEmpty()) {
            Class<?> r = todo.pop();
            if (seen.add(r)) {
                for (RecordComponent c : r.getRecordComponents()) {
                    todo.addAll(nestedRecords(c.getGenericType()));
                }
            }
        }
        return seen;
    }

    private static List<Class<?>> nestedRecords(Type type) {
        List<Class<?>> out = new ArrayList<>();
        if (type instanceof Class<?> c && c.isRecord()) {
            out.add(c);
        } else if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                out.addAll(nestedRecords(arg));
            }
        }
        return out;
    }
}
