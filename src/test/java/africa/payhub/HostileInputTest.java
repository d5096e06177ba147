package africa.payhub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an anonymous caller or a client with a valid login can send that no well-behaved system would:
 * bytes that are not UTF-8, control characters, line breaks at the end of a value, oversized and
 * trickled bodies, form posts, the error page itself. Every answer is a 4xx problem document and no row
 * is stored for it.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest extends HubTestSupport {

    private static final byte[] NOT_UTF8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};

    @Autowired
    JdbcClient jdbc;

    @Test
    void bytesThatAreNotUtf8AreA400EverywhereBeforeAnythingIsRecorded() {
        for (String path : List.of("/webhooks/monnify", "/partners/connect/status-check", "/api/v1/payments")) {
            Response r = postBytes(path, NOT_UTF8, "Content-Type", "application/json",
                    "Authorization", path.startsWith("/api") ? basic(CLIENT) : basic("connect-partner:partner-sandbox-password"));
            problem(r, 400);
        }
        assertThat(webhookRows(NOT_UTF8)).isZero();
    }

    @Test
    void controlCharactersAndTrailingLineBreaksAreRefused() {
        List<ObjectNode> hostile = List.of(
                payout(messageId("nul") + "\u0000", "2085886393", "10.00"),
                payout(messageId("nl") + "\n", "2085886393", "10.00"),
                payout(messageId("crlf"), "2085886393", "10.00\n"),
                with(payout(messageId("cur"), "2085886393", "10.00"), m -> ((ObjectNode) m.get("amount")).put("currency", "NGN\n")),
                with(payout(messageId("acct"), "2085886393", "10.00"), m -> ((ObjectNode) m.get("destination")).put("accountNumber", "2085886393\n")),
                with(payout(messageId("nar"), "2085886393", "10.00"), m -> m.put("narration", "salary\u0000DROP TABLE payments")),
                with(payout(messageId("key"), "2085886393", "10.00"), m -> ((ObjectNode) m.get("metadata")).put("bat\u0000ch", "x")),
                with(payout(messageId("bidi"), "2085886393", "10.00"), m -> m.put("messageId", "abc\u202Edef")));
        for (ObjectNode m : hostile) {
            Response r = post("/api/v1/payments", Json.write(m), CLIENT);
            problem(r, 400);
            assertThat(r.body()).doesNotContain("DROP TABLE");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE message_id ~ '[\\n\\r]' OR strpos(message::text, '\\u0000') > 0")
                .query(Long.class).single()).isZero();
    }

    @Test
    void nulAndBrokenTextAreA400ProblemOnEveryDoorNeverA500OrAStackTrace(CapturedOutput output) throws IOException {
        long rows = jdbc.sql("SELECT count(*) FROM provider_webhooks").query(Long.class).single();
        int logLength = output.getAll().length();
        // query parameters, as clients and operators send them
        for (String path : List.of("/api/v1/payments?messageId=a%00b", "/api/v1/batches?messageId=a%00b",
                "/api/v1/data-requests?requestId=a%00b", "/api/v1/payments?messageId=a%01b",
                "/api/v1/payments?messageId=%ED%A0%80", "/api/v1/payments/abc/events?limit=1%00")) {
            problem(get(path, CLIENT), 400);
        }
        for (String path : List.of("/api/v1/payments?reference=a%00b", "/api/v1/payments?provider=a%00b",
                "/api/v1/payments?operation=a%00b", "/api/v1/callbacks?status=a%00b", "/api/v1/ops/webhooks?provider=a%00b",
                "/api/v1/providers/monnify/wallet-balance?walletReference=a%00b")) {
            problem(get(path, OPERATOR), 400);
        }
        String broken = raw("GET /api/v1/payments?messageId=%ZZ HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic(CLIENT)
                + "\r\nConnection: close\r\n\r\n", out -> { });
        assertThat(broken).startsWith("HTTP/1.1 400").contains("application/problem+json");
        // a path Tomcat itself refuses, and one it lets through
        Response nulPath = get("/api/v1/payments/abc%00", CLIENT);
        problem(nulPath, 400);
        assertThat(nulPath.body()).doesNotContain("<html");
        problem(get("/api/v1/payments/abc%01", CLIENT), 400);
        problem(postBytes("/webhooks/monnify%00", "{}".getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json"), 400);
        // bodies: an escaped NUL or half a surrogate pair, in a value or a key, on every kind of endpoint
        String partner = basic("connect-partner:partner-sandbox-password");
        for (String body : List.of("{\"signature\":\"a\\u0000b.c\"}", "{\"reference\":\"a\\u0000b\"}",
                "{\"a\\u0000\":1}", "{\"reference\":\"\\ud800\"}", "{\"x\":[{\"y\":\"\\udc00z\"}]}")) {
            for (String path : List.of("/webhooks/stub", "/webhooks/monnify", "/partners/connect/status-check")) {
                problem(postBytes(path, body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json",
                        "Authorization", partner), 400);
            }
            for (String path : List.of("/api/v1/payments", "/api/v1/data-requests", "/api/v1/lookups",
                    "/api/v1/payments/abc/authorization", "/api/v1/payments/abc/card")) {
                problem(post(path, body, CLIENT), 400);
            }
            for (String path : List.of("/api/v1/providers/monnify/create-wallet", "/api/v1/payments/abc/resolution",
                    "/api/v1/ops/reconciliations")) {
                problem(post(path, body, OPERATOR), 400);
            }
        }
        Response named = post("/api/v1/payments", "{\"metadata\":{\"note\":\"a\\u0000b\"}}", CLIENT);
        assertThat(named.json().path("errors").get(0).path("field").asText()).isEqualTo("metadata.note");
        assertThat(jdbc.sql("SELECT count(*) FROM provider_webhooks").query(Long.class).single()).isEqualTo(rows);
        String log = output.getAll().substring(logLength);
        assertThat(log).doesNotContain("Unexpected error").doesNotContain("PSQLException").doesNotContain("\tat ");
    }

    @Test
    void metadataIsBoundedInKeysDepthAndSize() {
        java.util.function.IntFunction<ObjectNode> keys = n -> {
            ObjectNode m = payout(messageId("meta"), "2085886393", "10.00");
            ObjectNode meta = (ObjectNode) m.get("metadata");
            for (int i = 0; i < n; i++) {
                meta.put("k" + i, "v");
            }
            return m;
        };
        ObjectNode thousands = keys.apply(13_500);
        Response flood = post("/api/v1/payments", Json.write(thousands), CLIENT);
        problem(flood, 400);
        assertThat(flood.json().path("errors").get(0).path("field").asText()).isEqualTo("metadata");
        Response sixty = post("/api/v1/payments", Json.write(keys.apply(60)), CLIENT);
        problem(sixty, 400);
        assertThat(sixty.json().path("errors").get(0).path("message").asText()).contains("at most 50");
        ObjectNode deep = payout(messageId("meta-deep"), "2085886393", "10.00");
        ((ObjectNode) deep.get("metadata")).set("a", Json.object().set("b", Json.object().set("c", Json.object()
                .set("d", Json.object().put("e", 1)))));
        problem(post("/api/v1/payments", Json.write(deep), CLIENT), 400);
        ObjectNode large = payout(messageId("meta-big"), "2085886393", "10.00");
        ((ObjectNode) large.get("metadata")).put("note", "x".repeat(5_000));
        problem(post("/api/v1/payments", Json.write(large), CLIENT), 400);
        String nested = "[".repeat(40) + "]".repeat(40);
        problem(post("/api/v1/payments", "{\"metadata\":{\"a\":" + nested + "}}", CLIENT), 400);
        for (ObjectNode m : List.of(thousands, deep, large)) {
            assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE message_id = :m").param("m", m.path("messageId").asText())
                    .query(Long.class).single()).isZero();
        }
        // what a client really sends passes
        assertThat(post("/api/v1/payments", Json.write(keys.apply(49)), CLIENT).status()).isEqualTo(202);
    }

    @Test
    void aBodyLargerThanTheLimitIsRefusedWhileReadingBeforeAuthentication() throws IOException {
        byte[] big = new byte[300_000];
        java.util.Arrays.fill(big, (byte) 'a');
        problem(postBytes("/webhooks/monnify", big, "Content-Type", "application/json"), 413);
        problem(postBytes("/partners/connect/status-check", big, "Content-Type", "application/json"), 413);
        problem(postBytes("/api/v1/payments", big, "Content-Type", "application/json"), 413);
        assertThat(webhookRows(big)).isZero();

        // a body sent in chunks, with no length announced, is cut off at the limit too
        String answer = raw("POST /webhooks/monnify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n", out -> {
                    byte[] chunk = new byte[16_384];
                    java.util.Arrays.fill(chunk, (byte) 'b');
                    for (int i = 0; i < 20; i++) {
                        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                });
        assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json");
    }

    @Test
    void aBodyTrickledSlowlyIsCutOffAtTheDeadline() throws IOException {
        long before = forged();
        // announces 1000 bytes, sends one every 200 ms: the deadline (1.5 s here) ends it with a 408
        String answer = raw("POST /webhooks/monnify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n", out -> {
                    for (int i = 0; i < 15; i++) {
                        try {
                            out.write('{');
                            out.flush();
                            Thread.sleep(200);
                        } catch (IOException closed) {
                            return;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
        assertThat(answer).startsWith("HTTP/1.1 408").contains("application/problem+json");
        assertThat(forged()).isEqualTo(before);
        Response health = get("/actuator/health", OPERATOR);
        assertThat(health.json().path("components").path("requests").path("details").path("slowBodiesCutOff").asLong())
                .isPositive();
    }

    @Test
    void formPostsAndTheErrorPageAnswerProblems() {
        Response form = postBytes("/webhooks/monnify", "eventType=SUCCESSFUL_DISBURSEMENT&x=1".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded");
        problem(form, 415);
        problem(postBytes("/partners/connect/status-check", "reference=x".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/x-www-form-urlencoded"), 415);
        problem(get("/error", null), 404);
        problem(get("/no/such/path", null), 404);
    }

    @Test
    void repeatedWrongLoginsLockTheNameOutEvenWithTheRightSecret() {
        for (int i = 0; i < 5; i++) {
            problem(get("/api/v1/payments?messageId=x", "other-erp:guess-" + i), 401);
        }
        Response locked = get("/api/v1/payments?messageId=x", OTHER_CLIENT);
        problem(locked, 429);
        assertThat(locked.header("Retry-After")).isNotBlank();
        // the lockout ends (3 s here) and the right secret works again
        org.awaitility.Awaitility.await().untilAsserted(() ->
                assertThat(get("/api/v1/payments?messageId=x", OTHER_CLIENT).status()).isEqualTo(200));
    }

    @Test
    void aPartnerCannotGrowATimelineWithoutEndAndTimelinesArePaged() {
        ObjectNode topup = Json.object().put("messageId", messageId("cap")).put("operation", "WALLET_TOPUP").put("provider", "connect");
        topup.set("amount", Json.object().put("value", "5.00").put("currency", "ETB"));
        topup.set("destination", Json.object().put("type", "WALLET").put("phone", "251911000001"));
        String id = submit(topup).path("paymentId").asText();
        String reference = payment(id).path("providerReference").asText();
        for (int i = 0; i < 25; i++) {
            assertThat(post("/partners/connect/status-check", "{\"reference\":\"" + reference + "\"}",
                    "connect-partner:partner-sandbox-password").status()).isEqualTo(200);
        }
        long recorded = jdbc.sql("SELECT count(*) FROM payment_events WHERE payment_id = :id AND type = 'PARTNER_STATUS_CHECK'")
                .param("id", id).query(Long.class).single();
        assertThat(recorded).isEqualTo(20);

        Response first = get("/api/v1/payments/" + id + "/events?limit=5", CLIENT);
        assertThat(first.json().path("events")).hasSize(5);
        String next = first.json().path("next").asText();
        assertThat(next).startsWith("?after=");
        Response second = get("/api/v1/payments/" + id + "/events" + next, CLIENT);
        assertThat(second.json().path("events").get(0).path("sequence").asLong())
                .isGreaterThan(first.json().path("events").get(4).path("sequence").asLong());
        problem(get("/api/v1/payments/" + id + "/events?limit=0", CLIENT), 400);
        problem(get("/api/v1/payments/" + id + "/events?limit=abc", CLIENT), 400);
        problem(get("/api/v1/payments/" + id + "/events?limit=100000", CLIENT), 400);
    }

    // ------------------------------------------------------------------ helpers

    static void problem(Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(r.body()).startsWith("application/problem+json");
        assertThat(r.json().path("status").asInt()).isEqualTo(status);
    }

    private static ObjectNode with(ObjectNode m, java.util.function.Consumer<ObjectNode> change) {
        change.accept(m);
        return m;
    }

    private long webhookRows(byte[] body) {
        return jdbc.sql("SELECT count(*) FROM provider_webhooks WHERE body_sha256 = :sha")
                .param("sha", Json.sha256(body)).query(Long.class).single();
    }

    /** Webhook rows that failed verification (the sandbox's own webhooks are verified). */
    private long forged() {
        return jdbc.sql("SELECT count(*) FROM provider_webhooks WHERE NOT signature_valid").query(Long.class).single();
    }

    static String basic(String credentials) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** One request over a raw socket, written as given; the answer's first bytes. */
    static String raw(String head, Body body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", PORT)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                body.write(out);
                out.flush();
            } catch (IOException closedByTheHub) {
                // the hub answered and closed before the body was sent: read what it said
            }
            InputStream in = s.getInputStream();
            byte[] answer = in.readNBytes(2048);
            return new String(answer, StandardCharsets.ISO_8859_1);
        }
    }
}
