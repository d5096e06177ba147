package africa.payhub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.awaitility.Awaitility;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub as a user meets it: one shared Spring context (one embedded PostgreSQL, the sandbox providers)
 * serving real HTTP on a free port, with routes and mappings copied to a scratch hub home so a test may
 * edit them. Every test class extends this, so they all share that one context.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
public abstract class HubTestSupport {

    protected static final int PORT = freePort();
    protected static final Path HOME = scratchHome();
    protected static final String BASE = "http://localhost:" + PORT;

    protected static final String CLIENT = "demo-erp:demo-erp-secret";
    protected static final String OTHER_CLIENT = "other-erp:other-erp-secret";
    protected static final String OPERATOR = "ops:ops-secret";
    protected static final String CALLBACK_SECRET = "demo-erp-callback-secret";

    protected static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    }

    @DynamicPropertySource
    static void hubProperties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("hub.home", HOME::toString);
        ProviderAsDataTest.settings(registry, BASE);
    }

    // ------------------------------------------------------------------ HTTP helpers

    protected static Response post(String path, String body, String credentials) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        return send(b, credentials);
    }

    protected static Response postBytes(String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b, null);
    }

    protected static Response get(String path, String credentials) {
        return send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30)).GET(), credentials);
    }

    private static Response send(HttpRequest.Builder b, String credentials) {
        if (credentials != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpRequest request = b.build();
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            // every answer of the API obeys the published document (ResponseContract), so drift fails the test
            ResponseContract.INSTANCE.check(request.method(), request.uri(), r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(null), r.body());
            return new Response(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP answer with its body parsed as JSON when it is JSON. */
    public record Response(HttpResponse<String> raw) {
        public int status() {
            return raw.statusCode();
        }

        public JsonNode json() {
            return Json.toNode(raw.body());
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String body() {
            return raw.body();
        }
    }

    // ------------------------------------------------------------------ payments

    /** A unique message id, so tests never collide in the shared database. */
    protected static String messageId(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A canonical PAYOUT to the given destination account (which picks the Monnify sandbox scenario). */
    protected static ObjectNode payout(String messageId, String destinationAccount, String amount) {
        ObjectNode m = Json.object();
        m.put("messageId", messageId);
        m.put("operation", "PAYOUT");
        m.put("provider", "monnify");
        m.set("amount", Json.object().put("value", amount).put("currency", "NGN"));
        m.set("destination", Json.object().put("type", "BANK_ACCOUNT").put("accountNumber", destinationAccount)
                .put("bankCode", "057").put("accountName", "Ada Obi"));
        m.set("customer", Json.object().put("name", "Ada Obi").put("email", "ada@example.com").put("phone", "2348012345678"));
        m.put("narration", "November salary");
        m.set("metadata", Json.object().put("batch", "nov"));
        return m;
    }

    protected static JsonNode submit(ObjectNode message) {
        Response r = post("/api/v1/payments", Json.write(message), CLIENT);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json();
    }

    protected static JsonNode payment(String paymentId) {
        Response r = get("/api/v1/payments/" + paymentId, CLIENT);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    protected static JsonNode awaitStatus(String paymentId, String status) {
        Awaitility.await().untilAsserted(() -> assertThat(payment(paymentId).path("status").asText()).isEqualTo(status));
        return payment(paymentId);
    }

    protected static JsonNode timeline(String paymentId) {
        Response r = get("/api/v1/payments/" + paymentId + "/events", CLIENT);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** What the Monnify sandbox saw for a reference: requests, executions, status. */
    protected static JsonNode monnify(String reference) {
        return get("/sandbox/monnify/_control/transfers/" + reference, null).json();
    }

    /** Closes a provider's circuit breaker, so a test that made a provider fail leaves no trace on the next. */
    protected void closeCircuitBreaker(String provider) {
        breaker(provider).transitionToCloseState();
    }

    protected org.apache.camel.component.resilience4j.ResilienceProcessor breaker(String provider) {
        return (org.apache.camel.component.resilience4j.ResilienceProcessor) camelContext.getRoute(provider + "-http")
                .filter("*").stream().filter(org.apache.camel.component.resilience4j.ResilienceProcessor.class::isInstance)
                .findFirst().orElseThrow();
    }

    @org.springframework.beans.factory.annotation.Autowired
    protected org.apache.camel.CamelContext camelContext;

    // ------------------------------------------------------------------ set-up

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path scratchHome() {
        try {
            Path project = Path.of("").toAbsolutePath();
            Path home = project.resolve("target/test-hub/" + UUID.randomUUID().toString().substring(0, 8));
            copy(project.resolve("routes"), home.resolve("routes"));
            copy(project.resolve("mappings"), home.resolve("mappings"));
            // providers the tests define by files alone (src/test/resources/hub-home, laid out as a hub home)
            if (Files.isDirectory(ProviderFolderTest.TEST_HOME)) {
                copy(ProviderFolderTest.TEST_HOME.toAbsolutePath(), home);
            }
            ProviderAsDataTest.declare(home);
            shortenDeclaredWindows(home);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The windows providers declare in minutes, in seconds here, as the other timings of the test profile: Monnify's
     * "not found" holds for its three status queries over a second, not ten minutes, before a resend.
     */
    private static void shortenDeclaredWindows(Path home) throws IOException {
        Path monnify = home.resolve("routes/providers/monnify/monnify.provider.yaml");
        String declared = Files.readString(monnify);
        String shortened = declared.replace("notFound: { queries: 3, over: 10m }", "notFound: { queries: 3, over: 1s }");
        if (shortened.equals(declared)) {
            throw new IllegalStateException("monnify.provider.yaml no longer declares notFound { queries: 3, over: 10m }");
        }
        Files.writeString(monnify, shortened);
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
