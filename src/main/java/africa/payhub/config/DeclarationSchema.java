package africa.payhub.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

/**
 * The language of provider declarations, {@code routes/providers/<p>/<p>.provider.yaml}: its published JSON
 * Schema ({@value #RESOURCE}, served as {@code /api/v1/schema/provider-declaration.json}) and the check every
 * declaration passes when it is loaded, at start and on every save: the schema, the records' own rules, and
 * the names one part gives another (a step {@code needs} a declared resource, {@code uses} a declared record,
 * {@code enabledBy} a declared setting). Each finding names the file, the line and the rule broken. The JSLT
 * the declaration holds is listed ({@link Checked#jslt()}) for the caller to compile: inline expressions
 * ({@code x-jslt: expression} in the schema) and the names of mapping templates ({@code x-jslt: mapping}).
 */
public final class DeclarationSchema {

    public static final String RESOURCE = "/schema/provider-declaration.schema.json";

    private DeclarationSchema() {
    }

    /** One thing wrong in a declaration: {@code routes/providers/x/x.provider.yaml:12: <rule broken>}. */
    public record Finding(String file, int line, String rule) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + rule;
        }
    }

    /** JSLT in a declaration: an inline expression, or the name of a template under {@code mappings/<provider>/}. */
    public record Jslt(int line, String path, boolean template, String text) {
    }

    /** A declaration as checked: the declaration (null when it does not load), its findings, its JSLT. */
    public record Checked(Path file, String shownAs, ProviderDeclaration declaration, List<Finding> findings, List<Jslt> jslt) {
        public boolean ok() {
            return declaration != null && findings.isEmpty();
        }

        /** A finding in this file, at a line. */
        public Finding finding(int line, String rule) {
            return new Finding(shownAs, line, rule);
        }
    }

    /** Checks one declaration file; {@code home} is the hub's home, to name the file in findings. */
    public static Checked check(Path home, Path file) {
        String shownAs = shown(home, file);
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return new Checked(file, shownAs, null, List.of(new Finding(shownAs, 0, "cannot be read: " + e)), List.of());
        }
        List<Finding> findings = new ArrayList<>();
        SchemaCheck.check(Schema.INSTANCE, text).forEach(v -> findings.add(new Finding(shownAs, v.line(),
                (v.path().isEmpty() ? "" : v.path() + ": ") + v.error()
                        + (v.schemaPath().isEmpty() ? "" : " (schema " + v.schemaPath() + ")"))));
        if (!findings.isEmpty()) {
            return new Checked(file, shownAs, null, List.copyOf(findings), List.of());
        }
        ProviderDeclaration declaration;
        try {
            declaration = ProviderDeclaration.parse(text, file);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
            String rule = cause == e ? e.getOriginalMessage() : cause.getMessage();
            return new Checked(file, shownAs, null, List.of(new Finding(shownAs,
                    e.getLocation() == null ? 0 : e.getLocation().getLineNr(), rule.lines().findFirst().orElse(rule))), List.of());
        } catch (IOException | RuntimeException e) {
            return new Checked(file, shownAs, null, List.of(new Finding(shownAs, 1, String.valueOf(e.getMessage()))), List.of());
        }
        JsonNode tree = SchemaCheck.readLocated(text);
        names(declaration, tree, shownAs, findings);
        List<Jslt> jslt = new ArrayList<>();
        collect(Schema.JSON, Schema.JSON, tree, "", jslt);
        return new Checked(file, shownAs, declaration, List.copyOf(findings), List.copyOf(jslt));
    }

    private static String shown(Path home, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path base = home.toAbsolutePath().normalize();
        return absolute.startsWith(base) ? base.relativize(absolute).toString() : file.toString();
    }

    /** The schema's own JSON, as served. */
    public static String text() {
        return Schema.JSON.toPrettyString();
    }

    /** The schema's JSON tree (what {@code x-jslt} marks, for tools and tests). */
    public static JsonNode json() {
        return Schema.JSON.deepCopy();
    }

    /** Walks the schema beside the declaration: each string the schema marks {@code x-jslt} is listed. */
    private static void collect(JsonNode root, JsonNode schema, JsonNode node, String path, List<Jslt> out) {
        if (schema == null || node == null) {
            return;
        }
        if (schema.has("$ref")) {
            collect(root, root.at(schema.get("$ref").asText().substring(1)), node, path, out);
        }
        if (schema.has("x-jslt") && node.isTextual()) {
            out.add(new Jslt(SchemaCheck.lineOf(node), path, "mapping".equals(schema.get("x-jslt").asText()), node.asText()));
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            schema.path(combinator).forEach(alternative -> collect(root, alternative, node, path, out));
        }
        if (node.isArray() && schema.has("items")) {
            for (int i = 0; i < node.size(); i++) {
                collect(root, schema.get("items"), node.get(i), path + "/" + i, out);
            }
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode sub = schema.path("properties").has(field.getKey()) ? schema.path("properties").get(field.getKey())
                        : schema.path("additionalProperties").isObject() ? schema.get("additionalProperties") : null;
                collect(root, sub, field.getValue(), path + "/" + field.getKey(), out);
            }
        }
    }

    /** The names one part of a declaration gives another: each must be declared where it points. */
    private static void names(ProviderDeclaration d, JsonNode tree, String file, List<Finding> out) {
        Set<String> resources = d.resources().keySet();
        Set<String> records = d.records().keySet();
        // a use finds what an operation recorded or what a step made: both are kept by name and key
        Set<String> usable = new java.util.TreeSet<>(records);
        usable.addAll(resources);
        Set<String> settings = d.properties().keySet();
        Set<String> calls = d.operatorCalls().keySet();
        Names n = new Names(tree, file, out);
        d.resources().forEach((name, r) -> {
            n.each("/resources/" + name + "/needs", r.needs(), resources, "resource");
            n.call("/resources/" + name + "/find", r.find(), usable, settings);
        });
        d.operations().forEach((name, op) -> {
            String at = "/operations/" + name;
            n.each(at + "/needs", op.needs(), resources, "resource");
            n.each(at + "/onSuccess", op.onSuccess(), resources, "resource");
            n.each(at + "/checks", op.checks(), d.checks().keySet(), "check");
            op.result().forEach((field, resource) -> n.one(at + "/result/" + field, resource, resources, "resource"));
            n.one(at + "/records", op.records(), records, "record");
            n.uses(at + "/uses", op.uses(), usable);
            for (String call : List.of("status", "authorize", "resendAuthorization", "card")) {
                n.call(at + "/" + call, switch (call) {
                    case "status" -> op.status();
                    case "authorize" -> op.authorize();
                    case "resendAuthorization" -> op.resendAuthorization();
                    default -> op.card();
                }, usable, settings);
            }
            if (op.expire() != null) {
                n.one(at + "/expire/after", op.expire().after(), settings, "setting");
                n.uses(at + "/expire/uses", op.expire().uses(), usable);
            }
            if (op.reconcile() != null) {
                n.one(at + "/reconcile/call", op.reconcile().call(), calls, "operator call");
            }
        });
        d.checks().forEach((name, c) -> n.one("/checks/" + name + "/enabledBy", c.enabledBy(), settings, "setting"));
        n.call("/status", d.status(), usable, settings);
        n.call("/lookup", d.lookup(), usable, settings);
        n.auth("/auth", d.auth(), settings);
        d.operatorCalls().forEach((name, c) -> n.auth("/operatorCalls/" + name + "/auth", c.auth(), settings));
        if (d.inbound() != null) {
            n.basic("/inbound/basic", d.inbound().basic(), settings);
        }
        if (d.webhooks().hmac() != null) {
            n.one("/webhooks/hmac/key", d.webhooks().hmac().key(), settings, "setting");
        }
        if (d.reconcile() != null) {
            n.one("/reconcile/call", d.reconcile().call(), calls, "operator call");
        }
        if (d.recheck() != null) {
            n.one("/recheck/call", d.recheck().call(), calls, "operator call");
        }
    }

    private record Names(JsonNode tree, String file, List<Finding> out) {
        void one(String pointer, String name, Set<String> known, String what) {
            if (name != null && !known.contains(name)) {
                JsonNode at = tree.at(pointer);
                String where = pointer.substring(0, pointer.lastIndexOf('/'));
                String section = switch (what) {
                    case "resource" -> "resources";
                    case "record" -> "records";
                    case "record or resource" -> "records or resources";
                    case "check" -> "checks";
                    case "setting" -> "properties";
                    default -> "operatorCalls";
                };
                out.add(new Finding(file, SchemaCheck.lineOf(at.isMissingNode() ? tree.at(where) : at), pointer + ": names the "
                        + what + " '" + name + "', which is not declared under " + section + " (declared: " + known + ")"));
            }
        }

        void each(String pointer, List<String> names, Set<String> known, String what) {
            names.forEach(name -> one(pointer, name, known, what));
        }

        void uses(String pointer, List<ProviderDeclaration.Use> uses, Set<String> usable) {
            for (int i = 0; i < uses.size(); i++) {
                JsonNode list = tree.at(pointer);
                one(list.isArray() ? pointer + "/" + i + "/record" : pointer + "/record", uses.get(i).record(), usable,
                        "record or resource");
            }
        }

        void call(String pointer, ProviderDeclaration.Call call, Set<String> usable, Set<String> settings) {
            if (call != null) {
                one(pointer + "/enabledBy", call.enabledBy(), settings, "setting");
                uses(pointer + "/uses", call.uses(), usable);
            }
        }

        void auth(String pointer, ProviderDeclaration.Auth auth, Set<String> settings) {
            if (auth == null) {
                return;
            }
            basic(pointer + "/basic", auth.basic(), settings);
            if (auth.body() != null) {
                auth.body().forEach((field, setting) -> one(pointer + "/body/" + field, setting, settings, "setting"));
            }
            ProviderDeclaration.Login login = auth.login();
            if (login == null) {
                return;
            }
            one(pointer + "/login/url", login.url(), settings, "setting");
            if (login.oauth2() != null) {
                one(pointer + "/login/oauth2/clientId", login.oauth2().clientId(), settings, "setting");
                one(pointer + "/login/oauth2/clientSecret", login.oauth2().clientSecret(), settings, "setting");
            }
            ProviderDeclaration.Credentials c = login.credentials();
            if (c != null) {
                basic(pointer + "/login/credentials/basic", c.basic(), settings);
                for (String kind : List.of("body", "form")) {
                    Map<String, String> fields = "body".equals(kind) ? c.body() : c.form();
                    if (fields != null) {
                        fields.forEach((field, setting) -> one(pointer + "/login/credentials/" + kind + "/" + field, setting,
                                settings, "setting"));
                    }
                }
            }
        }

        void basic(String pointer, ProviderDeclaration.Basic basic, Set<String> settings) {
            if (basic != null) {
                one(pointer + "/username", basic.username(), settings, "setting");
                one(pointer + "/password", basic.password(), settings, "setting");
            }
        }
    }

    /** The schema, read once. */
    private static final class Schema {
        static final JsonNode JSON = read();
        static final JsonSchema INSTANCE = load();

        private static JsonNode read() {
            try (InputStream in = DeclarationSchema.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " not found on the class path");
                }
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static JsonSchema load() {
            // x-jslt marks what the hub compiles and example is documentation (Kamelet style): neither is a rule
            JsonMetaSchema draft = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                    .keyword(new NonValidationKeyword("x-jslt")).keyword(new NonValidationKeyword("example")).build();
            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(draft));
            JsonSchema schema = factory.getSchema(JSON, SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build());
            schema.initializeValidators();
            return schema;
        }
    }
}
