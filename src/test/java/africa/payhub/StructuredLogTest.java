package africa.payhub;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.payment.PaymentLog;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With structured logs on ({@code logging.structured.format.console=ecs}, the prod default), a payment's
 * lines are JSON carrying {@code paymentId}, {@code messageId}, {@code clientId} and, on the request's own
 * thread, the caller's {@code requestId}. The test encodes PaymentLog's lines with Spring Boot's own
 * ECS encoder, as the console appender does in production.
 */
class StructuredLogTest extends HubTestSupport {

    @Test
    void aPaymentsLogLinesCarryItsIdsAndTheRequestId() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat("ecs");
        encoder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        Logger logger = context.getLogger(PaymentLog.class);
        logger.addAppender(appender);
        try {
            String messageId = messageId("logged");
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/payments"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(CLIENT.getBytes(StandardCharsets.UTF_8)))
                    .header("X-Request-Id", "erp-batch-7-line-3")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(payout(messageId, "2085886393", "5.00")))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(202);
            String id = Json.toNode(r.body()).path("paymentId").asText();
            awaitStatus(id, "SUCCEEDED");
            await().untilAsserted(() -> assertThat(lines(out, id)).anyMatch(l -> l.path("message").asText().contains("-> SUCCEEDED")));

            List<JsonNode> lines = lines(out, id);
            JsonNode accepted = lines.stream().filter(l -> l.path("message").asText().contains("accepted")).findFirst().orElseThrow();
            assertThat(accepted.path("requestId").asText()).isEqualTo("erp-batch-7-line-3");
            assertThat(accepted.path("clientId").asText()).isEqualTo("demo-erp");
            assertThat(accepted.path("messageId").asText()).isEqualTo(messageId);
            assertThat(accepted.path("log").path("level").asText()).isEqualTo("INFO");
            JsonNode succeeded = lines.stream().filter(l -> l.path("message").asText().contains("-> SUCCEEDED")).findFirst().orElseThrow();
            assertThat(succeeded.path("messageId").asText()).isEqualTo(messageId);
            assertThat(succeeded.path("clientId").asText()).isEqualTo("demo-erp");
        } finally {
            logger.detachAppender(appender);
            appender.stop();
        }
    }

    /** The JSON lines written for one payment. */
    private static List<JsonNode> lines(ByteArrayOutputStream out, String paymentId) {
        List<JsonNode> found = new ArrayList<>();
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                JsonNode n = Json.toNode(line);
                if (paymentId.equals(n.path("paymentId").asText())) {
                    found.add(n);
                }
            }
        }
        return found;
    }
}
