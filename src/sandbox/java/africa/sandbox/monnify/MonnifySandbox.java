package africa.sandbox.monnify;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.sandbox.Credentials;
import africa.sandbox.SandboxJson;
import africa.sandbox.SandboxProperties;
import africa.sandbox.WebhookSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Monnify double, after {@code provider-docs/monnify-api-reference.txt} and provider-facts A:
 * Basic login issuing expiring bearer tokens, single transfers with Monnify's envelopes and statuses, the
 * transfer summary, and webhooks signed as Monnify signs them (HMAC-SHA512 of the exact bytes sent, with
 * the secret key, in {@code monnify-signature}). Faults are chosen by destination account number
 * ({@link Scenario}) or injected on demand under {@code /sandbox/monnify/_control}. It counts requests and
 * executed transfers per reference, so a test can prove nothing was paid twice.
 */
@RestController
@RequestMapping(path = "/sandbox/monnify", produces = MediaType.APPLICATION_JSON_VALUE)
public class MonnifySandbox {

    private static final Logger LOG = LoggerFactory.getLogger(MonnifySandbox.class);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter WEBHOOK_DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy h:mm:ss a").withZone(ZoneOffset.UTC);

    private final MonnifySandboxProperties account;
    private final WebhookSender webhooks;
    private final String webhookUrl;
    private final SecureRandom random = new SecureRandom();

    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, Transfer> transfers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, List<byte[]>> sentWebhooks = new ConcurrentHashMap<>();
    private final AtomicInteger logins = new AtomicInteger();
    /** Every transfer executed, in order: what a reconciliation (or the chaos suite) counts. */
    private final List<Map<String, String>> executed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile Faults faults = Faults.NONE;

    public MonnifySandbox(MonnifySandboxProperties account, WebhookSender webhooks, SandboxProperties sandbox) {
        this.account = account;
        this.webhooks = webhooks;
        this.webhookUrl = sandbox.hubBaseUrl() + "/webhooks/monnify";
    }

    // ---------------------------------------------------------------- Monnify API

    @PostMapping("/api/v1/auth/login")
    public ResponseEntity<JsonNode> login(@RequestHeader(value = "Authorization", required = false) String authorization) {
        if (authorization == null) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Unauthorized, supply authorization header");
        }
        if (!Credentials.basicMatches(authorization, account.apiKey(), account.secretKey())) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Invalid client credentials");
        }
        byte[] raw = new byte[48];
        random.nextBytes(raw);
        String token = "sbx." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        tokens.put(token, Instant.now().plus(account.tokenTtl()));
        logins.incrementAndGet();
        return ok(SandboxJson.object().put("accessToken", token).put("expiresIn", account.tokenTtl().toSeconds()));
    }

    @PostMapping(path = "/api/v2/disbursements/single", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> single(@RequestHeader(value = "Authorization", required = false) String authorization,
                                           @RequestBody(required = false) String body) throws Exception {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        Faults f = faults;
        if (f.latencyMs > 0) {
            Thread.sleep(f.latencyMs);
        }
        if (f.takeFailure()) {
            return ResponseEntity.status(f.failStatus).header("Retry-After", "1").body(envelopeError(99, "Service temporarily unavailable"));
        }
        JsonNode req = SandboxJson.tryParse(body);
        if (req == null) {
            return error(HttpStatus.BAD_REQUEST, 99, "Please ensure that the details supplied in your request are appropriate.");
        }
        List<String> problems = validate(req);
        if (!problems.isEmpty()) {
            return error(HttpStatus.BAD_REQUEST, 99, String.join("; ", problems));
        }
        String reference = req.get("reference").asText();
        int attempt = requests.computeIfAbsent(reference, r -> new AtomicInteger()).incrementAndGet();
        Scenario scenario = Scenario.forAccount(req.get("destinationAccountNumber").asText());
        boolean async = req.path("async").asBoolean(false);

        switch (scenario) {
            case INVALID_ACCOUNT:
                return error(HttpStatus.BAD_REQUEST, 99, "Invalid destination account number for bank " + req.get("destinationBankCode").asText());
            case INSUFFICIENT_FUNDS:
                return error(HttpStatus.BAD_REQUEST, 99, "Insufficient balance in source account");
            case DUPLICATE_REQUEST_D07:
                return error(HttpStatus.BAD_REQUEST, "D07", "DUPLICATE REQUEST: same destination and amount within 2 minutes");
            case UNAVAILABLE_THEN_SUCCESS:
                if (attempt == 1) {
                    return ResponseEntity.status(503).header("Retry-After", "1").body(envelopeError(99, "Service temporarily unavailable"));
                }
                break;
            default:
                break;
        }
        Transfer t = new Transfer(req, "MFDS" + Instant.now().toEpochMilli() + String.format("%06d", sequence.incrementAndGet()));
        // one atomic check: two concurrent requests with one reference can never both execute
        if (transfers.putIfAbsent(reference, t) != null) {
            return error(HttpStatus.BAD_REQUEST, 99, "Duplicate reference: a transfer with reference " + reference + " already exists");
        }
        executed.add(Map.of("reference", reference, "narration", t.narration, "amount", t.amount.toPlainString(),
                "at", Instant.now().toString()));
        Duration delay = account.webhookDelay();
        // where a webhook carries the news, the status query catches up a little later, as at Monnify
        Duration settled = delay.plusSeconds(1);
        switch (scenario) {
            case PENDING_THEN_SUCCESS -> {
                t.status = "PENDING";
                t.later("SUCCESS", settled);
                scheduleWebhook(t, "SUCCESSFUL_DISBURSEMENT", "SUCCESS", delay, 1);
            }
            case PENDING_THEN_FAILED -> {
                t.status = "PENDING";
                t.later("FAILED", settled);
                scheduleWebhook(t, "FAILED_DISBURSEMENT", "FAILED", delay, 1);
            }
            case PENDING_POLL_ONLY -> {
                t.status = "PENDING";
                t.later("SUCCESS", account.settleDelay());
            }
            case DUPLICATE_WEBHOOKS -> {
                t.status = "PENDING";
                t.later("SUCCESS", settled);
                scheduleWebhook(t, "SUCCESSFUL_DISBURSEMENT", "SUCCESS", delay, 3);
            }
            case OUT_OF_ORDER_WEBHOOKS -> {
                t.status = "PENDING";
                t.later("REVERSED", settled);
                scheduleWebhook(t, "REVERSED_DISBURSEMENT", "REVERSED", delay, 1);
                scheduleWebhook(t, "SUCCESSFUL_DISBURSEMENT", "SUCCESS", delay.multipliedBy(2), 1);
            }
            case AWAITING_OTP -> t.status = "PENDING_AUTHORIZATION";
            case SUCCESS_THEN_REVERSED -> {
                t.status = "SUCCESS";
                t.later("REVERSED", settled);
                scheduleWebhook(t, "REVERSED_DISBURSEMENT", "REVERSED", delay, 1);
            }
            case RESPONSE_LOST -> {
                t.status = "SUCCESS";
                LOG.info("Sandbox Monnify: transfer {} made; holding the answer for {}", reference, account.lostResponseDelay());
                Thread.sleep(account.lostResponseDelay().toMillis());
            }
            case SERVER_ERROR_AFTER_COMMIT -> {
                t.status = "SUCCESS";
                return error(HttpStatus.INTERNAL_SERVER_ERROR, 99, "An error occurred while processing your request");
            }
            default -> {
                if (async) {
                    t.status = "PENDING";
                    t.later("SUCCESS", settled);
                    scheduleWebhook(t, "SUCCESSFUL_DISBURSEMENT", "SUCCESS", delay, 1);
                } else {
                    t.status = "SUCCESS";
                }
            }
        }
        return ok(singleResponse(t));
    }

    @GetMapping("/api/v2/disbursements/single/summary")
    public ResponseEntity<JsonNode> summary(@RequestHeader(value = "Authorization", required = false) String authorization,
                                            @RequestParam(value = "reference", required = false) String reference) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        Transfer t = reference == null ? null : transfers.get(reference);
        if (t == null) {
            return error(HttpStatus.NOT_FOUND, 99, "Transaction not found for reference: " + reference);
        }
        t.settle();
        ObjectNode b = SandboxJson.object();
        b.set("amount", t.amountNode());
        b.put("reference", t.reference);
        b.put("narration", t.narration);
        b.put("currency", t.currency);
        b.set("fee", SandboxJson.NODES.numberNode(new BigDecimal("35")));
        b.put("twoFaEnabled", "PENDING_AUTHORIZATION".equals(t.status));
        b.put("status", t.status);
        b.put("transactionDescription", description(t.status));
        b.put("transactionReference", t.transactionReference);
        b.put("createdOn", ISO.format(t.createdAt));
        b.put("sourceAccountNumber", t.sourceAccountNumber);
        b.put("destinationAccountNumber", t.destinationAccountNumber);
        b.put("destinationAccountName", t.destinationAccountName);
        b.put("destinationBankCode", t.destinationBankCode);
        b.put("destinationBankName", "Zenith bank");
        return ok(b);
    }

    // ---------------------------------------------------------------- fault injection and inspection

    /** Token expiry mid-run: every issued token stops working now. */
    @PostMapping("/_control/expire-tokens")
    public Map<String, Object> expireTokens() {
        int n = tokens.size();
        tokens.clear();
        return Map.of("expired", n);
    }

    /** The next {@code failNext} transfer requests answer {@code failStatus} unprocessed; every request waits {@code latencyMs}. */
    @PostMapping(path = "/_control/faults", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> faults(@RequestBody Map<String, Object> body) {
        int latency = ((Number) body.getOrDefault("latencyMs", 0)).intValue();
        int failNext = ((Number) body.getOrDefault("failNext", 0)).intValue();
        int failStatus = ((Number) body.getOrDefault("failStatus", 503)).intValue();
        faults = new Faults(latency, new AtomicInteger(failNext), failStatus);
        return Map.of("latencyMs", latency, "failNext", failNext, "failStatus", failStatus);
    }

    /** What the simulator saw for a reference: requests received, transfers executed (never more than one), status. */
    @GetMapping("/_control/transfers/{reference}")
    public Map<String, Object> transfer(@PathVariable String reference) {
        Transfer t = transfers.get(reference);
        if (t != null) {
            t.settle();
        }
        return Map.of("reference", reference,
                "requests", requests.getOrDefault(reference, new AtomicInteger()).get(),
                "executions", t == null ? 0 : 1,
                "status", t == null ? "NONE" : t.status,
                "webhooksSent", sentWebhooks.getOrDefault(reference, List.of()).size());
    }

    /** Replays the last webhook sent for a reference, byte for byte (a provider resending it). */
    @PostMapping("/_control/webhooks/{reference}/replay")
    public ResponseEntity<Map<String, Object>> replay(@PathVariable String reference) {
        List<byte[]> sent = sentWebhooks.get(reference);
        if (sent == null || sent.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        byte[] last = sent.get(sent.size() - 1);
        webhooks.send(webhookUrl, last, Map.of(MonnifySignature.HEADER, signature(last)), Duration.ZERO);
        return ResponseEntity.accepted().body(Map.of("replayed", reference));
    }

    /** Every transfer this simulator executed: reference, narration, amount, time. */
    @GetMapping("/_control/executed")
    public List<Map<String, String>> executed() {
        return List.copyOf(executed);
    }

    @GetMapping("/_control/stats")
    public Map<String, Object> stats() {
        return Map.of("logins", logins.get(), "transfers", transfers.size(), "activeTokens", tokens.size());
    }

    @GetMapping("/_control/scenarios")
    public List<Map<String, String>> scenarios() {
        List<Map<String, String>> out = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            out.add(Map.of("destinationAccountNumber", s.account() == null ? "any other" : s.account(),
                    "scenario", s.name(), "behaviour", s.description()));
        }
        return out;
    }

    // ---------------------------------------------------------------- internals

    /** Signs exactly the bytes that are sent, as Monnify does. */
    public String signature(byte[] body) {
        return MonnifySignature.sign(body, account.secretKey());
    }

    private void scheduleWebhook(Transfer t, String eventType, String status, Duration delay, int copies) {
        ObjectNode data = SandboxJson.object();
        data.set("amount", t.amountNode());
        data.put("transactionReference", t.transactionReference);
        data.set("fee", SandboxJson.NODES.numberNode(new BigDecimal("35")));
        if (!"FAILED".equals(status)) {
            data.put("transactionDescription", description(status));
        }
        data.put("destinationAccountNumber", t.destinationAccountNumber);
        data.put("sessionId", "FAILED".equals(status) ? "" : "0900" + t.transactionReference.substring(4));
        data.put("createdOn", WEBHOOK_DATE.format(t.createdAt));
        data.put("destinationAccountName", t.destinationAccountName);
        data.put("reference", t.reference);
        data.put("destinationBankCode", t.destinationBankCode);
        data.put("completedOn", WEBHOOK_DATE.format(Instant.now().plus(delay)));
        data.put("narration", t.narration);
        data.put("currency", t.currency);
        data.put("destinationBankName", "Zenith bank");
        data.put("status", status);
        ObjectNode event = SandboxJson.object();
        event.set("eventData", data);
        event.put("eventType", eventType);
        byte[] bytes = SandboxJson.write(event).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < copies; i++) {
            Duration when = delay.plusMillis(150L * i);
            webhooks.send(webhookUrl, bytes, Map.of(MonnifySignature.HEADER, signature(bytes)), when);
        }
        sentWebhooks.computeIfAbsent(t.reference, r -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(bytes);
    }

    private boolean authorized(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        Instant expiry = tokens.get(authorization.substring(7));
        return expiry != null && Instant.now().isBefore(expiry);
    }

    private List<String> validate(JsonNode req) {
        List<String> problems = new ArrayList<>();
        if (!req.isObject()) {
            problems.add("Request body must be a JSON object");
            return problems;
        }
        JsonNode amount = req.get("amount");
        if (amount == null || !amount.isNumber() || amount.decimalValue().signum() <= 0) {
            problems.add("amount must be a positive number");
        }
        for (String f : List.of("reference", "narration", "destinationBankCode", "destinationAccountNumber", "currency", "sourceAccountNumber")) {
            if (!req.hasNonNull(f) || req.get(f).asText().isBlank()) {
                problems.add(f + " is required");
            }
        }
        if (req.hasNonNull("currency") && !"NGN".equals(req.get("currency").asText())) {
            problems.add("Unknown currency code " + req.get("currency").asText());
        }
        if (req.hasNonNull("destinationAccountNumber") && !req.get("destinationAccountNumber").asText().matches("[0-9]{10}")) {
            problems.add("Invalid destination account number");
        }
        if (req.hasNonNull("sourceAccountNumber") && !req.get("sourceAccountNumber").asText().equals(account.sourceAccountNumber())) {
            problems.add("Invalid source account number");
        }
        return problems;
    }

    private static ObjectNode singleResponse(Transfer t) {
        ObjectNode b = SandboxJson.object();
        b.set("amount", t.amountNode());
        b.put("reference", t.reference);
        b.put("status", t.status);
        b.put("dateCreated", ISO.format(t.createdAt));
        b.set("totalFee", SandboxJson.NODES.numberNode(new BigDecimal("35")));
        b.put("destinationAccountName", t.destinationAccountName);
        b.put("destinationBankName", "Zenith bank");
        b.put("destinationAccountNumber", t.destinationAccountNumber);
        b.put("destinationBankCode", t.destinationBankCode);
        return b;
    }

    private static String description(String status) {
        return switch (status) {
            case "SUCCESS" -> "Transaction successful";
            case "FAILED" -> "Transaction failed";
            case "REVERSED" -> "Transaction reversed";
            case "PENDING_AUTHORIZATION" -> "Awaiting OTP authorization";
            default -> "Transaction in progress";
        };
    }

    private static ResponseEntity<JsonNode> ok(JsonNode body) {
        ObjectNode env = SandboxJson.object();
        env.put("requestSuccessful", true);
        env.put("responseMessage", "success");
        env.put("responseCode", "0");
        env.set("responseBody", body);
        return ResponseEntity.ok(env);
    }

    private static ResponseEntity<JsonNode> error(HttpStatus status, Object code, String message) {
        return ResponseEntity.status(status).body(envelopeError(code, message));
    }

    private static JsonNode envelopeError(Object code, String message) {
        ObjectNode env = SandboxJson.object();
        env.put("requestSuccessful", false);
        env.put("responseMessage", message);
        if (code instanceof Integer i) {
            env.put("responseCode", i);
        } else {
            env.put("responseCode", String.valueOf(code));
        }
        return env;
    }

    /** A transfer the simulator executed. */
    static final class Transfer {
        final String reference;
        final BigDecimal amount;
        final String currency;
        final String narration;
        final String destinationBankCode;
        final String destinationAccountNumber;
        final String destinationAccountName;
        final String sourceAccountNumber;
        final String transactionReference;
        final Instant createdAt = Instant.now();
        volatile String status;
        volatile String nextStatus;
        volatile Instant nextAt;

        Transfer(JsonNode req, String transactionReference) {
            this.reference = req.get("reference").asText();
            this.amount = req.get("amount").decimalValue();
            this.currency = req.get("currency").asText();
            this.narration = req.get("narration").asText();
            this.destinationBankCode = req.get("destinationBankCode").asText();
            this.destinationAccountNumber = req.get("destinationAccountNumber").asText();
            this.destinationAccountName = req.hasNonNull("destinationAccountName")
                    ? req.get("destinationAccountName").asText().toUpperCase(java.util.Locale.ROOT) : "SANDBOX BENEFICIARY";
            this.sourceAccountNumber = req.get("sourceAccountNumber").asText();
            this.transactionReference = transactionReference;
        }

        void later(String status, Duration after) {
            this.nextStatus = status;
            this.nextAt = createdAt.plus(after);
        }

        void settle() {
            if (nextStatus != null && !Instant.now().isBefore(nextAt)) {
                status = nextStatus;
                nextStatus = null;
            }
        }

        JsonNode amountNode() {
            return SandboxJson.NODES.numberNode(amount);
        }
    }

    private record Faults(int latencyMs, AtomicInteger failNext, int failStatus) {
        static final Faults NONE = new Faults(0, new AtomicInteger(), 503);

        boolean takeFailure() {
            return failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }
    }
}
