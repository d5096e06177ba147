package africa.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulators as their own process would run them ({@link SandboxApplication}, its own context and
 * port, no hub): a Monnify login and a single transfer over HTTP, then the simulator's own record.
 */
class StandaloneSandboxTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ConfigurableApplicationContext sandbox;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        Path data = Files.createTempDirectory("sandbox-standalone");
        sandbox = SandboxApplication.application().run("--server.port=0", "--sandbox.data-directory=" + data,
                "--sandbox.hub-base-url=http://localhost:9");
        base = "http://localhost:" + ((WebServerApplicationContext) sandbox).getWebServer().getPort() + "/sandbox/monnify";
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void monnifyLoginAndSingleTransferAreRecordedByTheSimulator() throws Exception {
        assertThat(sandbox.getBeanNamesForType(javax.sql.DataSource.class)).isEmpty();

        HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login"))
                .header("Authorization", Credentials.basicHeader("MK_TEST_SANDBOX0001", "wrong"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(refused.statusCode()).isEqualTo(401);

        HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login"))
                .header("Authorization", Credentials.basicHeader("MK_TEST_SANDBOX0001", "SANDBOXSECRETKEY00000000000000001"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(login.statusCode()).isEqualTo(200);
        String token = json(login).path("responseBody").path("accessToken").asText();
        assertThat(token).isNotBlank();

        String reference = "HUBSTANDALONE" + System.nanoTime();
        String transfer = """
                {"amount": 2500.00, "reference": "%s", "narration": "November salary", "destinationBankCode": "057",
                 "destinationAccountNumber": "2085886393", "currency": "NGN", "sourceAccountNumber": "3934178936"}
                """.formatted(reference);
        HttpResponse<String> sent = send(HttpRequest.newBuilder(URI.create(base + "/api/v2/disbursements/single"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(transfer)));
        assertThat(sent.statusCode()).isEqualTo(200);
        // as at Monnify, the transfer waits for the OTP mailed to the merchant; nothing is paid before it
        assertThat(json(sent).path("responseBody").path("status").asText()).isEqualTo("PENDING_AUTHORIZATION");
        JsonNode held = json(send(HttpRequest.newBuilder(URI.create(base + "/_control/transfers/" + reference)).GET()));
        assertThat(held.path("executions").asInt()).isZero();
        String otp = json(send(HttpRequest.newBuilder(URI.create(base + "/_control/otp/" + reference)).GET())).path("otp").asText();
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(base + "/api/v2/disbursements/single/validate-otp"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reference\": \"" + reference + "\", \"authorizationCode\": \"x\"}")));
        assertThat(wrong.statusCode()).isEqualTo(400);
        HttpResponse<String> released = send(HttpRequest.newBuilder(URI.create(base + "/api/v2/disbursements/single/validate-otp"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reference\": \"" + reference + "\", \"authorizationCode\": \"" + otp + "\"}")));
        assertThat(json(released).path("responseBody").path("status").asText()).isEqualTo("SUCCESS");

        JsonNode record = json(send(HttpRequest.newBuilder(URI.create(base + "/_control/transfers/" + reference)).GET()));
        assertThat(record.path("requests").asInt()).isEqualTo(1);
        assertThat(record.path("executions").asInt()).isEqualTo(1);
        assertThat(record.path("status").asText()).isEqualTo("SUCCESS");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return SandboxJson.tryParse(response.body());
    }
}
