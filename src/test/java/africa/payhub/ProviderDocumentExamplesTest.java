package africa.payhub;

import africa.payhub.exchange.HubKeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import africa.payhub.canonical.Json;
import africa.payhub.payment.Carriers;
import africa.payhub.provider.PaymentSteps;
import africa.payhub.provider.Mappings;
import africa.payhub.provider.Outcomes;
import africa.payhub.provider.ProviderAuth;
import africa.payhub.provider.ProviderHttp;
import africa.payhub.provider.ProviderRejectedException;
import africa.sandbox.monnify.MonnifySignature;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The providers' own documents in the suite: every verbatim example of the five provider documents is a file
 * under {@code mappings/<provider>/fixtures/docs/}, named by the lines it comes from, and its
 * {@code index.yaml} says what the document says of it. Each is replayed through what the hub really runs:
 * <ul>
 *   <li>{@code answer}: a provider's answer through {@link ProviderHttp}'s reading of it ({@link Json}: a
 *       repeated key is read at its last value), then the response mapping and {@code statuses.yaml}, or, for a
 *       refusal, {@code error.jslt} and {@code errors.yaml} ({@link Outcomes#classify}); the index's
 *       {@code expect} names what must come out (canonical status, references, amounts, reason codes);</li>
 *   <li>{@code request}: the hub's request mapping on an input, through {@link ProviderHttp#begin}: the method,
 *       path and query must be the document's, and every field the hub sends must be the document's field
 *       with its value, every documented field sent, unless the index says why not ({@code extra},
 *       {@code differs}, {@code notSent});</li>
 *   <li>{@code login-request}, {@code login-answer}: the declared login, built and read by {@link ProviderAuth};</li>
 *   <li>{@code webhook}: posted over HTTP to {@code /webhooks/<provider>}, signed as the provider signs (the
 *       simulator's own signing code), and unsigned;</li>
 *   <li>{@code endpoint}: a call the document names by method and path only (a guide's step): the hub's
 *       request mapping must make that call with the fields the step names.</li>
 * </ul>
 * Where the document contradicts itself, the index says which line wins and why ({@code contradiction}); the
 * examples no replay can use are listed under {@code unused}, with why. With {@code -Dprovider.docs=<folder of
 * the documents>} every file is also checked to be exactly its document's lines.
 */
class ProviderDocumentExamplesTest extends HubTestSupport {

    static final Path MAPPINGS = Path.of("mappings");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern NAMED = Pattern.compile("(\\d{4})-(\\d{4})\\.[a-z0-9-]+\\.[a-z0-9-]+\\.(json|txt)");
    private static final String MONNIFY_SECRET = "SANDBOXSECRETKEY00000000000000001";

    @Autowired
    Mappings mappings;

    @Autowired
    ProviderHttp http;

    @Autowired
    Outcomes outcomes;

    @Autowired
    ProviderAuth auth;

    @Autowired
    JdbcClient jdbc;

    @TestFactory
    Stream<DynamicTest> everyDocumentedExampleIsReplayedThroughTheHub() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Index index : indexes()) {
            for (JsonNode example : index.examples()) {
                String name = index.provider() + " " + index.document() + " lines " + example.path("lines").get(0).asInt() + "-"
                        + example.path("lines").get(1).asInt() + " (" + example.path("replay").asText() + ")";
                tests.add(DynamicTest.dynamicTest(name, () -> replay(index, example)));
            }
        }
        assertThat(tests).hasSizeGreaterThan(Integer.getInteger("docs.min", 100));
        return tests.stream();
    }

    /** Every file is an example the index replays or lists as unused, named by the lines the index gives it. */
    @Test
    void everyFixtureIsIndexedAndNamedByItsLines() throws IOException {
        for (Index index : indexes()) {
            Map<String, JsonNode> named = new TreeMap<>();
            for (JsonNode e : index.all()) {
                String file = e.path("file").asText(null);
                if (file == null) {
                    assertThat(e.has("verbatim") || e.has("why")).as(index.dir() + ": an entry without a file quotes its line or says why").isTrue();
                    continue;
                }
                assertThat(named.put(file, e)).as(index.dir() + "/" + file + " indexed twice").isNull();
                Matcher m = NAMED.matcher(file);
                assertThat(m.matches()).as(file + " is named <first line>-<last line>.<what>.<kind>").isTrue();
                assertThat(List.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))))
                        .as(file + ": its name and its index entry give the same lines")
                        .containsExactly(e.path("lines").get(0).asInt(), e.path("lines").get(1).asInt());
                assertThat(index.dir().resolve(file)).as(file).exists();
            }
            try (Stream<Path> files = Files.list(index.dir())) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(f -> !f.equals("index.yaml")).sorted().toList())
                        .as(index.dir() + ": every file is indexed").containsExactlyElementsOf(named.keySet());
            }
        }
    }

    /** An example listed as unusable because it is not JSON is indeed not JSON to the hub either. */
    @Test
    void theExamplesListedAsNotJsonAreNotJson() throws IOException {
        int checked = 0;
        for (Index index : indexes()) {
            for (JsonNode e : index.unused()) {
                if (e.path("file").asText("").endsWith(".json")) {
                    String text = Files.readString(index.dir().resolve(e.get("file").asText()));
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.toNode(text)).as(e.get("file").asText())
                            .isInstanceOf(java.io.UncheckedIOException.class);
                    checked++;
                }
            }
        }
        assertThat(checked).isPositive();
    }

    /** With the documents at hand ({@code -Dprovider.docs=<folder>}): every file is its lines, byte for byte. */
    @Test
    void everyFixtureIsItsDocumentsLinesVerbatim() throws IOException {
        String docs = System.getProperty("provider.docs");
        Assumptions.assumeTrue(docs != null, "-Dprovider.docs=<folder of the provider documents> checks the files against them");
        for (Index index : indexes()) {
            List<String> lines = List.of(Files.readString(Path.of(docs, index.document()), StandardCharsets.UTF_8).split("\n", -1));
            for (JsonNode e : index.all()) {
                int from = e.path("lines").get(0).asInt();
                int to = e.path("lines").get(1).asInt();
                if (e.has("file")) {
                    String expected = String.join("\n", lines.subList(from - 1, to)) + "\n";
                    assertThat(Files.readString(index.dir().resolve(e.get("file").asText()), StandardCharsets.UTF_8))
                            .as(index.document() + " lines " + from + "-" + to).isEqualTo(expected);
                } else if (e.has("verbatim")) {
                    assertThat(String.join("\n", lines.subList(from - 1, to))).as(index.document() + " line " + from)
                            .contains(e.get("verbatim").asText());
                }
            }
        }
    }

    // ------------------------------------------------------------------ replays

    private void replay(Index index, JsonNode example) throws Exception {
        switch (example.path("replay").asText()) {
            case "answer" -> answer(index, example);
            case "request" -> request(index, example);
            case "endpoint" -> endpoint(index, example);
            case "login-request" -> loginRequest(index, example);
            case "login-answer" -> loginAnswer(index, example);
            case "webhook" -> webhook(index, example);
            default -> fail("unknown replay '" + example.path("replay").asText() + "' in " + index.dir());
        }
    }

    /** A provider's answer, read as the hub reads every answer, then mapped; a refusal classified. */
    private void answer(Index index, JsonNode example) throws Exception {
        String provider = index.provider();
        int status = example.path("httpStatus").asInt(200);
        byte[] body = example.has("file") ? Files.readAllBytes(index.dir().resolve(example.get("file").asText()))
                : example.path("body").asText("").getBytes(StandardCharsets.UTF_8);
        Exchange e = new DefaultExchange(camelContext);
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setBody(new ByteArrayInputStream(body)); // as the HTTP component hands it over
        http.check(provider, e);
        ObjectNode seen;
        try {
            http.verdict(provider, e);
            JsonNode out = mappings.transform(provider + "/" + example.path("mapping").asText(), e.getMessage().getBody());
            seen = out.isObject() ? (ObjectNode) out.deepCopy() : Json.object().set("value", out);
            if (out.hasNonNull("providerStatus")) {
                Carriers.StatusRule rule = mappings.status(provider, out.get("providerStatus").asText());
                seen.put("status", rule.status().name());
                if (!seen.hasNonNull("reasonCode") && rule.reasonCode() != null) {
                    seen.put("reasonCode", rule.reasonCode());
                }
            }
        } catch (ProviderRejectedException refused) {
            Outcomes.Rejection r = outcomes.classify(refused);
            seen = Json.object().put("outcome", r.rule().outcome().name()).put("reasonCode", r.rule().reasonCode())
                    .put("code", r.code()).put("message", r.message());
        }
        expect(example, seen);
    }

    /** The hub's request for the documented one: method, path, query and body, field by field. */
    private void request(Index index, JsonNode example) throws IOException {
        Sent sent = send(index, example);
        Documented doc = documented(index, example);
        assertThat(sent.method()).as("method").isEqualTo(doc.method());
        assertThat(sent.path()).as("path").matches(template(doc.path()));
        Map<String, String> problems = new TreeMap<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        compare("?", query(doc.query()), query(sent.query()), example, problems, used);
        if (doc.body() != null || sent.body() != null) {
            compare("", doc.body() == null ? Json.NODES.missingNode() : doc.body(),
                    sent.body() == null ? Json.NODES.missingNode() : sent.body(), example, problems, used);
        }
        assertThat(problems).as("what the hub sends against the document's example, field by field"
                + " (waive a difference in the index with extra, differs or notSent, saying why)").isEmpty();
        for (String kind : List.of("extra", "differs", "notSent")) {
            example.path(kind).fieldNames().forEachRemaining(waiver -> assertThat(used).as(kind + "." + waiver
                    + " waives no difference: the hub and the document agree there, so the index should not say otherwise")
                    .contains(kind + ":" + waiver));
        }
    }

    /** A call a document names by method and path only: the hub makes it, with the fields the document names. */
    private void endpoint(Index index, JsonNode example) throws IOException {
        Sent sent = send(index, example);
        String[] verbatim = example.path("verbatim").asText().trim().split("\\s+");
        assertThat(sent.method()).as("method").isEqualTo(verbatim[0]);
        // a base the document names by a variable ({{wallet_url}}) is the one the index gives (pathPrefix)
        String[] url = verbatim[1].replaceFirst("^\\{\\{[^}]+\\}\\}", example.path("pathPrefix").asText(""))
                .replaceAll("/:([A-Za-z]+)", "/{$1}").split("\\?", 2);
        assertThat(sent.path()).as("path").matches(template(url[0]));
        ObjectNode documented = query(url.length > 1 ? url[1] : null);
        documented.fields().forEachRemaining(q -> assertThat(query(sent.query()).path(q.getKey()).asText())
                .as("query " + q.getKey()).isEqualTo(q.getValue().asText()));
        for (JsonNode field : example.path("fields")) {
            String name = field.asText();
            boolean present = (sent.body() != null && !sent.body().findPath(name).isMissingNode())
                    || query(sent.query()).has(name);
            assertThat(present || example.path("notSent").has(name))
                    .as(name + " named by the document is sent (or notSent says why not)").isTrue();
        }
    }

    private void loginRequest(Index index, JsonNode example) throws IOException {
        Exchange e = new DefaultExchange(camelContext);
        e.setProperty(HubKeys.PROVIDER, index.provider());
        auth.loginRequest(e);
        Documented doc = documented(index, example);
        assertThat(String.valueOf(e.getMessage().getHeader(Exchange.HTTP_METHOD))).isEqualTo(doc.method());
        assertThat(e.getProperty(HubKeys.LOGIN_URL, String.class)).endsWith(doc.path());
        JsonNode sent = Json.toNode(e.getMessage().getBody(String.class));
        if (doc.body() != null) {
            assertThat(sent).isEqualTo(doc.body());
        }
        String authorization = e.getMessage().getHeader("Authorization", String.class);
        ObjectNode seen = Json.object().put("scheme", authorization == null ? "none" : authorization.split(" ")[0]);
        seen.set("fields", Json.NODES.arrayNode().addAll(iterate(sent.fieldNames()).stream().map(Json.NODES::textNode).toList()));
        expect(example, seen);
    }

    private static List<String> iterate(Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private void loginAnswer(Index index, JsonNode example) throws IOException {
        Exchange e = new DefaultExchange(camelContext);
        e.setProperty(HubKeys.PROVIDER, index.provider());
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setBody(Files.readString(index.dir().resolve(example.get("file").asText())));
        auth.loginAnswer(e);
        expect(example, (ObjectNode) Json.toNode(e.getMessage().getBody()));
    }

    /** Posted as the provider posts it, signed its way over the exact bytes; then unsigned, which is refused. */
    private void webhook(Index index, JsonNode example) throws IOException {
        byte[] body = Files.readAllBytes(index.dir().resolve(example.get("file").asText()));
        assertThat(index.provider()).as("webhooks are signed here as Monnify signs them").isEqualTo("monnify");
        Response signed = postBytes("/webhooks/" + index.provider(), body, "Content-Type", "application/json",
                MonnifySignature.HEADER, MonnifySignature.sign(body, MONNIFY_SECRET));
        assertThat(signed.status()).as(signed.body()).isEqualTo(example.path("expect").path("httpStatus").asInt());
        assertThat(jdbc.sql("SELECT outcome FROM provider_webhooks WHERE provider = :p AND body_sha256 = :sha AND signature_valid")
                .param("p", index.provider()).param("sha", Json.sha256(body)).query(String.class).list())
                .contains(example.path("expect").path("outcome").asText());
        Response unsigned = postBytes("/webhooks/" + index.provider(), body, "Content-Type", "application/json");
        assertThat(unsigned.status()).as("unsigned").isEqualTo(401);
    }

    // ------------------------------------------------------------------ the hub's side of a request

    private record Sent(String method, String path, String query, JsonNode body) {
    }

    /** The request mapping on the example's input, then ProviderHttp.begin: what would go on the wire. */
    private Sent send(Index index, JsonNode example) throws IOException {
        JsonNode input = input(index, example.path("input"));
        JsonNode mapped = mappings.transform(index.provider() + "/" + example.path("mapping").asText(), input);
        Exchange e = new DefaultExchange(camelContext);
        e.getMessage().setBody(mapped);
        http.begin(index.provider(), e);
        Object method = e.getMessage().getHeader(Exchange.HTTP_METHOD);
        String body = e.getMessage().getBody(String.class);
        return new Sent(method instanceof Enum<?> m ? m.name() : String.valueOf(method), e.getProperty(HubKeys.HTTP_PATH, String.class),
                e.getMessage().getHeader(Exchange.HTTP_QUERY, String.class), body == null ? null : Json.toNode(body));
    }

    /**
     * A mapping's input: {@code from} a golden fixture of the provider ({@code mappings/<p>/fixtures/<from>/canonical-in.json}),
     * or an empty object, then each {@code set} (a dotted path and its value) applied.
     */
    private JsonNode input(Index index, JsonNode spec) throws IOException {
        ObjectNode input = spec.has("from")
                ? (ObjectNode) Json.toNode(Files.readAllBytes(index.dir().getParent().resolve(spec.get("from").asText()).resolve("canonical-in.json")))
                : Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("set").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> set = it.next();
            String[] steps = set.getKey().split("\\.");
            ObjectNode at = input;
            for (int i = 0; i < steps.length - 1; i++) {
                at = at.with(steps[i]);
            }
            at.set(steps[steps.length - 1], set.getValue());
        }
        return input;
    }

    // ------------------------------------------------------------------ the document's side

    private record Documented(String method, String path, String query, JsonNode body) {
    }

    /**
     * The request the document shows: a JSON body with the section's {@code endpoint}, a curl command, or an
     * HTTP request (request line, headers, body). Where the example names another method or path than the
     * section's endpoint, the endpoint wins and the index must say why ({@code contradiction}).
     */
    private Documented documented(Index index, JsonNode example) throws IOException {
        if (!example.has("file")) {
            String[] verbatim = example.path("verbatim").asText().trim().split("\\s+");
            String[] url = verbatim[1].split("\\?", 2);
            return new Documented(verbatim[0], url[0], url.length > 1 ? url[1] : null, null);
        }
        String file = example.get("file").asText();
        String text = Files.readString(index.dir().resolve(file), StandardCharsets.UTF_8);
        String method = null;
        String url = null;
        JsonNode body = null;
        if (file.endsWith(".json")) {
            body = Json.toNode(text);
        } else if (text.startsWith("curl")) {
            Matcher m = Pattern.compile("--request (\\w+)").matcher(text);
            method = m.find() ? m.group(1) : "GET";
            StringBuilder joined = new StringBuilder();
            for (String line : text.split("\n")) {
                joined.append(line.startsWith("?") ? line.trim() : " " + line.trim());
            }
            for (String token : joined.toString().split("\\s+")) {
                if (token.contains("/api/")) {
                    url = token.substring(token.indexOf("/api/"));
                }
            }
            Matcher data = Pattern.compile("--data '([^']*)'").matcher(text);
            body = data.find() ? Json.toNode(data.group(1)) : null;
        } else {
            String[] parts = text.split("\n\n", 2);
            String[] requestLine = parts[0].split("\n")[0].split(" ");
            method = requestLine[0];
            url = requestLine[1];
            body = parts.length > 1 && !parts[1].isBlank() ? Json.toNode(parts[1]) : null;
        }
        String endpoint = example.path("endpoint").asText(null);
        if (endpoint != null) {
            String[] declared = endpoint.split(" ", 2);
            boolean same = (method == null || method.equals(declared[0])) && (url == null || url.split("\\?")[0].equals(declared[1].split("\\?")[0]));
            assertThat(same || example.hasNonNull("contradiction"))
                    .as(file + " names " + method + " " + url + " where its section says " + endpoint
                            + ": the index says which wins (contradiction)").isTrue();
            method = declared[0];
            url = url != null && url.contains("?") && !declared[1].contains("?") ? declared[1] + url.substring(url.indexOf('?')) : declared[1];
        }
        assertThat(method).as(file + ": no method (give the section's endpoint)").isNotNull();
        String[] pathAndQuery = url.split("\\?", 2);
        return new Documented(method, pathAndQuery[0], pathAndQuery.length > 1 ? pathAndQuery[1] : null, body);
    }

    /** A documented path as a pattern: {@code {name}} is any one segment. */
    private static String template(String path) {
        return Pattern.quote(path).replaceAll("\\{[^}]+\\}", "\\\\E[^/]+\\\\Q");
    }

    private static ObjectNode query(String query) {
        ObjectNode out = Json.object();
        if (query == null || query.isBlank()) {
            return out;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    // ------------------------------------------------------------------ comparisons

    /**
     * The document's value and the hub's, leaf by leaf. A placeholder the hub fills in after recording (a card
     * field, a secret) stands for a string. Differences not waived by the index are collected.
     */
    private static void compare(String at, JsonNode doc, JsonNode hub, JsonNode example, Map<String, String> problems,
                                java.util.Set<String> used) {
        if (placeholder(hub)) {
            if (!doc.isMissingNode() && !doc.isTextual()) {
                note(problems, used, example, "differs", at, "the hub sends a string, the document " + doc.getNodeType());
            }
            if (doc.isMissingNode()) {
                note(problems, used, example, "extra", at, "the hub sends it; the document's example has no " + at);
            }
            return;
        }
        if ((doc.isObject() && hub.isObject()) || (doc.isArray() && hub.isArray())) {
            Map<String, JsonNode[]> both = new LinkedHashMap<>();
            if (doc.isObject()) {
                doc.fields().forEachRemaining(f -> both.computeIfAbsent(f.getKey(), k -> new JsonNode[2])[0] = f.getValue());
                hub.fields().forEachRemaining(f -> both.computeIfAbsent(f.getKey(), k -> new JsonNode[2])[1] = f.getValue());
            } else {
                for (int i = 0; i < Math.max(doc.size(), hub.size()); i++) {
                    both.put(String.valueOf(i), new JsonNode[] {doc.get(i), hub.get(i)});
                }
            }
            both.forEach((key, pair) -> compare(at.isEmpty() || at.equals("?") ? at + key : at + "." + key,
                    pair[0] == null ? Json.NODES.missingNode() : pair[0], pair[1] == null ? Json.NODES.missingNode() : pair[1],
                    example, problems, used));
            return;
        }
        if (hub.isMissingNode() && doc.isMissingNode()) {
            return;
        }
        if (hub.isMissingNode()) {
            note(problems, used, example, "notSent", at, "the document's example has " + doc + "; the hub sends nothing");
        } else if (doc.isMissingNode()) {
            note(problems, used, example, "extra", at, "the hub sends " + hub + "; the document's example has no such field");
        } else if (!same(doc, hub)) {
            note(problems, used, example, "differs", at, "the document's example has " + doc + ", the hub sends " + hub);
        }
    }

    private static boolean same(JsonNode doc, JsonNode hub) {
        if (doc.isNumber() && hub.isNumber()) {
            return doc.decimalValue().compareTo(hub.decimalValue()) == 0;
        }
        return doc.getNodeType() == hub.getNodeType() && doc.asText().equals(hub.asText());
    }

    private static boolean placeholder(JsonNode n) {
        return n.isObject() && n.size() == 1 && (n.has("_transient") || n.has("_secret"));
    }

    /** A difference, unless the index waives it under {@code kind} (a path, or a path with {@code *} for any index). */
    private static void note(Map<String, String> problems, java.util.Set<String> used, JsonNode example, String kind,
                             String at, String what) {
        for (Iterator<String> it = example.path(kind).fieldNames(); it.hasNext(); ) {
            String waived = it.next();
            if (at.matches(Pattern.quote(waived).replace("*", "\\E[^.]+\\Q")) || at.startsWith(waived + ".")) {
                used.add(kind + ":" + waived);
                return;
            }
        }
        problems.put(at, kind + ": " + what);
    }

    /** Each {@code expect} path (dotted; {@code name#} is the size of a list) holds the expected value. */
    private static void expect(JsonNode example, ObjectNode seen) {
        for (Iterator<Map.Entry<String, JsonNode>> it = example.path("expect").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> want = it.next();
            String path = want.getKey();
            boolean size = path.endsWith("#");
            JsonNode at = seen;
            for (String step : (size ? path.substring(0, path.length() - 1) : path).split("\\.")) {
                at = at.isArray() && step.matches("\\d+") ? at.path(Integer.parseInt(step)) : at.path(step);
            }
            JsonNode expected = want.getValue();
            String as = path + " in " + seen;
            if (size) {
                assertThat(at.size()).as(as).isEqualTo(expected.asInt());
            } else if (expected.isNull()) {
                assertThat(at.isNull() || at.isMissingNode()).as(as).isTrue();
            } else if (expected.isNumber() && at.isNumber()) {
                assertThat(at.decimalValue()).as(as).isEqualByComparingTo(expected.decimalValue());
            } else {
                assertThat(at.isMissingNode() ? null : at.asText()).as(as).isEqualTo(expected.asText());
            }
        }
    }

    // ------------------------------------------------------------------ the indexes

    /** One provider's documented examples: {@code mappings/<provider>/fixtures/docs/index.yaml}. */
    record Index(Path dir, String provider, String document, JsonNode examples, JsonNode unused) {
        List<JsonNode> all() {
            List<JsonNode> out = new ArrayList<>();
            examples.forEach(out::add);
            unused.forEach(out::add);
            return out;
        }
    }

    static List<Index> indexes() throws IOException {
        List<Index> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(MAPPINGS)) {
            for (Path provider : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path file = provider.resolve("fixtures/docs/index.yaml");
                if (Files.exists(file)) {
                    JsonNode index = YAML.readTree(file.toFile());
                    out.add(new Index(file.getParent(), provider.getFileName().toString(), index.path("document").asText(),
                            index.path("examples").isArray() ? index.get("examples") : Json.NODES.arrayNode(),
                            index.path("unused").isArray() ? index.get("unused") : Json.NODES.arrayNode()));
                }
            }
        }
        assertThat(out).extracting(Index::provider).containsExactlyInAnyOrder("connect", "dollr", "monnify", "stub", "waas");
        return out;
    }
}
