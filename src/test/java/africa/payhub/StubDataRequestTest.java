package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.callback.CallbackDelivery;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Data requests through the stub Connect simulator, over real HTTP: an enterprise system asks for a
 * business's data, the hub sends the pull with a fresh token as stub's echoed signature, stub answers later
 * at the hub's webhook, the hub stores the result and calls the system back, signed.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class StubDataRequestTest extends HubTestSupport {

    private static final String APIKEY = "sk_test_sandbox0001";
    private static final String APPID = "payment-hub-sandbox";

    private final CallbackReceiver receiver = CallbackReceiver.get();

    @Autowired
    JdbcClient jdbc;

    @Test
    void eachPullKindGoesFromRequestToWebhookToStoredResultToCallback(CapturedOutput output) {
        String[][] kinds = {{"BUSINESSES", null}, {"INSIGHTS", "biz_7Hq2"}, {"EXPENSES", "biz_7Hq2"},
                {"INCOME", "biz_7Hq2"}, {"BANK_FEED", "biz_7Hq2"}};
        for (String[] k : kinds) {
            String path = "/data/" + messageId(k[0].toLowerCase());
            ObjectNode request = request(k[0], k[1], path);
            if (k[1] == null) {
                request.put("email", "ama@example.com");
            }
            JsonNode accepted = create(request);
            assertThat(accepted.path("status").asText()).isIn("ACCEPTED", "REQUESTED", "COMPLETED");
            String id = accepted.path("dataRequestId").asText();
            JsonNode done = awaitDataStatus(id, "COMPLETED");
            assertThat(done.path("provider").asText()).isEqualTo("stub");

            JsonNode page = get("/api/v1/data-requests/" + id + "/result?page=1", CLIENT).json();
            switch (k[0]) {
                case "BUSINESSES" -> assertThat(page.path("items").get(0).path("uid").asText()).isEqualTo("biz_7Hq2");
                case "INSIGHTS" -> assertThat(page.path("result").path("profit").asText()).isEqualTo("16332.55");
                case "EXPENSES", "INCOME" -> assertThat(page.path("totalItems").asInt()).isEqualTo(3);
                default -> assertThat(page.path("result").path("synced").asBoolean()).isTrue();
            }

            await().untilAsserted(() -> assertThat(receiver.receivedAt(path)).hasSize(1));
            CallbackReceiver.Received callback = receiver.receivedAt(path).get(0);
            assertThat(callback.headers().get("X-Hub-Signature-256")).isEqualTo(
                    "sha256=" + CallbackDelivery.sign(callback.body(), CALLBACK_SECRET.getBytes(StandardCharsets.UTF_8)));
            JsonNode event = Json.toNode(callback.text());
            assertThat(event.path("eventType").asText()).isEqualTo("data-request.status.changed");
            assertThat(callback.headers().get("X-Hub-Event-Type")).isEqualTo("data-request.status.changed");
            assertThat(event.path("dataRequest").path("status").asText()).isEqualTo("COMPLETED");
            assertThat(event.path("dataRequest").path("resultInfo").path("url").asText())
                    .isEqualTo("/api/v1/data-requests/" + id + "/result?page=1");

            List<String> types = eventTypes(id);
            assertThat(types).containsSubsequence("ACCEPTED", "SEND", "PROVIDER_REQUEST", "PROVIDER_RESPONSE", "WEBHOOK");
            await().untilAsserted(() -> assertThat(eventTypes(id)).contains("CALLBACK_ATTEMPT"));
        }
        // what the client named (a business id, an e-mail address) is in the request's timeline, not in a log line
        assertThat(output.getAll().lines().filter(l -> l.contains("DataRequestService"))
                .filter(l -> l.contains("biz_7Hq2") || l.contains("ama@example.com")).toList()).isEmpty();
        // stub was sent the credentials and a signature in every body, as its document says
        List<JsonNode> seen = get("/sandbox/stub/_control/requests", null).json().findParents("endpoint");
        assertThat(seen).allSatisfy(r -> assertThat(r.path("apikeyPresent").asBoolean() && r.path("signaturePresent").asBoolean())
                .as(r.toString()).isTrue());
    }

    @Test
    void credentialsAndTokensNeverReachATable() {
        String id = create(request("INCOME", "biz_7Hq2", null)).path("dataRequestId").asText();
        awaitDataStatus(id, "COMPLETED");
        JsonNode timeline = events(id);
        JsonNode sent = StreamSupport.stream(timeline.path("events").spliterator(), false)
                .filter(e -> e.path("type").asText().equals("PROVIDER_REQUEST")).findFirst().orElseThrow();
        assertThat(sent.path("detail").path("body").path("uid").asText()).isEqualTo("biz_7Hq2");
        assertThat(sent.path("detail").path("body").has("apikey")).isFalse();
        assertThat(sent.path("detail").path("body").has("signature")).isFalse();
        for (String table : List.of("data_requests", "data_request_events", "provider_webhooks", "notifications", "payment_events")) {
            long leaks = jdbc.sql("SELECT count(*) FROM " + table + " t WHERE CAST(row_to_json(t) AS text) LIKE :a"
                            + " OR CAST(row_to_json(t) AS text) LIKE :b OR CAST(row_to_json(t) AS text) LIKE :token")
                    .param("a", "%" + APIKEY + "%").param("b", "%" + APPID + "%").param("token", "%" + id + ".%")
                    .query(Long.class).single();
            assertThat(leaks).as(table + " rows holding apikey, appid or a token").isZero();
        }
        String hash = jdbc.sql("SELECT token_sha256 FROM data_requests WHERE id = :id").param("id", id).query(String.class).single();
        assertThat(hash).matches("[0-9a-f]{64}");
    }

    @Test
    void aRequestIdIsUsedOnceAndOnlyItsClientSeesIt() {
        ObjectNode r = request("INSIGHTS", "biz_7Hq2", null);
        Response first = post("/api/v1/data-requests", Json.write(r), CLIENT);
        assertThat(first.status()).isEqualTo(202);
        String id = first.json().path("dataRequestId").asText();
        Response again = post("/api/v1/data-requests", Json.write(r), CLIENT);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().path("dataRequestId").asText()).isEqualTo(id);
        Response other = post("/api/v1/data-requests", Json.write(r.deepCopy().put("businessId", "biz_9Lk4")), CLIENT);
        assertThat(other.status()).isEqualTo(422);
        JsonNode found = get("/api/v1/data-requests?requestId=" + r.path("requestId").asText(), CLIENT).json();
        assertThat(found.path("dataRequests").get(0).path("dataRequestId").asText()).isEqualTo(id);
        assertThat(get("/api/v1/data-requests/" + id, OTHER_CLIENT).status()).isEqualTo(404);
        assertThat(get("/api/v1/data-requests/" + id + "/result?page=1", OTHER_CLIENT).status()).isEqualTo(404);
        assertThat(get("/api/v1/data-requests?requestId=" + r.path("requestId").asText(), OTHER_CLIENT).json()
                .path("dataRequests")).isEmpty();
        awaitDataStatus(id, "COMPLETED");
        // sent once: the replay sent nothing
        assertThat(eventTypes(id).stream().filter("PROVIDER_REQUEST"::equals)).hasSize(1);
    }

    @Test
    void aDuplicateDeliveryChangesNothingAndAForgedOneIsRefusedAndRecorded() {
        String path = "/data/" + messageId("twice");
        String id = create(request("EXPENSES", "biz_twice", path)).path("dataRequestId").asText();
        awaitDataStatus(id, "COMPLETED");
        await().untilAsserted(() -> assertThat(webhookOutcomes(id)).contains("APPLIED", "DUPLICATE"));
        await().untilAsserted(() -> assertThat(receiver.receivedAt(path)).hasSize(1));
        assertThat(eventTypes(id).stream().filter("STATUS_CHANGED"::equals)).hasSize(2); // REQUESTED, COMPLETED

        // a result for a token the hub never issued: refused, recorded, nothing changes
        String silent = create(request("INSIGHTS", "biz_silent", null)).path("dataRequestId").asText();
        awaitDataStatus(silent, "REQUESTED");
        long refusedBefore = refusedTokens();
        JsonNode unknown = post("/sandbox/stub/_control/unknown-token", Json.write(Json.object()
                .put("webhook", BASE + "/webhooks/stub").put("uid", "biz_silent").put("type", "insights")), null).json();
        assertThat(unknown.path("hubStatus").asInt()).isEqualTo(401);
        // one naming a real request with a made-up secret: the same
        JsonNode forged = post("/sandbox/stub/_control/unknown-token", Json.write(Json.object()
                .put("webhook", BASE + "/webhooks/stub").put("uid", "biz_silent").put("type", "insights")
                .put("signature", silent + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")), null).json();
        assertThat(forged.path("hubStatus").asInt()).isEqualTo(401);
        assertThat(refusedTokens()).isEqualTo(refusedBefore + 2);
        // the sandbox posts to this hub's webhooks only: never to an address a caller names
        CallbackReceiver elsewhere = CallbackReceiver.get();
        String target = elsewhere.url("/cb/" + messageId("ssrf"));
        for (String webhook : List.of(target, BASE + "/actuator/health", "http://10.0.0.1/webhooks/stub",
                "http://[64:ff9b::7f00:1]:" + PORT + "/webhooks/stub", "http://user:pw@localhost:" + PORT + "/webhooks/stub")) {
            Response refused = post("/sandbox/stub/_control/unknown-token", Json.write(Json.object()
                    .put("webhook", webhook).put("uid", "biz_silent").put("type", "insights")), null);
            assertThat(refused.status()).as(webhook).isEqualTo(400);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(elsewhere.receivedAt(target.substring(target.indexOf("/cb/")))).isEmpty();
        assertThat(refusedTokens()).isEqualTo(refusedBefore + 2);
        assertThat(dataRequest(silent).path("status").asText()).isEqualTo("REQUESTED");
        Response unsigned = postBytes("/webhooks/stub", "{\"type\":\"insights\",\"data\":{}}".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json");
        assertThat(unsigned.status()).isEqualTo(401);
    }

    @Test
    void aWebhookOutageIsRecoveredByStubsRetries() throws Exception {
        String path = "/data/" + messageId("outage");
        camelContext.getRouteController().stopRoute("stub-webhook");
        String id;
        try {
            id = create(request("INSIGHTS", "biz_outage", path)).path("dataRequestId").asText();
            await().untilAsserted(() -> assertThat(deliveries("biz_outage").path(0).path("attempts")).isNotEmpty());
        } finally {
            camelContext.getRouteController().startRoute("stub-webhook");
        }
        awaitDataStatus(id, "COMPLETED");
        JsonNode attempts = deliveries("biz_outage").path(0).path("attempts");
        assertThat(attempts.get(0).asInt()).isNotEqualTo(200);
        assertThat(attempts.get(attempts.size() - 1).asInt()).isEqualTo(200);
        await().untilAsserted(() -> assertThat(receiver.receivedAt(path)).hasSize(1));
    }

    @Test
    void aRequestWithNoAnswerExpiresWithACallbackAndStaysExpired() {
        String path = "/data/" + messageId("expired");
        String id = create(request("EXPENSES", "biz_silent", path)).path("dataRequestId").asText();
        awaitDataStatus(id, "REQUESTED");
        JsonNode expired = awaitDataStatus(id, "EXPIRED");
        assertThat(expired.path("reasonCode").asText()).isEqualTo("EXPIRED");
        await().untilAsserted(() -> assertThat(receiver.receivedAt(path)).hasSize(1));
        assertThat(Json.toNode(receiver.receivedAt(path).get(0).text()).path("dataRequest").path("status").asText())
                .isEqualTo("EXPIRED");
        // the database itself refuses to move a final request
        assertThatThrownBy(() -> jdbc.sql("UPDATE data_requests SET status = 'COMPLETED' WHERE id = :id").param("id", id).update())
                .hasMessageContaining("illegal data request transition");
    }

    @Test
    void aRefusalAtTheWebhookFailsTheRequest() {
        String id = create(request("INCOME", "biz_unknown", null)).path("dataRequestId").asText();
        JsonNode failed = awaitDataStatus(id, "FAILED");
        assertThat(failed.path("statusReason").asText()).contains("Business not found");
        assertThat(failed.path("reasonCode").asText()).isEqualTo("PROVIDER_FAILED");
    }

    @Test
    void aLargeResultIsLinkedFromTheCallbackAndServedInPages() {
        String path = "/data/" + messageId("large");
        String id = create(request("EXPENSES", "biz_large", path)).path("dataRequestId").asText();
        JsonNode done = awaitDataStatus(id, "COMPLETED");
        assertThat(done.path("resultInfo").path("items").asInt()).isEqualTo(12);
        assertThat(done.path("resultInfo").path("pages").asInt()).isEqualTo(6); // page-size 2 in tests
        await().untilAsserted(() -> assertThat(receiver.receivedAt(path)).hasSize(1));
        JsonNode event = Json.toNode(receiver.receivedAt(path).get(0).text());
        assertThat(event.path("dataRequest").has("result")).as("too large to inline").isFalse();
        ArrayNode all = Json.NODES.arrayNode();
        String next = event.path("dataRequest").path("resultInfo").path("url").asText();
        while (next != null && !next.isEmpty()) {
            JsonNode page = get(next, CLIENT).json();
            page.path("items").forEach(all::add);
            next = page.path("next").asText("");
        }
        assertThat(all).hasSize(12);
        assertThat(all.get(11).path("id").asText()).isEqualTo("e-12");
        assertThat(get("/api/v1/data-requests/" + id + "/result?page=7", CLIENT).status()).isEqualTo(404);
    }

    @Test
    void aSettlementsFileIsUploadedPushedAndTrackedToItsWebhookOutcome() {
        ObjectNode r = request("SETTLEMENTS", "biz_7Hq2", null);
        ArrayNode settlements = r.putArray("settlements");
        ObjectNode entry = settlements.addObject();
        entry.putObject("settlement").put("id", "set-2026-01-31").put("date", "2026-01-31").put("currency", "ZAR").put("amount", "1520.40");
        entry.putArray("income").addObject().put("id", "inc-1").put("date", "2026-01-30").put("name", "Card sales")
                .put("currency", "ZAR").put("amount", "1600.00").put("vat", "208.70");
        entry.putArray("expenses").addObject().put("id", "fee-1").put("date", "2026-01-30").put("name", "Acquirer fee")
                .put("currency", "ZAR").put("amount", "79.60");
        String id = create(r).path("dataRequestId").asText();
        JsonNode done = awaitDataStatus(id, "COMPLETED");
        JsonNode result = get("/api/v1/data-requests/" + id + "/result", CLIENT).json().path("result");
        assertThat(result.path("status").asText()).isEqualTo("processed");
        assertThat(result.path("processed").asInt()).isEqualTo(1);
        // the file stub received is exactly the settlements sent
        JsonNode stored = get("/sandbox/stub/_control/objects?path=" + result.path("path").asText(), null).json();
        assertThat(stored).isEqualTo(settlements);
        assertThat(eventTypes(id)).containsSubsequence("PROVIDER_REQUEST", "FILE_UPLOAD", "PROVIDER_REQUEST", "WEBHOOK");
        assertThat(done.path("settlements").asInt()).isEqualTo(1);
        // the presigned URL's signature is a credential: the timeline keeps the URL without it
        String timeline = Json.write(events(id));
        assertThat(timeline).contains("X-Amz-Signature=[REDACTED]").doesNotContainPattern("X-Amz-Signature=[0-9a-f]{16}");
    }

    @Test
    void anInvalidSettlementsFileIsRefusedBeforeUploadWithEveryProblemListed() {
        ObjectNode r = request("SETTLEMENTS", "biz_7Hq2", null);
        ObjectNode entry = r.putArray("settlements").addObject();
        entry.putObject("settlement").put("id", "").put("date", "2026-13-01").put("currency", "ZAR").put("amount", "12.5.0");
        entry.putArray("income").addObject().put("id", "inc-1").put("name", "Card sales").put("currency", "zar").put("amount", 10.5);
        long objects = get("/sandbox/stub/_control/objects", null).json().size();
        Response refused = post("/api/v1/data-requests", Json.write(r), CLIENT);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        List<String> fields = refused.json().path("errors").findValuesAsText("field");
        assertThat(fields).contains("settlements.0.settlement.id", "settlements.0.settlement.date",
                "settlements.0.settlement.amount", "settlements.0.income.0.date", "settlements.0.income.0.currency",
                "settlements.0.income.0.amount");
        assertThat(get("/api/v1/data-requests?requestId=" + r.path("requestId").asText(), CLIENT).json().path("dataRequests")).isEmpty();
        assertThat(get("/sandbox/stub/_control/objects", null).json().size()).isEqualTo(objects);
        Response noBusiness = post("/api/v1/data-requests", Json.write(Json.object().put("requestId", messageId("x"))
                .put("kind", "INSIGHTS")), CLIENT);
        assertThat(noBusiness.status()).isEqualTo(400);
        assertThat(noBusiness.json().path("errors").findValuesAsText("field")).contains("businessId");
    }

    // ------------------------------------------------------------------ helpers

    private ObjectNode request(String kind, String businessId, String callbackPath) {
        ObjectNode r = Json.object().put("requestId", messageId(kind.toLowerCase())).put("kind", kind).put("provider", "stub");
        if (businessId != null) {
            r.put("businessId", businessId);
        }
        if (callbackPath != null) {
            r.put("callbackUrl", receiver.url(callbackPath));
        }
        return r;
    }

    private static JsonNode create(ObjectNode request) {
        Response r = post("/api/v1/data-requests", Json.write(request), CLIENT);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.header("Location")).isEqualTo("/api/v1/data-requests/" + r.json().path("dataRequestId").asText());
        return r.json();
    }

    private static JsonNode dataRequest(String id) {
        Response r = get("/api/v1/data-requests/" + id, CLIENT);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode awaitDataStatus(String id, String status) {
        await().untilAsserted(() -> assertThat(dataRequest(id).path("status").asText()).isEqualTo(status));
        return dataRequest(id);
    }

    private static JsonNode events(String id) {
        Response r = get("/api/v1/data-requests/" + id + "/events", CLIENT);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<String> eventTypes(String id) {
        return events(id).path("events").findValuesAsText("type");
    }

    private static JsonNode deliveries(String uid) {
        return get("/sandbox/stub/_control/deliveries/" + uid, null).json();
    }

    private List<String> webhookOutcomes(String id) {
        return jdbc.sql("SELECT outcome FROM provider_webhooks WHERE data_request_id = :id ORDER BY id").param("id", id)
                .query(String.class).list();
    }

    private long refusedTokens() {
        return jdbc.sql("SELECT count(*) FROM provider_webhooks WHERE provider = 'stub' AND outcome = 'REJECTED_TOKEN'")
                .query(Long.class).single();
    }
}
