package africa.payhub.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * A provider as its integrator declares it, in {@code routes/providers/<name>/<name>.provider.yaml}: its
 * settings (a property schema, as a Kamelet declares its properties), how its calls are authenticated,
 * how its webhooks are verified, what it creates once and records, and which canonical operations it
 * carries by which flow. Nothing in the hub's Java is specific to one provider; this file is.
 */
public record ProviderDeclaration(
        String name,
        String title,
        String description,
        Map<String, Property> properties,
        Auth auth,
        Inbound inbound,
        Webhooks webhooks,
        Call lookup,
        Call status,
        Map<String, Resource> resources,
        Map<String, Recorded> records,
        Map<String, Operation> operations,
        Resend resend,
        @JsonProperty(access = JsonProperty.Access.READ_ONLY) Path file) {

    /** The file name every declaration has: {@code <name>.provider.yaml}. */
    public static final String SUFFIX = ".provider.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ProviderDeclaration {
        properties = properties == null ? Map.of() : properties;
        resources = resources == null ? Map.of() : resources;
        records = records == null ? Map.of() : records;
        operations = operations == null ? Map.of() : operations;
        auth = auth == null ? new Auth("none", null, null, null) : auth;
        webhooks = webhooks == null ? new Webhooks("none", null, null, null) : webhooks;
        resend = resend == null ? new Resend(null, null) : resend;
    }

    /**
     * When the hub may send a payment again with the same reference, as the provider's own rules allow.
     * {@code duplicateReferences}: {@code rejected} (the provider refuses a second request with a reference
     * it has seen, so a resend can never pay twice), {@code accepted} (it would execute it again) or
     * {@code unknown} (the default: not documented). {@code maxHoldTime}: the longest the provider may hold
     * a request before its status query knows of it (e.g. {@code 2m}); past it, a status query that finds
     * nothing proves the request was never received. Without either, a payment whose request may have
     * arrived is never sent again: it goes to NEEDS_REVIEW.
     */
    public record Resend(String duplicateReferences, String maxHoldTime) {
        public Resend {
            duplicateReferences = duplicateReferences == null ? "unknown" : duplicateReferences;
            if (!java.util.List.of("rejected", "accepted", "unknown").contains(duplicateReferences)) {
                throw new IllegalArgumentException("resend.duplicateReferences must be rejected, accepted or unknown, not '"
                        + duplicateReferences + "'");
            }
            if (maxHoldTime != null) {
                org.springframework.boot.convert.DurationStyle.detectAndParse(maxHoldTime);
            }
        }

        public boolean rejectsDuplicates() {
            return "rejected".equals(duplicateReferences);
        }

        public java.time.Duration maxHold() {
            return maxHoldTime == null ? null : org.springframework.boot.convert.DurationStyle.detectAndParse(maxHoldTime);
        }
    }

    /**
     * One setting, under {@code hub.providers.<provider>.<key>}. {@code format: password} marks a secret
     * (never shown to mappings, never logged); {@code required} ones must be set in production.
     */
    public record Property(String type, String format, boolean required, String description,
                           @JsonProperty("default") JsonNode defaultValue) {
        public boolean secret() {
            return "password".equals(format);
        }
    }

    /**
     * How calls are authenticated. {@code kind}: {@code basic} (HTTP Basic from two settings on every call),
     * {@code bearer} (a token from a login call), {@code body} (settings merged into every request body),
     * or {@code none}.
     */
    public record Auth(String kind, Basic basic, Login login, Map<String, String> body) {
    }

    /** How the provider authenticates when it calls the hub (a partner endpoint): HTTP Basic with two settings. */
    public record Inbound(Basic basic) {
    }

    /** HTTP Basic: the names of the settings holding the user name and the password. */
    public record Basic(String username, String password) {
    }

    /**
     * A login call that issues a token. {@code credentials}: {@code basic}, a JSON {@code body} or a
     * {@code form} (field -> setting). {@code token} and {@code expiresIn} are dotted paths in the answer
     * (the first present wins); {@code expiresUnit} {@code seconds} or {@code minutes}.
     */
    public record Login(String method, String path, Credentials credentials, List<String> token, List<String> expiresIn,
                        String expiresUnit, Long defaultExpiresIn, String header, String scheme) {
        public Login {
            method = method == null ? "POST" : method;
            expiresUnit = expiresUnit == null ? "seconds" : expiresUnit;
            header = header == null ? "Authorization" : header;
            scheme = scheme == null ? "Bearer" : scheme;
            token = token == null ? List.of() : token;
            expiresIn = expiresIn == null ? List.of() : expiresIn;
        }
    }

    public record Credentials(Basic basic, Map<String, String> body, Map<String, String> form) {
    }

    /**
     * How a webhook is verified. {@code verification}: {@code hmac} (algorithm, header, encoding hex or
     * base64, the setting holding the key, an optional prefix such as {@code sha256=}), {@code bean} (a
     * named WebhookVerifier bean, for what cannot be declared), or {@code none} (no webhooks: every
     * outcome is confirmed by status query). {@code mapping}: the template that turns a verified event
     * into an outcome.
     */
    public record Webhooks(String verification, Hmac hmac, String bean, String mapping) {
    }

    public record Hmac(String algorithm, String header, String encoding, String key, String prefix) {
    }

    /**
     * A provider call of the common shape: request template, HTTP, response template. Or, for a flow with
     * steps of its own, the id of a route file ({@code flow}). {@code enabledBy}: a boolean setting.
     */
    public record Call(String request, String response, String flow, String enabledBy) {
        public boolean templated() {
            return flow == null;
        }
    }

    /**
     * Something created at the provider once per {@code scope} ({@code hub}, {@code client} or
     * {@code payment}) and key, recorded, and reused: a profile, a service, an invoice.
     */
    public record Resource(String scope, String key, String configured, List<String> needs, String request,
                           String response, String flow) {
        public Resource {
            needs = needs == null ? List.of() : needs;
        }
    }

    /** What the hub remembers from an operation's result, owned by the client: e.g. a wallet and its currency. */
    public record Recorded(String key, String detail) {
    }

    /** A use of a recorded thing by a message: it must exist (and be the client's, when {@code owned}) and match. */
    public record Use(String record, String key, boolean owned, Map<String, String> match) {
        public Use {
            match = match == null ? Map.of() : match;
        }
    }

    /** A canonical operation this provider carries. */
    public record Operation(String request, String response, String flow, Call status, List<String> needs,
                            List<Use> uses, String records, boolean lookupFirst) {
        public Operation {
            needs = needs == null ? List.of() : needs;
            uses = uses == null ? List.of() : uses;
        }

        public Call call() {
            return new Call(request, response, flow, null);
        }
    }

    /** Reads one declaration; the file's name must be the provider's. */
    public static ProviderDeclaration read(Path file) throws IOException {
        ProviderDeclaration d = YAML.readValue(file.toFile(), ProviderDeclaration.class);
        String expected = file.getFileName().toString().replace(SUFFIX, "");
        if (d.name() == null || !d.name().equals(expected)) {
            throw new IOException(file + ": name must be '" + expected + "' (the file's name)");
        }
        return new ProviderDeclaration(d.name, d.title, d.description, d.properties, d.auth, d.inbound, d.webhooks,
                d.lookup, d.status, d.resources, d.records, d.operations, d.resend, file);
    }

    /** Every declaration under {@code <home>/routes/providers}, by name. */
    public static Map<String, ProviderDeclaration> readAll(Path home) {
        Path dir = home.resolve("routes").resolve("providers");
        Map<String, ProviderDeclaration> out = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir, 2)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                try {
                    ProviderDeclaration d = read(f);
                    out.put(d.name(), d);
                } catch (IOException e) {
                    problems.add(home.relativize(f) + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            problems.add(dir + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("provider declarations that do not load:\n  " + String.join("\n  ", problems));
        }
        return out;
    }
}
