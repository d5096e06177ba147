package africa.payhub;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator does when something needs a person: find the payments (by status, client, time,
 * reference; a page at a time), see the dead callbacks and send them again, read the figures.
 */
class OpsApiTest extends HubTestSupport {

    private final CallbackReceiver receiver = CallbackReceiver.get();

    @Test
    void paymentsAreSearchedNewestFirstAPageAtATimeAndClientsSeeOnlyTheirOwn() {
        String from = Instant.now().minusMillis(5).toString();
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(0, submit(payout(messageId("page"), "2085886393", "1" + i + ".00")).path("paymentId").asText());
        }
        Response theirs = post("/api/v1/payments", Json.write(payout(messageId("theirs"), "2085886393", "9.00")), OTHER_CLIENT);
        assertThat(theirs.status()).isEqualTo(202);
        String theirId = theirs.json().path("paymentId").asText();

        // a client pages through its own, newest first, without repeats or gaps
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = get("/api/v1/payments?createdFrom=" + enc(from) + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), CLIENT).json();
            page.path("payments").forEach(p -> seen.add(p.path("paymentId").asText()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).containsExactlyElementsOf(mine);
        assertThat(pages).isEqualTo(3);

        // an operator sees every client's, or one client's
        List<String> all = ids(get("/api/v1/payments?createdFrom=" + enc(from), OPERATOR).json());
        assertThat(all).contains(theirId).containsAll(mine);
        assertThat(ids(get("/api/v1/payments?createdFrom=" + enc(from) + "&clientId=other-erp", OPERATOR).json()))
                .containsExactly(theirId);
        assertThat(get("/api/v1/payments?clientId=other-erp", CLIENT).status()).isEqualTo(403);

        // by reference: our provider reference, or the client's message id
        JsonNode one = payment(mine.get(2));
        assertThat(ids(get("/api/v1/payments?reference=" + one.path("providerReference").asText(), CLIENT).json()))
                .containsExactly(mine.get(2));
        assertThat(ids(get("/api/v1/payments?reference=" + one.path("messageId").asText(), OPERATOR).json()))
                .containsExactly(mine.get(2));
        assertThat(ids(get("/api/v1/payments?reference=" + one.path("messageId").asText(), OTHER_CLIENT).json())).isEmpty();

        // other filters combine
        assertThat(ids(get("/api/v1/payments?createdFrom=" + enc(from) + "&provider=monnify&operation=payout&status=ACCEPTED,SUBMITTED,PENDING,SUCCEEDED",
                CLIENT).json())).containsExactlyElementsOf(mine);
        assertThat(ids(get("/api/v1/payments?createdFrom=" + enc(from) + "&provider=waas", CLIENT).json())).isEmpty();
        assertThat(ids(get("/api/v1/payments?createdTo=" + enc(from), CLIENT).json())).doesNotContainAnyElementsOf(mine);
        assertThat(ids(get("/api/v1/payments?to=2000-01-01", OPERATOR).json())).isEmpty();
    }

    @Test
    void wrongSearchParametersAreAClearProblem() {
        Response r = get("/api/v1/payments?status=NEEDS_REVIEW,LOST&limit=1000&createdFrom=yesterday", OPERATOR);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("LOST").contains("limit").contains("createdFrom");
        assertThat(get("/api/v1/payments?cursor=not-a-cursor", OPERATOR).status()).isEqualTo(400);
        assertThat(get("/api/v1/callbacks?status=LOST", OPERATOR).status()).isEqualTo(400);
        assertThat(get("/api/v1/ops/summary", CLIENT).status()).isEqualTo(403);
        assertThat(get("/api/v1/payments?status=NEEDS_REVIEW", null).status()).isEqualTo(401);
    }

    @Test
    void eachRouteCountsItsExchangesAndTheContextDoesNotCountThemAgain() {
        submit(payout(messageId("route-metrics"), "2085886393", "14.00"));
        assertThat(metric("camel_exchanges_total",
                "camelContext=\"payment-hub\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"payments-create\""))
                .isGreaterThan(0);
        // camel.metrics.route-policy-level=route: no second set of meters over every exchange of every route
        assertThat(get("/actuator/prometheus", OPERATOR).body()).doesNotContain("eventType=\"context\"");
    }

    @Test
    void everyProvidersHeldPaymentsAreAGaugeBeforeAnyIsHeld() {
        // no test fills WaaS's work queue: the series is there, at 0, all the same
        assertThat(get("/actuator/prometheus", OPERATOR).body())
                .containsPattern("(?m)^hub_dispatch_held\\{[^}]*provider=\"waas\"[^}]*\\} 0\\.0$");
    }

    @Test
    void theReviewQueueListsWhatNeedsAPersonAndTheFiguresCountIt() {
        double before = metric("hub_payments_needs_review", "");
        // D07: the provider keeps saying "duplicate" and never has the reference: a person decides
        String id = submit(payout(messageId("queue"), "1000000009", "20.00")).path("paymentId").asText();
        awaitStatus(id, "NEEDS_REVIEW");

        JsonNode queue = get("/api/v1/payments?status=NEEDS_REVIEW&limit=200", OPERATOR).json();
        assertThat(ids(queue)).contains(id);
        queue.path("payments").forEach(p -> assertThat(p.path("status").asText()).isEqualTo("NEEDS_REVIEW"));

        JsonNode summary = get("/api/v1/ops/summary", OPERATOR).json();
        long review = summary.path("needsReview").asLong();
        assertThat(review).isGreaterThanOrEqualTo(1);
        assertThat(summary.path("payments").path("byStatus").path("NEEDS_REVIEW").asLong()).isEqualTo(review);
        assertThat(summary.path("payments").path("byProvider").path("monnify").path("NEEDS_REVIEW").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(summary.path("providers").findValuesAsText("provider")).contains("monnify", "waas", "connect");
        assertThat(summary.path("providers").get(0).path("circuit").asText()).isIn("CLOSED", "OPEN", "HALF_OPEN");

        assertThat(metric("hub_payments_needs_review", "")).isGreaterThanOrEqualTo(before + 1); // other tests' payments may join the queue meanwhile
        assertThat(metric("hub_payments", "provider=\"monnify\",status=\"NEEDS_REVIEW\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric("hub_payment_transitions_total", "operation=\"PAYOUT\",provider=\"monnify\",status=\"NEEDS_REVIEW\""))
                .isGreaterThanOrEqualTo(1);

        double queued = metric("hub_payments_needs_review", "");
        Response resolved = post("/api/v1/payments/" + id + "/resolution",
                "{\"status\":\"FAILED\",\"reason\":\"Monnify support: no such transfer\"}", OPERATOR);
        assertThat(resolved.status()).isEqualTo(200);
        // one fewer than just before, unless another test's payment joined the queue in between
        assertThat(metric("hub_payments_needs_review", "")).isLessThan(queued + 1);
        assertThat(ids(get("/api/v1/payments?status=NEEDS_REVIEW&limit=200", OPERATOR).json())).doesNotContain(id);
    }

    @Test
    void providerCallsAreTimedPerProviderFlowAndOutcome() {
        double before = metric("hub_provider_calls_seconds_count", "flow=\"monnify-payout\",outcome=\"STATUS\",provider=\"monnify\"");
        awaitStatus(submit(payout(messageId("timed"), "2085886393", "3.00")).path("paymentId").asText(), "SUCCEEDED");
        assertThat(metric("hub_provider_calls_seconds_count", "flow=\"monnify-payout\",outcome=\"STATUS\",provider=\"monnify\""))
                .isEqualTo(before + 1);
        assertThat(metric("hub_provider_calls_seconds_sum", "flow=\"monnify-payout\",outcome=\"STATUS\",provider=\"monnify\""))
                .isGreaterThan(0);
        assertThat(metric("hub_provider_circuit_state", "provider=\"monnify\",state=\"CLOSED\"")).isEqualTo(1);
        assertThat(metric("hub_provider_circuit_state", "provider=\"monnify\",state=\"OPEN\"")).isZero();
        assertThat(metric("hub_payments", "provider=\"monnify\",status=\"SUCCEEDED\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void deadCallbacksAreListedAndARedeliverySaysSo() {
        double deadBefore = metric("hub_callbacks_dead", "");
        String path = "/hooks/" + messageId("ops-dead");
        receiver.failFirst(path, 1000, 503);
        ObjectNode m = payout(messageId("ops-dead"), "1000000006", "10.00"); // refused: SUBMITTED, then FAILED
        m.put("callbackUrl", receiver.url(path));
        String id = submit(m).path("paymentId").asText();
        awaitStatus(id, "FAILED");
        await().untilAsserted(() -> assertThat(deadFor(id, OPERATOR)).hasSize(2));
        assertThat(metric("hub_callbacks_dead", "")).isGreaterThanOrEqualTo(deadBefore + 2);
        assertThat(deadFor(id, CLIENT)).hasSize(2);
        assertThat(deadFor(id, OTHER_CLIENT)).isEmpty();

        // the older callback (SUBMITTED) is sent again after the newer one: it says it is a redelivery,
        // and what the payment's status is now
        JsonNode submitted = deadFor(id, OPERATOR).stream().filter(c -> c.path("paymentStatus").asText().equals("SUBMITTED"))
                .findFirst().orElseThrow();
        receiver.failFirst(path, 0, 200);
        Response again = post("/api/v1/payments/" + id + "/events/" + submitted.path("eventId").asText() + "/redeliver", "", OPERATOR);
        assertThat(again.status()).as(again.body()).isEqualTo(202);
        await().untilAsserted(() -> assertThat(receiver.receivedAt(path).stream()
                .filter(r -> "true".equals(r.headers().get("X-Hub-Redelivery")))).hasSize(1));
        CallbackReceiver.Received redelivered = receiver.receivedAt(path).stream()
                .filter(r -> "true".equals(r.headers().get("X-Hub-Redelivery"))).findFirst().orElseThrow();
        JsonNode event = Json.toNode(redelivered.text());
        assertThat(event.path("redelivery").asBoolean()).isTrue();
        assertThat(event.path("currentStatus").asText()).isEqualTo("FAILED");
        assertThat(event.path("payment").path("status").asText()).isEqualTo("SUBMITTED");
        assertThat(event.path("eventId").asText()).isEqualTo(submitted.path("eventId").asText());
        assertThat(redelivered.headers().get("X-Hub-Signature-256")).isEqualTo("sha256="
                + africa.payhub.callback.CallbackDelivery.sign(redelivered.body(), CALLBACK_SECRET.getBytes(StandardCharsets.UTF_8)));
        assertThat(deadFor(id, OPERATOR)).hasSize(1);
        // first-time callbacks carry no such mark
        assertThat(receiver.receivedAt(path).stream().filter(r -> r.headers().get("X-Hub-Redelivery") == null)
                .map(r -> Json.toNode(r.text()).has("redelivery"))).isNotEmpty().containsOnly(false);
    }

    @Test
    void everyAnswerCarriesARequestId() throws Exception {
        HttpResponse<String> given = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/payments/nope"))
                .header("Authorization", basic(CLIENT)).header("X-Request-Id", "erp-req-42").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(given.statusCode()).isEqualTo(404);
        assertThat(given.headers().firstValue("X-Request-Id")).hasValue("erp-req-42");
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/payments/nope"))
                .header("X-Request-Id", "not acceptable: spaces").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");
    }

    @Test
    void theMessageSchemaIsServedToAPlainJsonClient() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/api/v1/schema/payment-message.json"))
                .header("Accept", "application/json").timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(Json.toNode(r.body()).path("$id").asText()).startsWith("urn:payment-hub");
    }

    private static List<JsonNode> deadFor(String paymentId, String credentials) {
        List<JsonNode> out = new ArrayList<>();
        get("/api/v1/callbacks?status=DEAD&limit=200", credentials).json().path("callbacks").forEach(c -> {
            if (c.path("paymentId").asText().equals(paymentId)) {
                out.add(c);
            }
        });
        return out;
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("payments").forEach(p -> ids.add(p.path("paymentId").asText()));
        return ids;
    }

    /** One sample of /actuator/prometheus, by name and its exact labels (as Prometheus prints them). */
    static double metric(String name, String labels) {
        Response r = get("/actuator/prometheus", OPERATOR);
        assertThat(r.status()).isEqualTo(200);
        String series = labels.isEmpty() ? name : name + "{" + labels;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:,[^}]*)?}?\\s+(\\S+)$").matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }
    /**
     * The charts' data: per provider and bucket, the payments created, carried and failed, the success rate of
     * those settled and the provider's answer times, aggregated by the database from the payments and their
     * timelines; columns aligned on the buckets. Bad parameters are 400s; clients get 403.
     */
    @Test
    void statisticsGiveVolumeSuccessRateAndLatencyPerProviderOverTime() {
        String from = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString();
        String paid = submit(payout(messageId("stats-ok"), "2085886393", "31.00")).path("paymentId").asText();
        String failed = submit(payout(messageId("stats-ko"), "1000000006", "32.00")).path("paymentId").asText();
        awaitStatus(paid, "SUCCEEDED");
        awaitStatus(failed, "FAILED");
        Response r = get("/api/v1/ops/stats?bucket=minute&provider=monnify&from=" + from, OPERATOR);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode stats = r.json();
        assertThat(stats.path("bucket").asText()).isEqualTo("minute");
        int buckets = stats.path("buckets").size();
        assertThat(buckets).isBetween(2, 4);
        assertThat(stats.path("providers").size()).as("one provider asked for").isEqualTo(1);
        JsonNode monnify = stats.path("providers").path("monnify");
        for (String column : List.of("payments", "succeeded", "failed", "successRate", "calls", "callErrors", "latencyP50Ms", "latencyP95Ms")) {
            assertThat(monnify.path(column).size()).as(column + " has a value per bucket").isEqualTo(buckets);
        }
        long created = 0;
        long succeeded = 0;
        long failures = 0;
        long calls = 0;
        for (int i = 0; i < buckets; i++) {
            created += monnify.path("payments").get(i).asLong();
            succeeded += monnify.path("succeeded").get(i).asLong();
            failures += monnify.path("failed").get(i).asLong();
            calls += monnify.path("calls").get(i).asLong();
            JsonNode rate = monnify.path("successRate").get(i);
            if (monnify.path("succeeded").get(i).asLong() + monnify.path("failed").get(i).asLong() > 0) {
                assertThat(rate.asDouble()).isBetween(0.0, 100.0);
                assertThat(monnify.path("latencyP95Ms").get(i).asLong()).isGreaterThanOrEqualTo(monnify.path("latencyP50Ms").get(i).asLong());
            }
        }
        assertThat(created).isGreaterThanOrEqualTo(2);
        assertThat(succeeded).isGreaterThanOrEqualTo(1);
        assertThat(failures).isGreaterThanOrEqualTo(1);
        assertThat(calls).as("provider answers to those payments' calls").isGreaterThanOrEqualTo(2);

        assertThat(get("/api/v1/ops/stats?bucket=week", OPERATOR).status()).isEqualTo(400);
        assertThat(get("/api/v1/ops/stats?bucket=minute&from=2020-01-01", OPERATOR).json().path("errors").get(0)
                .path("field").asText()).isEqualTo("bucket");
        assertThat(get("/api/v1/ops/stats", CLIENT).status()).isEqualTo(403);
    }

    /** A search as CSV: the whole of it, one row a payment, and text a spreadsheet would run is quoted. */
    @Test
    void aSearchIsExportedAsCsvWithFormulaLikeTextDefused() {
        String messageId = "-23" + messageId("csv").replace("csv", "");
        String id = submit(payout(messageId, "2085886393", "33.00")).path("paymentId").asText();
        awaitStatus(id, "SUCCEEDED");
        Response csv = get("/api/v1/payments?format=csv&reference=" + id, OPERATOR);
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.header("Content-Disposition")).startsWith("attachment; filename=\"payments-");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("createdAt,updatedAt,paymentId,messageId,clientId,operation,provider,amount,currency,"
                + "status,reasonCode,statusReason,providerReference");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("," + id + ",'" + messageId + ",demo-erp,PAYOUT,monnify,33.00,NGN,SUCCEEDED,");
        // a client exports only its own payments
        assertThat(get("/api/v1/payments?format=csv&reference=" + id, OTHER_CLIENT).body().lines().count()).isEqualTo(1);
        assertThat(get("/api/v1/payments?format=xml", OPERATOR).status()).isEqualTo(400);
    }
    /**
     * What the console's lists read: the newest batches and data requests (an operator's: every client's, each
     * with its client; a client's: its own) and the calls operators made at providers (operators only).
     */
    @Test
    void operatorsListTheNewestBatchesDataRequestsAndOperatorCalls() {
        String batchId = post("/api/v1/payments", Json.write(BatchPayoutTest.batch(messageId("ops-batch"), 2, 0)), CLIENT)
                .json().path("batchId").asText();
        String dataRequest = post("/api/v1/data-requests", Json.write(Json.object().put("requestId", messageId("ops-data"))
                .put("kind", "INSIGHTS").put("provider", "stub").put("businessId", "biz_7Hq2")), CLIENT).json()
                .path("dataRequestId").asText();
        assertThat(get("/api/v1/providers/monnify/limit-profiles", OPERATOR).status()).isEqualTo(200);

        Response batches = get("/api/v1/batches?limit=200", OPERATOR);
        assertThat(batches.status()).as(batches.body()).isEqualTo(200);
        assertThat(batches.json().path("batches").findValuesAsText("batchId")).contains(batchId);
        assertThat(batches.json().path("batches").get(0).path("clientId").asText()).isNotBlank();
        Response batch = get("/api/v1/batches/" + batchId, OPERATOR);
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        assertThat(batch.json().path("items")).hasSize(2);
        assertThat(get("/api/v1/batches?limit=200", OTHER_CLIENT).json().path("batches").findValuesAsText("batchId"))
                .doesNotContain(batchId);

        Response requests = get("/api/v1/data-requests?limit=200", OPERATOR);
        assertThat(requests.status()).as(requests.body()).isEqualTo(200);
        assertThat(requests.json().path("dataRequests").findValuesAsText("dataRequestId")).contains(dataRequest);
        assertThat(get("/api/v1/data-requests/" + dataRequest + "/events", OPERATOR).status()).isEqualTo(200);
        assertThat(get("/api/v1/data-requests?limit=200", OTHER_CLIENT).json().path("dataRequests")
                .findValuesAsText("dataRequestId")).doesNotContain(dataRequest);

        Response calls = get("/api/v1/ops/operator-calls?limit=5", OPERATOR);
        assertThat(calls.status()).as(calls.body()).isEqualTo(200);
        JsonNode last = calls.json().path("calls").get(0);
        assertThat(last.path("operator").asText()).isEqualTo("ops");
        assertThat(last.path("call").asText()).isEqualTo("limit-profiles");
        assertThat(last.path("outcome").asText()).isEqualTo("OK");
        assertThat(get("/api/v1/ops/operator-calls", CLIENT).status()).isEqualTo(403);
        assertThat(get("/api/v1/batches?limit=0", OPERATOR).status()).isEqualTo(400);
    }
}
