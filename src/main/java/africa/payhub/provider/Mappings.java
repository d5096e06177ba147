package africa.payhub.provider;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.Function;
import com.schibsted.spt.data.jslt.JsltException;
import com.schibsted.spt.data.jslt.Parser;
import africa.payhub.canonical.Json;
import africa.payhub.config.HubProperties;
import africa.payhub.payment.Carriers;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.PaymentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The integrator-editable mapping files under {@code <hub home>/mappings}: JSLT templates (one per
 * direction) and each provider's {@code statuses.yaml} and {@code errors.yaml}. Files are re-read when
 * they change on disk; a file that no longer compiles is reported by name and its previous version keeps
 * serving.
 */
@Component("mappings")
public class Mappings {

    private static final Logger LOG = LoggerFactory.getLogger(Mappings.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final long RECHECK_NANOS = 250_000_000L;

    private final Path root;
    private final Map<Path, Loaded<?>> cache = new ConcurrentHashMap<>();
    private final Map<Path, String> broken = new ConcurrentHashMap<>();
    private final Map<String, Loaded<Compiled>> expressions = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> imports = new ConcurrentHashMap<>();
    private final Collection<Function> functions = List.of(new DecimalFunction(), new DecimalTextFunction());

    @org.springframework.beans.factory.annotation.Autowired
    public Mappings(HubProperties properties) {
        this(properties.homeDir().resolve("mappings"));
    }

    /** The mapping files under {@code root} (the hub home's {@code mappings}), e.g. for a check without a hub. */
    public Mappings(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Runs the JSLT template {@code <name>.jslt} (e.g. "monnify/payout.request") on a JSON body. */
    public JsonNode transform(String name, Object body) {
        Expression expression = load(root.resolve(name + ".jslt"), this::compile).expression();
        JsonNode input = Json.toNode(body);
        try {
            JsonNode out = expression.apply(input);
            return out == null ? Json.NODES.nullNode() : out;
        } catch (JsltException e) {
            throw new MappingException("mapping " + name + ".jslt failed: " + e.getMessage(), e);
        }
    }

    /**
     * A JSLT expression written in a provider declaration (a resource's key, a recorded detail), compiled
     * once, run on {@code input}.
     */
    public JsonNode evaluate(String expression, JsonNode input) {
        return evaluate(null, expression, input);
    }

    /**
     * A JSLT expression written in {@code provider}'s declaration, compiled once (and again when a module it
     * imports changes), run on {@code input}. The modules the declaration {@linkplain #imports imports} are
     * there under their aliases, and an expression may {@code import} others from the provider's folder.
     */
    public JsonNode evaluate(String provider, String expression, JsonNode input) {
        Expression compiled = expression(provider, expression);
        try {
            JsonNode out = compiled.apply(input);
            return out == null ? Json.NODES.nullNode() : out;
        } catch (JsltException e) {
            throw new MappingException("expression '" + expression + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * Compiles a JSLT expression written in {@code provider}'s declaration now, as the declaration is loaded (its
     * {@link #imports} registered first), so a typo is found then and never while a payment is sent: the problem
     * ("line 1, column 7: ..."), or empty.
     */
    public Optional<String> compileExpression(String provider, String expression) {
        try {
            expression(provider, expression);
            return Optional.empty();
        } catch (MappingException e) {
            // the imports go before the expression, one line each: its own lines are counted from its start
            String where = located(e);
            int prepended = imports(provider).size();
            java.util.regex.Matcher line = Pattern.compile("^line (\\d+)").matcher(where);
            return Optional.of(prepended > 0 && line.find() && Integer.parseInt(line.group(1)) > prepended
                    ? "line " + (Integer.parseInt(line.group(1)) - prepended) + where.substring(line.end()) : where);
        }
    }

    /** Compiles (or finds compiled) an expression of {@code provider}'s declaration; a MappingException if it does not. */
    public Expression expression(String provider, String expression) {
        String cacheKey = provider + "\u0000" + expression;
        Loaded<Compiled> current = expressions.get(cacheKey);
        long now = System.nanoTime();
        if (current != null && (current.value.modules().isEmpty() || now - current.checkedAt < RECHECK_NANOS)) {
            return current.value.expression();
        }
        long stamp = current == null ? 0 : stamp(current.value.modules());
        if (current != null && current.stamp == stamp) {
            expressions.put(cacheKey, new Loaded<>(current.value, stamp, now));
            return current.value.expression();
        }
        StringBuilder text = new StringBuilder();
        imports.getOrDefault(provider == null ? "" : provider, Map.of())
                .forEach((alias, module) -> text.append("import \"").append(module).append("\" as ").append(alias).append('\n'));
        text.append(expression);
        Modules modules = new Modules(provider == null ? root : root.resolve(provider));
        try {
            Expression e = new Parser(new java.io.StringReader(text.toString())).withSource(provider == null ? "declaration"
                    : provider + " declaration").withFunctions(functions).withResourceResolver(modules).compile();
            Compiled compiled = new Compiled(e, List.copyOf(modules.read));
            expressions.put(cacheKey, new Loaded<>(compiled, stamp(compiled.modules()), now));
            return e;
        } catch (JsltException e) {
            if (current != null) {
                // a module it imports broke: the previous version keeps serving, as a broken template's does
                expressions.put(cacheKey, new Loaded<>(current.value, stamp, now));
                return current.value.expression();
            }
            throw new MappingException("expression '" + expression + "' does not compile: " + e.getMessage(), e);
        }
    }

    /**
     * Compiles the template {@code <name>.jslt} a provider declaration names (e.g. "monnify/payout.request") now,
     * as the declaration is loaded: the problem (a missing file, "line 5, column 3: ..."), or empty. A template
     * that is broken on disk while an earlier version serves is reported by {@link #brokenFiles()}, not here.
     */
    public Optional<String> compileTemplate(String name) {
        Path file = root.resolve(name + ".jslt").normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            return Optional.of("mappings/" + name + ".jslt does not exist");
        }
        try {
            load(file, this::compile);
            return Optional.empty();
        } catch (MappingException e) {
            return Optional.of("mappings/" + name + ".jslt " + located(e));
        }
    }

    /**
     * The JSLT modules of {@code provider}'s folder its declaration imports ({@code imports: {alias: file}}),
     * available under their aliases in every expression the declaration writes.
     */
    public void imports(String provider, Map<String, String> modules) {
        imports.put(provider, Map.copyOf(modules));
        expressions.keySet().removeIf(k -> k.startsWith(provider + "\u0000"));
    }

    /** The modules {@code provider}'s declaration imports now, by alias. */
    public Map<String, String> imports(String provider) {
        return imports.getOrDefault(provider, Map.of());
    }

    /** A rules file under the mappings folder (e.g. routing.yaml), re-read when it changes. */
    public JsonNode rules(Path relative) {
        return load(root.resolve(relative), Mappings::readYaml);
    }

    /** The canonical status for a provider status; anything not listed stays PENDING. */
    public Carriers.StatusRule status(String provider, String providerStatus) {
        JsonNode rules = load(root.resolve(provider).resolve("statuses.yaml"), Mappings::readYaml);
        JsonNode rule = providerStatus == null ? null : rules.get(providerStatus);
        if (rule == null || rule.isNull()) {
            return new Carriers.StatusRule(PaymentStatus.PENDING, null, null);
        }
        if (rule.isTextual()) {
            return new Carriers.StatusRule(PaymentStatus.valueOf(rule.asText()), null, null);
        }
        return new Carriers.StatusRule(PaymentStatus.valueOf(rule.path("status").asText()),
                rule.hasNonNull("reasonCode") ? rule.get("reasonCode").asText() : null,
                rule.hasNonNull("reason") ? rule.get("reason").asText() : null, rule.path("notify").asBoolean(false),
                rule.path("keepReason").asBoolean(false));
    }

    /** What a provider's refusal means, by its error code, then its message, then the HTTP status. */
    public ErrorRule error(String provider, String code, String message, int httpStatus) {
        JsonNode rules = load(root.resolve(provider).resolve("errors.yaml"), Mappings::readYaml);
        JsonNode rule = null;
        if (code != null && rules.path("codes").has(code)) {
            rule = rules.path("codes").get(code);
        }
        if (rule == null && message != null) {
            for (JsonNode m : rules.path("messages")) {
                if (Pattern.compile(m.path("match").asText()).matcher(message).find()) {
                    rule = m;
                    break;
                }
            }
        }
        if (rule == null && rules.path("httpStatus").has(String.valueOf(httpStatus))) {
            rule = rules.path("httpStatus").get(String.valueOf(httpStatus));
        }
        if (rule == null) {
            rule = rules.path("default");
        }
        // an errors.yaml without a default: an unrecognised refusal is UNKNOWN, never a failure
        return new ErrorRule(Outcome.Kind.valueOf(rule.path("outcome").asText("UNKNOWN")),
                rule.path("reasonCode").asText("UNRECOGNISED_REFUSAL"),
                rule.hasNonNull("reason") ? rule.get("reason").asText() : null);
    }

    /** Files that are broken on disk right now (their previous version is serving), with the error. */
    public Map<String, String> brokenFiles() {
        Map<String, String> out = new java.util.TreeMap<>();
        broken.forEach((p, e) -> out.put(root.relativize(p).toString(), e));
        return out;
    }

    /**
     * Checks one mapping file now (the hub calls this when the file is saved), so a broken file is reported
     * with its line before any payment uses it: the problem, also listed in {@link #brokenFiles()} until the
     * file is fixed, or empty. Files that are not templates or rules files (fixtures) are not checked.
     */
    public Optional<String> check(Path file) {
        Path path = root.resolve(file).normalize();
        String name = path.getFileName().toString();
        Loader<?> loader = name.endsWith(".jslt") ? this::compile : name.endsWith(".yaml") ? Mappings::readYaml : null;
        if (loader == null || !path.startsWith(root)) {
            return Optional.empty();
        }
        String error;
        try {
            if (Files.exists(path)) {
                loader.load(path);
            }
            if (broken.remove(path) != null) {
                LOG.info("Mapping {} is fixed", root.relativize(path));
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            error = located(e);
        }
        if (!error.equals(broken.put(path, error))) {
            LOG.error("mappings/{} {}", root.relativize(path), error);
        }
        return Optional.of(error);
    }

    /** "line 7, column 12: ..." for a JSLT or YAML error that knows where it is, else the message. */
    private static String located(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsltException j && j.getLine() > 0) {
                // a parse error names the token it stumbled on, which may sit after the expression's start
                String first = j.getMessageWithoutLocation().lines().findFirst().orElse("");
                java.util.regex.Matcher at = Pattern.compile(" at line (\\d+), column (\\d+)\\.?").matcher(first);
                return at.find() ? "line " + at.group(1) + ", column " + at.group(2) + ": " + at.replaceFirst("")
                        : "line " + j.getLine() + ", column " + j.getColumn() + ": " + first;
            }
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
                return "line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ": "
                        + j.getOriginalMessage().lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                                .collect(java.util.stream.Collectors.joining(": "));
            }
        }
        return Optional.ofNullable(e.getMessage()).orElse(e.toString());
    }

    /** Compiles every template and parses every rules file; the problems found ("line 5, column 3: ..."), by file. */
    public Map<String, String> validateAll() throws IOException {
        Map<String, String> problems = new java.util.TreeMap<>();
        if (!Files.isDirectory(root)) {
            problems.put(root.toString(), "mappings directory not found");
            return problems;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                try {
                    if (name.endsWith(".jslt")) {
                        compile(p);
                    } else if (name.equals("statuses.yaml") || name.equals("errors.yaml") || name.equals("routing.yaml")) {
                        readYaml(p);
                    }
                } catch (Exception e) {
                    problems.put(root.relativize(p).toString(), located(e));
                }
            }
        }
        return problems;
    }

    /**
     * Compiles a template; its {@code import "x.jslt"} statements read modules from the template's provider
     * folder ({@code mappings/<provider>/}), and a change to one of them recompiles the template.
     */
    private Compiled compile(Path file) throws IOException {
        String text = Files.readString(file);
        Path relative = root.relativize(file);
        Modules modules = new Modules(relative.getNameCount() > 1 ? root.resolve(relative.getName(0)) : root);
        try {
            Expression e = new Parser(new java.io.StringReader(text)).withSource(relative.toString())
                    .withFunctions(functions).withResourceResolver(modules).compile();
            return new Compiled(e, List.copyOf(modules.read));
        } catch (JsltException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A compiled template or expression and the modules it imported (their changes recompile it). */
    private record Compiled(Expression expression, List<Path> modules) implements Dependent {
    }

    /** A loaded value whose freshness also depends on other files. */
    private interface Dependent {
        List<Path> modules();
    }

    /** Resolves {@code import "x.jslt"} within one provider's folder, remembering what it read. */
    private static final class Modules implements com.schibsted.spt.data.jslt.ResourceResolver {
        private final Path dir;
        private final List<Path> read = new ArrayList<>();

        Modules(Path dir) {
            this.dir = dir;
        }

        @Override
        public java.io.Reader resolve(String name) {
            Path module = dir.resolve(name).normalize();
            if (!module.startsWith(dir)) {
                throw new JsltException("import \"" + name + "\": a module is imported from the provider's own folder");
            }
            try {
                String text = Files.readString(module);
                read.add(module);
                return new java.io.StringReader(text);
            } catch (IOException e) {
                throw new JsltException("import \"" + name + "\": " + e.getMessage(), e);
            }
        }
    }

    /** A stamp that changes when any of the files does (0 for none). */
    private static long stamp(List<Path> files) {
        long stamp = 0;
        for (Path f : files) {
            try {
                stamp = stamp * 31 + Files.getLastModifiedTime(f).toMillis() * 31 + Files.size(f);
            } catch (IOException e) {
                stamp = stamp * 31 + 7;
            }
        }
        return stamp;
    }

    private static JsonNode readYaml(Path file) throws IOException {
        JsonNode node = YAML.readTree(file.toFile());
        return node == null ? Json.object() : node;
    }

    @SuppressWarnings("unchecked")
    private <T> T load(Path file, Loader<T> loader) {
        Loaded<T> current = (Loaded<T>) cache.get(file);
        long now = System.nanoTime();
        if (current != null && now - current.checkedAt < RECHECK_NANOS) {
            return current.value;
        }
        long stamp;
        try {
            stamp = Files.getLastModifiedTime(file).toMillis() * 31 + Files.size(file)
                    + (current != null && current.value instanceof Dependent d ? stamp(d.modules()) : 0);
        } catch (NoSuchFileException e) {
            if (current != null) {
                return current.value;
            }
            throw new MappingException("mapping file " + root.relativize(file) + " does not exist");
        } catch (IOException e) {
            throw new MappingException("mapping file " + root.relativize(file) + " cannot be read: " + e.getMessage(), e);
        }
        if (current != null && current.stamp == stamp) {
            cache.put(file, new Loaded<>(current.value, stamp, now));
            return current.value;
        }
        try {
            T value = loader.load(file);
            if (value instanceof Dependent d && !d.modules().isEmpty()) {
                stamp = Files.getLastModifiedTime(file).toMillis() * 31 + Files.size(file) + stamp(d.modules());
            }
            cache.put(file, new Loaded<>(value, stamp, now));
            if (broken.remove(file) != null || current != null) {
                LOG.info("Mapping {} (re)loaded", root.relativize(file));
            }
            return value;
        } catch (IOException | RuntimeException e) {
            String error = Optional.ofNullable(e.getMessage()).orElse(e.toString());
            if (!error.equals(broken.put(file, error))) {
                LOG.error("Mapping {} is broken, {}: {}", root.relativize(file),
                        current == null ? "and there is no earlier version to use" : "the previous version keeps serving",
                        error);
            }
            if (current == null) {
                throw new MappingException("mapping " + root.relativize(file) + " is broken: " + error, e);
            }
            cache.put(file, new Loaded<>(current.value, stamp, now));
            return current.value;
        }
    }

    /** What to do with a provider refusal. */
    public record ErrorRule(Outcome.Kind outcome, String reasonCode, String reason) {
    }

    private record Loaded<T>(T value, long stamp, long checkedAt) {
    }

    @FunctionalInterface
    private interface Loader<T> {
        T load(Path file) throws IOException;
    }

    /** {@code decimal("2500.00")}: the exact decimal number 2500.00 (never a double). */
    static final class DecimalFunction implements Function {
        public String getName() {
            return "decimal";
        }

        public int getMinArguments() {
            return 1;
        }

        public int getMaxArguments() {
            return 1;
        }

        public JsonNode call(JsonNode input, JsonNode[] args) {
            BigDecimal d = toDecimal(args[0]);
            return d == null ? Json.NODES.nullNode() : Json.NODES.numberNode(d);
        }
    }

    /** {@code decimal-text(200)}: "200" as a plain decimal string, e.g. for an amount a provider sent as a number. */
    static final class DecimalTextFunction implements Function {
        public String getName() {
            return "decimal-text";
        }

        public int getMinArguments() {
            return 1;
        }

        public int getMaxArguments() {
            return 1;
        }

        public JsonNode call(JsonNode input, JsonNode[] args) {
            BigDecimal d = toDecimal(args[0]);
            return d == null ? Json.NODES.nullNode() : Json.NODES.textNode(d.toPlainString());
        }
    }

    static BigDecimal toDecimal(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual() && !node.textValue().isBlank()) {
            try {
                return new BigDecimal(node.textValue().trim());
            } catch (NumberFormatException e) {
                throw new JsltException("not a decimal: " + node.textValue());
            }
        }
        throw new JsltException("not a decimal: " + node);
    }

}
