import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The production start of .ci/prod-start, in two steps (run as a single-file program, with the production
 * image's own libraries on the class path):
 * <ul>
 * <li>{@code launch}: starts the hub as the image does: the final stage of docker/Dockerfile gives the
 *   ENTRYPOINT, WORKDIR and ENV; docker/compose.yaml's service gives the rest of the environment (its
 *   {@code env_file} and its {@code environment}, interpolated from the .env beside it as Compose does).
 *   Only paths are relocated (the image's /opt/payment-hub and /hub to folders of the run) and compose's
 *   service names to the addresses the services have here (postgres:5432).</li>
 * <li>{@code check}: what a production start must give: an anonymous health answer with the status alone,
 *   the components for the operator, and a payout through a provider simulator to SUCCEEDED.</li>
 * </ul>
 */
public final class ProdStart {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        Map<String, List<String>> options = options(args);
        switch (args.length == 0 ? "" : args[0]) {
            case "launch" -> launch(options);
            case "check" -> check(options);
            default -> {
                System.err.println("usage: ProdStart launch|check --option value ...");
                System.exit(2);
            }
        }
    }

    // ------------------------------------------------------------------ launch

    static void launch(Map<String, List<String>> o) throws Exception {
        Path dockerfile = Path.of(one(o, "dockerfile"));
        Path compose = Path.of(one(o, "compose"));
        String service = one(o, "service");
        Map<String, String> relocate = pairs(o.get("relocate"));
        Map<String, String> hosts = pairs(o.get("host"));

        Image image = image(dockerfile);
        Map<String, String> dotEnv = envFile(compose.getParent().resolve(".env"));
        JsonNode svc = YAML.readTree(compose.toFile()).path("services").path(service);
        if (svc.isMissingNode()) {
            throw new IllegalArgumentException(compose + " has no service " + service);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.putAll(image.env());
        // env_file first, then environment, which wins (as Compose does)
        for (JsonNode file : list(svc.path("env_file"))) {
            env.putAll(envFile(compose.getParent().resolve(file.asText())));
        }
        JsonNode environment = svc.path("environment");
        if (environment.isObject()) {
            environment.properties().forEach(f -> env.put(f.getKey(), interpolate(f.getValue().asText(), dotEnv)));
        } else {
            for (JsonNode item : environment) {
                String[] kv = item.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? interpolate(kv[1], dotEnv) : dotEnv.getOrDefault(kv[0], ""));
            }
        }
        env.replaceAll((k, v) -> relocated(hosted(v, hosts), relocate));

        List<String> command = new ArrayList<>();
        for (String part : image.entrypoint()) {
            command.add(relocated(part, relocate));
        }
        Path workdir = Path.of(relocated(image.workdir(), relocate));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workdir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Path log = Path.of(one(o, "log"));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        Files.writeString(Path.of(one(o, "pid-file")), Long.toString(p.pid()));
        System.out.println("hub started as the image starts it (pid " + p.pid() + "): " + String.join(" ", command));
        System.out.println("  in " + workdir + ", with " + env.size() + " variables from the Dockerfile's ENV and compose's "
                + service + " service: " + String.join(" ", env.keySet()));
    }

    /** The final stage of a Dockerfile: its ENV, last WORKDIR and ENTRYPOINT (exec form). */
    record Image(Map<String, String> env, String workdir, List<String> entrypoint) {
    }

    static Image image(Path dockerfile) throws Exception {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(dockerfile)) {
            String line = raw.strip();
            if (line.startsWith("#") && current.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            lines.add(current.toString().strip());
            current.setLength(0);
        }
        Map<String, String> env = new LinkedHashMap<>();
        String workdir = "/";
        List<String> entrypoint = null;
        for (String line : lines) {
            String upper = line.toUpperCase();
            if (upper.startsWith("FROM ")) {
                env.clear();
                workdir = "/";
                entrypoint = null;
            } else if (upper.startsWith("ENV ")) {
                Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|(\\S*))").matcher(line.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
                }
            } else if (upper.startsWith("WORKDIR ")) {
                workdir = line.substring(8).strip();
            } else if (upper.startsWith("ENTRYPOINT ")) {
                entrypoint = new ArrayList<>();
                for (JsonNode part : JSON.readTree(line.substring(11))) {
                    entrypoint.add(part.asText());
                }
            }
        }
        if (entrypoint == null) {
            throw new IllegalArgumentException(dockerfile + ": its final stage has no ENTRYPOINT in exec form");
        }
        return new Image(env, workdir, entrypoint);
    }

    /** A .env file as Compose reads it: NAME=value lines, # comments, values taken as they are. */
    static Map<String, String> envFile(Path file) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(file + ": not NAME=value: " + line);
            }
            out.put(line.substring(0, eq).strip(), line.substring(eq + 1));
        }
        return out;
    }

    /** Compose's interpolation: $$, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, $NAME. */
    static String interpolate(String value, Map<String, String> vars) {
        Matcher m = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)")
                .matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else if (m.group(4) != null) {
                replacement = vars.getOrDefault(m.group(4), "");
            } else {
                String v = vars.get(m.group(1));
                String op = m.group(2);
                boolean unset = v == null || (op != null && op.startsWith(":") && v.isEmpty());
                if (op != null && op.endsWith("?") && unset) {
                    throw new IllegalArgumentException(m.group(1) + ": " + m.group(3));
                }
                replacement = unset && op != null && op.endsWith("-") ? m.group(3) : v == null ? "" : v;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String relocated(String value, Map<String, String> relocate) {
        // a JVM option naming a path (-XX:SharedArchiveFile=/opt/...): its path is relocated
        int eq = value.indexOf('=');
        if (value.startsWith("-") && eq > 0) {
            return value.substring(0, eq + 1) + relocated(value.substring(eq + 1), relocate);
        }
        for (Map.Entry<String, String> r : relocate.entrySet()) {
            if (value.equals(r.getKey()) || value.startsWith(r.getKey() + "/")) {
                return r.getValue() + value.substring(r.getKey().length());
            }
        }
        return value;
    }

    static String hosted(String value, Map<String, String> hosts) {
        for (Map.Entry<String, String> h : hosts.entrySet()) {
            value = value.replace("//" + h.getKey() + "/", "//" + h.getValue() + "/");
        }
        return value;
    }

    // ------------------------------------------------------------------ check

    static void check(Map<String, List<String>> o) throws Exception {
        String hub = one(o, "hub");
        String sandbox = one(o, "sandbox");
        Map<String, String> env = envFile(Path.of(one(o, "env-file")));
        String client = "erp:" + env.get("HUB_CLIENTS_ERP_SECRET");
        String operator = "ops:" + env.get("HUB_OPERATORS_OPS_SECRET");

        // an anonymous caller (a load balancer) learns the status alone; the operator sees the components
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(hub + "/actuator/health")), null);
        JsonNode health = JSON.readTree(anonymous.body());
        expect(anonymous.statusCode() == 200 && "UP".equals(health.path("status").asText()),
                "anonymous /actuator/health is 200 UP: " + anonymous.statusCode() + " " + anonymous.body());
        List<String> keys = new ArrayList<>();
        health.fieldNames().forEachRemaining(keys::add);
        // the status, and the names of the probe groups (liveness, readiness), never the components
        expect(List.of("status", "groups").containsAll(keys) && !health.has("components"),
                "anonymous /actuator/health gives the status alone, no components: " + anonymous.body());
        JsonNode full = JSON.readTree(send(HttpRequest.newBuilder(URI.create(hub + "/actuator/health")), operator).body());
        expect(full.path("components").has("db"), "the operator's /actuator/health names its components: " + full);
        pass("health: anonymous " + anonymous.body() + "; the operator sees components " + names(full.path("components")));

        // a payout through Monnify's simulator, released with the OTP Monnify mails to the merchant
        String messageId = "prod-start-" + UUID.randomUUID();
        ObjectNode payout = (ObjectNode) JSON.readTree("""
                {"messageId": "%s", "operation": "PAYOUT", "provider": "monnify",
                 "amount": {"value": "2500.00", "currency": "NGN"},
                 "destination": {"type": "BANK_ACCOUNT", "accountNumber": "2085886393", "bankCode": "057",
                                 "accountName": "Ada Obi"},
                 "narration": "Production start check"}
                """.formatted(messageId));
        HttpResponse<String> accepted = send(HttpRequest.newBuilder(URI.create(hub + "/api/v1/payments"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(payout.toString())), client);
        expect(accepted.statusCode() == 202, "the payout is accepted (202): " + accepted.statusCode() + " " + accepted.body());
        String id = JSON.readTree(accepted.body()).path("paymentId").asText();
        JsonNode payment = await(hub, id, client, p -> "SUCCEEDED".equals(p.path("status").asText())
                || "AWAITING_AUTHORIZATION".equals(p.path("reasonCode").asText()));
        if ("AWAITING_AUTHORIZATION".equals(payment.path("reasonCode").asText())) {
            String reference = payment.path("providerReference").asText();
            String otp = JSON.readTree(send(HttpRequest.newBuilder(URI.create(sandbox + "/sandbox/monnify/_control/otp/"
                    + reference)), null).body()).path("otp").asText();
            HttpResponse<String> authorized = send(HttpRequest.newBuilder(URI.create(hub + "/api/v1/payments/" + id
                    + "/authorization")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"otp\": \"" + otp + "\"}")), client);
            expect(authorized.statusCode() == 200, "the OTP releases the transfer: " + authorized.statusCode() + " " + authorized.body());
            pass("payout " + id + " waited for Monnify's OTP; the client's code released it");
        }
        payment = await(hub, id, client, p -> "SUCCEEDED".equals(p.path("status").asText()));
        JsonNode transfer = JSON.readTree(send(HttpRequest.newBuilder(URI.create(sandbox + "/sandbox/monnify/_control/transfers/"
                + payment.path("providerReference").asText())), null).body());
        expect(transfer.path("executions").asInt() == 1, "the simulator executed the transfer once: " + transfer);
        pass("payout " + id + " SUCCEEDED; Monnify's simulator (its own process, over TLS) executed it once");
    }

    interface Test {
        boolean ok(JsonNode payment);
    }

    static JsonNode await(String hub, String id, String client, Test test) throws Exception {
        Instant until = Instant.now().plusSeconds(60);
        JsonNode last = null;
        while (Instant.now().isBefore(until)) {
            last = JSON.readTree(send(HttpRequest.newBuilder(URI.create(hub + "/api/v1/payments/" + id)), client).body());
            if (test.ok(last)) {
                return last;
            }
            if (List.of("FAILED", "NEEDS_REVIEW", "REVERSED").contains(last.path("status").asText())) {
                break;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("payment " + id + " did not get there: " + last);
    }

    static HttpResponse<String> send(HttpRequest.Builder request, String credentials) throws Exception {
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void expect(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("FAILED: " + what);
        }
    }

    static void pass(String what) {
        System.out.println("  ok: " + what);
    }

    static String names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return String.join(", ", out);
    }

    // ------------------------------------------------------------------ options

    static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            }
            out.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[i + 1]);
        }
        return out;
    }

    static String one(Map<String, List<String>> o, String name) {
        List<String> v = o.get(name);
        if (v == null || v.size() != 1) {
            throw new IllegalArgumentException("--" + name + " is required once");
        }
        return v.get(0);
    }

    static Map<String, String> pairs(List<String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values == null ? List.<String>of() : values) {
            String[] kv = v.split("=", 2);
            out.put(kv[0], kv[1]);
        }
        return out;
    }

    static List<JsonNode> list(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node);
        }
        return out;
    }
}
