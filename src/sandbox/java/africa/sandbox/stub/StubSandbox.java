package africa.sandbox.stub;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.sandbox.Credentials;
import africa.sandbox.SandboxJson;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A stub Connect API double, after {@code provider-docs/stub-connect-pull-api.txt} and the facts on stub:
 * {@code apikey} and {@code appid} in every request body; the pulls answer {@code {"error": false}} at once
 * and deliver the data later to the request's {@code webhook}, echoing its {@code signature} untouched (stub
 * computes nothing); a failed delivery is retried on stub's schedule (+10 s, +2.5 min, +30 min, +6 h), then
 * discarded. {@code s3-upload-url} hands out a presigned URL to a local object store, and a settlements file
 * put there is pushed by its path. Webhook payloads and the settlement push are not in the document: the
 * shapes here are the same assumptions the hub's mappings make (mappings/stub/webhook.jslt).
 *
 * <p>Scenarios by business id ({@code uid}): {@code biz_unknown} (the webhook reports an error),
 * {@code biz_silent} (no webhook ever), {@code biz_twice} (the webhook delivered twice), {@code biz_large}
 * (twelve expenses); any other uid has a little of everything. Controls under {@code /sandbox/stub/_control}.</p>
 */
@RestController
@RequestMapping(path = "/sandbox/stub", produces = MediaType.APPLICATION_JSON_VALUE)
public class StubSandbox implements DisposableBean {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final StubSandboxProperties account;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "sandbox-stub");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    public StubSandbox(StubSandboxProperties account) {
        this.account = account;
    }

    // ---------------------------------------------------------------- the API

    @PostMapping(path = "/api/pull/business", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> business(@RequestBody(required = false) String body) {
        return pull("business", body, "email");
    }

    @PostMapping(path = "/api/pull/{type:insights|expenses|income|bank-feed}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> data(@PathVariable String type, @RequestBody(required = false) String body) {
        return pull(type, body, "uid");
    }

    @PostMapping(path = "/api/pull/s3-upload-url", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> uploadUrl(@RequestBody(required = false) String body, HttpServletRequest request) {
        JsonNode r = SandboxJson.tryParse(body);
        ResponseEntity<JsonNode> refused = refuse("s3-upload-url", r, "uid");
        if (refused != null) {
            return refused;
        }
        String path = "uploads/" + r.get("uid").asText() + "/" + UUID.randomUUID() + ".json";
        long expires = Instant.now().plusSeconds(900).getEpochSecond();
        String url = request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort()
                + "/sandbox/stub/_objects/" + path + "?X-Amz-Expires=" + expires + "&X-Amz-Signature=" + presign(path, expires);
        return ResponseEntity.ok(SandboxJson.object().put("error", false).put("path", path).put("url", url));
    }

    /** The object store behind the presigned URLs: a PUT with a valid, unexpired signature stores the file. */
    @PutMapping(path = "/_objects/**", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> put(HttpServletRequest request, @RequestParam("X-Amz-Expires") long expires,
                                        @RequestParam("X-Amz-Signature") String signature,
                                        @RequestBody(required = false) byte[] body) {
        String path = request.getRequestURI().substring(request.getRequestURI().indexOf("/_objects/") + "/_objects/".length());
        if (expires < Instant.now().getEpochSecond()
                || !java.security.MessageDigest.isEqual(presign(path, expires).getBytes(StandardCharsets.UTF_8),
                signature.getBytes(StandardCharsets.UTF_8))) {
            return ResponseEntity.status(403).body(SandboxJson.object().put("Code", "SignatureDoesNotMatch"));
        }
        objects.put(path, body == null ? new byte[0] : body);
        return ResponseEntity.ok().build();
    }

    /** ASSUMPTION (not in the document): the settlement file is pushed by its path; the outcome comes by webhook. */
    @PostMapping(path = "/api/push/settlement-file", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> pushFile(@RequestBody(required = false) String body) {
        JsonNode r = SandboxJson.tryParse(body);
        ResponseEntity<JsonNode> refused = refuse("settlement-file", r, "uid", "path", "webhook");
        if (refused != null) {
            return refused;
        }
        byte[] file = objects.get(r.get("path").asText());
        if (file == null) {
            return ResponseEntity.ok(SandboxJson.object().put("error", true).put("message", "No file at " + r.get("path").asText()));
        }
        JsonNode settlements = SandboxJson.tryParse(new String(file, StandardCharsets.UTF_8));
        ObjectNode payload = SandboxJson.object();
        payload.put("uid", r.get("uid").asText());
        payload.put("type", "settlement");
        payload.put("path", r.get("path").asText());
        ArrayNode errors = payload.putArray("errors");
        int processed = 0;
        if (settlements == null || !settlements.isArray()) {
            errors.addObject().put("index", -1).put("message", "the file is not a JSON array of settlements");
        } else {
            for (int i = 0; i < settlements.size(); i++) {
                if (settlements.get(i).path("settlement").path("id").asText("").isBlank()) {
                    errors.addObject().put("index", i).put("message", "settlement.id is required");
                } else {
                    processed++;
                }
            }
        }
        payload.put("processed", processed);
        payload.put("status", errors.isEmpty() ? "processed" : processed > 0 ? "partially_processed" : "failed");
        payload.put("error", false);
        payload.put("message", "Settlements " + payload.get("status").asText());
        schedule("settlement", r, payload, 1);
        return ResponseEntity.ok(SandboxJson.object().put("error", false).put("message", "Settlement file queued"));
    }

    private ResponseEntity<JsonNode> pull(String type, String body, String required) {
        JsonNode r = SandboxJson.tryParse(body);
        ResponseEntity<JsonNode> refused = refuse(type, r, required, "webhook");
        if (refused != null) {
            return refused;
        }
        String uid = r.path("uid").asText("");
        if (!"biz_silent".equals(uid)) {
            schedule(type, r, answer(type, r), "biz_twice".equals(uid) ? 2 : 1);
        }
        return ResponseEntity.ok(SandboxJson.object().put("error", false).put("message", "Request queued"));
    }

    /** Credentials in the body, then the fields the call requires; what was received is kept (credentials masked). */
    private ResponseEntity<JsonNode> refuse(String endpoint, JsonNode r, String... required) {
        ObjectNode seen = SandboxJson.object().put("endpoint", endpoint);
        if (r != null && r.isObject()) {
            seen.put("apikeyPresent", r.hasNonNull("apikey")).put("appidPresent", r.hasNonNull("appid"))
                    .put("signaturePresent", r.hasNonNull("signature"))
                    .put("uid", r.path("uid").asText(null)).put("email", r.path("email").asText(null));
        }
        received.add(seen);
        if (r == null || !r.isObject()) {
            return ResponseEntity.badRequest().body(SandboxJson.object().put("error", true).put("message", "Invalid JSON body"));
        }
        if (!Credentials.equal(r.path("apikey").asText(""), account.apikey())
                | !Credentials.equal(r.path("appid").asText(""), account.appid())) {
            return ResponseEntity.status(401).body(SandboxJson.object().put("error", true).put("message", "Invalid apikey or appid"));
        }
        for (String field : required) {
            if (r.path(field).asText("").isBlank()) {
                return ResponseEntity.badRequest().body(SandboxJson.object().put("error", true).put("message", field + " is required"));
            }
        }
        return null;
    }

    /** The data a pull returns (ASSUMED shapes), by type and uid. */
    private static ObjectNode answer(String type, JsonNode r) {
        String uid = r.path("uid").asText("");
        ObjectNode payload = SandboxJson.object();
        payload.put("uid", uid);
        payload.put("type", type);
        if ("biz_unknown".equals(uid)) {
            return payload.put("error", true).put("message", "Business not found");
        }
        payload.put("error", false).put("message", type + " for " + (uid.isEmpty() ? r.path("email").asText() : uid));
        switch (type) {
            case "business" -> {
                ArrayNode list = payload.putArray("data");
                list.addObject().put("uid", "biz_7Hq2").put("businessname", "Ama's Bakery").put("email", r.path("email").asText());
                list.addObject().put("uid", "biz_9Lk4").put("businessname", "Ama's Catering").put("email", r.path("email").asText());
            }
            case "insights" -> payload.putObject("data").put("currency", "ZAR").put("period", "2026-01")
                    .put("income", "48210.00").put("expenses", "31877.45").put("profit", "16332.55");
            case "expenses", "income" -> {
                ArrayNode list = payload.putArray("data");
                int n = "biz_large".equals(uid) ? 12 : 3;
                for (int i = 1; i <= n; i++) {
                    list.addObject().put("id", type.charAt(0) + "-" + i).put("date", String.format("2026-01-%02d", i))
                            .put("name", type + " " + i).put("currency", "ZAR").put("amount", (100 * i) + ".50").put("vat", "13.11");
                }
            }
            default -> payload.putObject("data").put("synced", true).putArray("accounts").addObject()
                    .put("bank", "FNB").put("accountNumberMasked", "****4821").put("balance", "10250.00");
        }
        return payload;
    }

    // ---------------------------------------------------------------- webhook delivery

    private void schedule(String type, JsonNode request, ObjectNode payload, int copies) {
        if (request.hasNonNull("signature")) {
            payload.put("signature", request.get("signature").asText()); // echoed as received
        }
        String webhook = request.path("webhook").asText("");
        if (webhook.isBlank()) {
            return;
        }
        Job job = new Job(UUID.randomUUID().toString(), type, request.path("uid").asText(request.path("email").asText("")),
                webhook, SandboxJson.write(payload).getBytes(StandardCharsets.UTF_8), new CopyOnWriteArrayList<>(), new AtomicInteger());
        jobs.put(job.id, job);
        for (int c = 0; c < copies; c++) {
            scheduler.schedule(() -> deliver(job, 0), account.answerDelay().toMillis() * (c + 1), TimeUnit.MILLISECONDS);
        }
    }

    private void deliver(Job job, int retry) {
        int status = send(job.webhook, job.body);
        job.attempts.add(status);
        if (status / 100 == 2) {
            job.delivered.incrementAndGet();
            return;
        }
        if (retry < account.retryDelays().size()) {
            scheduler.schedule(() -> deliver(job, retry + 1), account.retryDelays().get(retry).toMillis(), TimeUnit.MILLISECONDS);
        } // after the last retry stub discards the data
    }

    private int send(String url, byte[] body) {
        if (!hubWebhook(url)) {
            return 0;
        }
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    /**
     * Whether a URL is a webhook of the hub this sandbox runs in: http(s), a loopback address, a path under
     * {@code /webhooks/}, no user info. The sandbox posts nowhere else, so no caller can make the hub's process
     * POST to an address of its choosing through it.
     */
    static boolean hubWebhook(String url) {
        try {
            URI u = URI.create(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && u.getRawUserInfo() == null && u.getHost() != null
                    && u.getRawPath() != null && u.getRawPath().startsWith("/webhooks/") && !u.getRawPath().contains("..")
                    && java.net.InetAddress.getByName(u.getHost()).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }

    private String presign(String path, long expires) {
        return Credentials.hmacHex("HmacSHA256", account.objectStoreKey(),
                (path + "\n" + expires).getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- controls

    /** The webhooks scheduled for a business id (or email): type, HTTP status of each attempt, deliveries. */
    @GetMapping("/_control/deliveries/{uid}")
    public ArrayNode deliveries(@PathVariable String uid) {
        ArrayNode out = SandboxJson.NODES.arrayNode();
        jobs.values().stream().filter(j -> j.uid.equals(uid)).forEach(j -> {
            ObjectNode n = out.addObject().put("type", j.type).put("delivered", j.delivered.get());
            ArrayNode a = n.putArray("attempts");
            j.attempts.forEach(a::add);
        });
        return out;
    }

    /** Every request received, credentials reduced to whether they were present. */
    @GetMapping("/_control/requests")
    public List<JsonNode> requests() {
        return new ArrayList<>(received);
    }

    /** The files stored in the object store: path and size; {@code ?path=} gives one file's content. */
    @GetMapping("/_control/objects")
    public ResponseEntity<JsonNode> objects(@RequestParam(value = "path", required = false) String path) {
        if (path != null) {
            byte[] file = objects.get(path);
            return file == null ? ResponseEntity.notFound().build()
                    : ResponseEntity.ok(SandboxJson.tryParse(new String(file, StandardCharsets.UTF_8)));
        }
        ObjectNode out = SandboxJson.object();
        objects.forEach((p, b) -> out.put(p, b.length));
        return ResponseEntity.ok(out);
    }

    /**
     * A result for a token the hub never issued, as a confused or malicious sender would post it:
     * {@code {"webhook", "uid", "type"}}; answers the hub's HTTP status. The webhook must be one of this hub's
     * ({@link #hubWebhook}): 400 otherwise.
     */
    @PostMapping(path = "/_control/unknown-token", consumes = MediaType.ALL_VALUE)
    public ObjectNode unknownToken(@RequestBody String body) {
        JsonNode r = SandboxJson.tryParse(body);
        if (!hubWebhook(r.path("webhook").asText(""))) {
            throw new org.springframework.web.server.ResponseStatusException(org.springframework.http.HttpStatus.BAD_REQUEST,
                    "webhook must be a /webhooks/ path of this hub on a loopback address");
        }
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        ObjectNode payload = answer(r.path("type").asText("insights"), r);
        payload.put("signature", r.path("signature").asText(UUID.randomUUID() + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(token)));
        int status = send(r.path("webhook").asText(), SandboxJson.write(payload).getBytes(StandardCharsets.UTF_8));
        return SandboxJson.object().put("hubStatus", status);
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }

    private record Job(String id, String type, String uid, String webhook, byte[] body, List<Integer> attempts,
                       AtomicInteger delivered) {
    }
}
