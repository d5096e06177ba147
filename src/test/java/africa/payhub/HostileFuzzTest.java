package africa.payhub;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests, generated from a seed, against every door of the hub: every resource of the API, their
 * fields and keys, query parameters and path segments, webhooks and partner calls; as a client, another
 * client, an operator, and anonymously. Not one answer may be a 5xx, and every 4xx is a problem document.
 * {@code -Dfuzz.requests=N} and {@code -Dfuzz.seed=S} run more or other requests (a failure names its seed
 * and request, so it can be replayed); {@code scripts/fuzz.sh} runs 5,000.
 */
class HostileFuzzTest extends HubTestSupport {

    /** 1,500 in the suite (about 30 s on a loaded 2-core machine); scripts/fuzz.sh runs 5,000. */
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 1_500);
    private static final long SEED = Long.getLong("fuzz.seed", 25L);

    private static final String PARTNER = "connect-partner:partner-sandbox-password";

    /** Values no field should be afraid of. */
    private static final List<Object> HOSTILE = List.of(
            "a\u0000b", "\u0000", "\ud800", "x\udc00y", "\u202e\u202d", "\r\n", "\n", "\t", " ", "", "\u00ad\u200b\ufeff",
            "4111111111111111", "4111 1111 1111 1111", "4111.1111.1111.1111", "5500\n0000\n0000\n0004",
            "4\u200b1\u200b1\u200b1111111111111", "' OR '1'='1", "'; DROP TABLE payments; --", "../../etc/passwd",
            "%00", "%2e%2e%2f", "${jndi:ldap://x/a}", "{{7*7}}", "<script>alert(1)</script>", "\u0441vv", "\ud83d\udcb8",
            "x".repeat(5_000), "9".repeat(400), "-1", "0", "1e999999", "NaN", "null", "true", "https://user:pw@10.0.0.1/x",
            "http://[64:ff9b::7f00:1]/", "http://169.254.169.254/", "NGN", "KES", "PAYOUT", "monnify", "waas",
            Long.MAX_VALUE, -1, 0, 1.5e308, new java.math.BigDecimal("4916338506082832e0"), true, false);

    private static final String[] STATUSES = {"DEAD", "PENDING", "DELIVERED", "x", "", "%00", "SUCCEEDED"};

    @Test
    void thousandsOfHostileRequestsGetNo5xxAndEvery4xxIsAProblem() throws Exception {
        String payment = submit(payout(messageId("fuzz"), "2085886393", "12.00")).path("paymentId").asText();
        List<Request> requests = new ArrayList<>(REQUESTS);
        Random random = new Random(SEED);
        for (int i = 0; i < REQUESTS; i++) {
            requests.add(request(random, payment, i));
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        Map<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long started = System.nanoTime();
        long cpuBefore = processCpuNanos();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Request r : requests) {
                done.add(pool.submit(() -> {
                    HttpResponse<String> answer = send(r);
                    answered.incrementAndGet();
                    statuses.computeIfAbsent(answer.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    String type = answer.headers().firstValue("Content-Type").orElse("");
                    if (answer.statusCode() >= 500 || (answer.statusCode() >= 400 && !type.startsWith("application/problem+json"))) {
                        failures.add("seed " + SEED + " request " + r.index + ": " + r.method + " " + r.path + " -> "
                                + answer.statusCode() + " " + type + " " + abbreviated(answer.body()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // the time is reported, not asserted (a benchmark, not a test): wall clock, and the CPU of this JVM (hub,
        // simulators and generator; PostgreSQL runs beside it)
        System.out.printf("Fuzz: %d requests, seed %d, answers by status %s; %.1f s, %.1f s of CPU in this JVM%n", REQUESTS, SEED,
                new java.util.TreeMap<>(statuses), (System.nanoTime() - started) / 1e9, (processCpuNanos() - cpuBefore) / 1e9);
        assertThat(answered.get()).isEqualTo(REQUESTS);
        assertThat(failures).as("answers that are 5xx, or 4xx without a problem document").isEmpty();
        // most of them are refused at the door, and some went all the way
        assertThat(statuses.keySet()).contains(400, 404);
        assertThat(statuses.entrySet().stream().filter(e -> e.getKey() < 300).mapToInt(e -> e.getValue().get()).sum())
                .isPositive();
    }

    /** One request of the run: method, path (with its query), credentials and body, as sent. */
    private record Request(int index, String method, String path, String credentials, String contentType, byte[] body) {
    }

    private static Request request(Random random, String payment, int index) {
        String[] who = {CLIENT, OTHER_CLIENT, OPERATOR, null, "nobody-" + random.nextInt(1000) + ":x"};
        String credentials = who[random.nextInt(who.length)];
        String id = random.nextInt(4) == 0 ? payment : segment(random);
        return switch (random.nextInt(22)) {
            case 0, 1, 2, 3 -> post(index, "/api/v1/payments", CLIENT, mutate(random, payout(messageId("fz"), "1000000006", "10.00")));
            case 4 -> post(index, "/api/v1/payments", credentials, mutate(random, batch()));
            case 5 -> post(index, "/api/v1/payments", CLIENT, mutate(random, wallet(random)));
            case 6 -> get(index, "/api/v1/payments" + query(random, "messageId", "reference", "provider", "operation", "status",
                    "clientId", "limit", "cursor", "createdFrom", "createdTo"), random.nextBoolean() ? OPERATOR : credentials);
            case 7 -> get(index, "/api/v1/payments/" + id + (random.nextBoolean() ? "" : "/events" + query(random, "after", "limit")),
                    credentials);
            case 8 -> post(index, "/api/v1/payments/" + id + "/events/" + segment(random) + "/redeliver", credentials, "{}");
            case 9 -> post(index, "/api/v1/payments/" + id + "/resolution", OPERATOR,
                    mutate(random, (ObjectNode) Json.toNode("{\"status\":\"FAILED\",\"reason\":\"checked\"}")));
            case 10 -> post(index, "/api/v1/payments/" + id + (random.nextBoolean() ? "/authorization" : "/authorization/resend"),
                    credentials, mutate(random, (ObjectNode) Json.toNode("{\"authorizationCode\":\"123456\"}")));
            case 11 -> post(index, "/api/v1/payments/" + id + "/card", credentials, mutate(random, (ObjectNode) Json.toNode(
                    "{\"pan\":\"5060990580000217499\",\"expiryMonth\":\"09\",\"expiryYear\":\"2030\",\"cvv\":\"111\",\"pin\":\"1234\"}")));
            case 12 -> random.nextBoolean()
                    ? get(index, "/api/v1/batches" + (random.nextBoolean() ? "/" + id : query(random, "messageId")), credentials)
                    : post(index, "/api/v1/batches/" + id + "/authorization", credentials, "{\"authorizationCode\":\"1\"}");
            case 13 -> post(index, "/api/v1/data-requests", CLIENT, mutate(random, (ObjectNode) Json.toNode(
                    "{\"requestId\":\"" + messageId("fz") + "\",\"kind\":\"INSIGHTS\",\"businessId\":\"biz_silent\"}")));
            case 14 -> get(index, "/api/v1/data-requests" + (random.nextBoolean() ? query(random, "requestId")
                    : "/" + id + List.of("", "/events", "/result" + query(random, "page")).get(random.nextInt(3))), credentials);
            case 15 -> post(index, "/api/v1/lookups", CLIENT, mutate(random, (ObjectNode) Json.toNode(
                    "{\"provider\":\"connect\",\"account\":{\"type\":\"WALLET\",\"email\":\"tigist@example.com\"}}")));
            case 16 -> get(index, List.of("/api/v1/callbacks", "/api/v1/ops/summary", "/api/v1/ops/webhooks",
                    "/api/v1/ops/reconciliations", "/api/v1/providers/operator-calls").get(random.nextInt(5))
                    + query(random, "status", "limit", "cursor", "provider", "clientId"), random.nextBoolean() ? OPERATOR : credentials);
            case 17 -> post(index, "/api/v1/ops/reconciliations", OPERATOR, mutate(random, (ObjectNode) Json.toNode(
                    "{\"provider\":\"monnify\",\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-02T00:00:00Z\"}")));
            case 18 -> {
                String call = List.of("wallet-balance", "create-wallet", "wallets", "limit-profiles", segment(random))
                        .get(random.nextInt(5));
                yield random.nextBoolean() ? get(index, "/api/v1/providers/" + List.of("monnify", "waas", segment(random))
                        .get(random.nextInt(3)) + "/" + call + query(random, "walletReference", "accountNumber", "pageSize"),
                        random.nextBoolean() ? OPERATOR : credentials)
                        : post(index, "/api/v1/providers/monnify/" + call, OPERATOR, mutate(random, (ObjectNode) Json.toNode(
                        "{\"walletReference\":\"w1\",\"walletName\":\"Ada\",\"customerName\":\"Ada Obi\",\"customerEmail\":\"a@b.co\"}")));
            }
            case 19 -> post(index, "/webhooks/" + List.of("monnify", "stub", "connect", "dollr", "waas", segment(random))
                    .get(random.nextInt(6)), null, mutate(random, (ObjectNode) Json.toNode(new String(
                    WebhookTest.event("SUCCESSFUL_DISBURSEMENT", "HUB" + random.nextInt(), "SUCCESS", "10.00"), StandardCharsets.UTF_8))));
            case 20 -> post(index, "/partners/connect/status-check", random.nextBoolean() ? PARTNER : credentials,
                    mutate(random, (ObjectNode) Json.toNode("{\"reference\":\"HUBX\",\"status\":\"SUCCESS\",\"amount\":\"1.00\",\"currency\":\"ETB\"}")));
            default -> raw(index, random, credentials);
        };
    }

    /** Bytes no JSON parser should meet: not UTF-8, truncated, duplicated keys, the wrong type, nothing. */
    private static Request raw(int index, Random random, String credentials) {
        String path = List.of("/api/v1/payments", "/api/v1/data-requests", "/api/v1/lookups", "/webhooks/monnify",
                "/partners/connect/status-check", "/api/v1/payments/x/card").get(random.nextInt(6));
        byte[][] bodies = {
                {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                "{\"messageId\":".getBytes(StandardCharsets.UTF_8),
                "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8),
                "[]".getBytes(StandardCharsets.UTF_8), "\"x\"".getBytes(StandardCharsets.UTF_8), new byte[0],
                "{\"a\":\"\\u0000\"}".getBytes(StandardCharsets.UTF_8), "{\"a\":\"\\ud800\"}".getBytes(StandardCharsets.UTF_8),
                ("[".repeat(3000) + "]".repeat(3000)).getBytes(StandardCharsets.UTF_8),
                "{\"a\":1e99999999}".getBytes(StandardCharsets.UTF_8), "{\"a\":01}".getBytes(StandardCharsets.UTF_8),
                "{\"a\":\"x\"} trailing".getBytes(StandardCharsets.UTF_8)};
        String[] types = {"application/json", "text/plain", "application/xml", "application/json; charset=latin1", ""};
        return new Request(index, random.nextBoolean() ? "POST" : "PUT", path, credentials, types[random.nextInt(types.length)],
                bodies[random.nextInt(bodies.length)]);
    }

    /** The message with a few hostile changes: a value replaced, a key added (hostile itself sometimes), one removed. */
    private static String mutate(Random random, ObjectNode message) {
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            List<ObjectNode> objects = new ArrayList<>();
            collect(message, objects);
            ObjectNode target = objects.get(random.nextInt(objects.size()));
            List<String> keys = new ArrayList<>();
            target.fieldNames().forEachRemaining(keys::add);
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    if (!keys.isEmpty()) {
                        target.set(keys.get(random.nextInt(keys.size())), hostile(random));
                    }
                }
                case 2 -> target.set(random.nextBoolean() ? (String) HOSTILE.get(random.nextInt(27)) : "k" + random.nextInt(99),
                        hostile(random));
                default -> {
                    if (!keys.isEmpty()) {
                        target.remove(keys.get(random.nextInt(keys.size())));
                    }
                }
            }
        }
        return Json.write(message);
    }

    private static void collect(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode o) {
            into.add(o);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collect(it.next(), into);
        }
    }

    private static JsonNode hostile(Random random) {
        Object v = HOSTILE.get(random.nextInt(HOSTILE.size()));
        int shape = random.nextInt(10);
        JsonNode value = Json.MAPPER.valueToTree(v);
        if (shape == 0) {
            ArrayNode array = Json.NODES.arrayNode();
            array.add(value);
            return array;
        }
        if (shape == 1) {
            return Json.object().set(String.valueOf(v).length() > 40 ? "k" : String.valueOf(v), value);
        }
        if (shape == 2) {
            JsonNode deep = value;
            for (int i = 0; i < 40; i++) {
                deep = Json.object().set("d", deep);
            }
            return deep;
        }
        return value;
    }

    /** A path segment: an id, or something hostile written as a URL carries it. */
    private static String segment(Random random) {
        String[] segments = {"abc", "00000000-0000-0000-0000-000000000000", "%00", "a%00b", "%01", "..", "%2e%2e", "%2F",
                "4111111111111111", "%ED%A0%80", "x".repeat(3000), "%E2%80%AE", "'%20OR%201=1", "%C3%28", "~", "%25", "a;b=c"};
        return segments[random.nextInt(segments.length)];
    }

    private static String query(Random random, String... names) {
        String[] values = {"1", "-1", "0", "abc", "%00", "a%00b", "%01", "%ED%A0%80", "99999999999999999999", "DEAD",
                "4111111111111111", "2026-13-45", "%C3%28", "x".repeat(3000), "", "%25", "SUCCEEDED", "monnify", "other-erp"};
        StringBuilder q = new StringBuilder();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            q.append(i == 0 ? "?" : "&").append(random.nextInt(5) == 0 ? values[random.nextInt(values.length)]
                    : names[random.nextInt(names.length)]).append('=').append(values[random.nextInt(values.length)]);
        }
        return q.toString();
    }

    private static ObjectNode batch() {
        ObjectNode m = Json.object().put("messageId", messageId("fzb")).put("operation", "PAYOUT_BATCH").put("provider", "monnify");
        ArrayNode items = m.putArray("items");
        for (int i = 0; i < 2; i++) {
            items.addObject().put("itemId", "i" + i).set("amount", Json.object().put("value", "10.00").put("currency", "NGN"));
            ((ObjectNode) items.get(i)).set("destination", Json.object().put("type", "BANK_ACCOUNT")
                    .put("accountNumber", "2085886393").put("bankCode", "057"));
        }
        return m;
    }

    private static ObjectNode wallet(Random random) {
        String[] operations = {"WALLET_CREDIT", "WALLET_DEBIT", "WALLET_TRANSFER", "REVERSAL", "REFUND", "CANCEL"};
        ObjectNode m = Json.object().put("messageId", messageId("fzw")).put("operation", operations[random.nextInt(operations.length)])
                .put("provider", random.nextBoolean() ? "waas" : "monnify");
        m.set("amount", Json.object().put("value", "5.00").put("currency", "KES"));
        m.set("source", Json.object().put("type", "WALLET").put("accountNumber", "1000" + random.nextInt(9999)));
        m.set("destination", Json.object().put("type", "WALLET").put("accountNumber", "1000" + random.nextInt(9999)));
        m.put("reversalOf", "00000000-0000-0000-0000-000000000000");
        return m;
    }

    private static Request post(int index, String path, String credentials, String body) {
        return new Request(index, "POST", path, credentials, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static Request get(int index, String path, String credentials) {
        return new Request(index, "GET", path, credentials, null, null);
    }

    private static HttpResponse<String> send(Request r) throws Exception {
        String raw = r.path;
        if (raw.contains("?")) {
            // the query as written, spaces and all, percent-encoded where a URI needs it
            raw = raw.substring(0, raw.indexOf('?')) + "?" + raw.substring(raw.indexOf('?') + 1).replace(" ", "%20");
        }
        // every path and query the generator writes is a URI (hostile bytes are percent-encoded), so each goes out
        URI uri = URI.create(BASE + raw);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (r.body == null) {
            b.GET();
        } else {
            b.method(r.method, HttpRequest.BodyPublishers.ofByteArray(r.body));
            if (r.contentType != null && !r.contentType.isEmpty()) {
                b.header("Content-Type", r.contentType);
            }
        }
        if (r.credentials != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(r.credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static String abbreviated(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
