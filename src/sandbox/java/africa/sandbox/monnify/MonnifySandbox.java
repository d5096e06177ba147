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
    private volatile boolean otpRequired;
    private final Map<String, Batch> batches = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> batchRequests = new ConcurrentHashMap<>();
    private volatile BigDecimal walletBalance;

    public MonnifySandbox(MonnifySandboxProperties account, WebhookSender webhooks, SandboxProperties sandbox) {
        this.account = account;
        this.otpRequired = account.otpRequired();
        this.walletBalance = account.walletBalance();
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
        ResponseEntity<JsonNode> refused = turnedAway(authorization);
        if (refused != null) {
            return refused;
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
        t.executed = !(scenario == Scenario.AWAITING_OTP
                || (otpRequired && (scenario == Scenario.SUCCESS || scenario == Scenario.UNAVAILABLE_THEN_SUCCESS)));
        if (t.executed) {
            recordExecution(t);
        }
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
            case AWAITING_OTP -> {
                t.status = "PENDING_AUTHORIZATION";  // no OTP ever arrives for this one
                t.executed = false;
            }
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
                if (otpRequired) {
                    // Monnify holds every API transfer for the OTP it mails to the merchant (facts A6)
                    t.awaitOtp(newOtp(), async);
                } else {
                    execute(t, async);
                }
            }
        }
        return ok(singleResponse(t));
    }

    /** A transfer request refused before it is read: no token, or a fault injected on demand (after its latency). */
    private ResponseEntity<JsonNode> turnedAway(String authorization) throws InterruptedException {
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
        return null;
    }

    /** Makes the transfer: at once, or (async) pending until a webhook and the status query say SUCCESS. */
    private void execute(Transfer t, boolean async) {
        Duration delay = account.webhookDelay();
        t.executed = true;
        if (async) {
            t.status = "PENDING";
            t.later("SUCCESS", delay.plusSeconds(1));
            scheduleWebhook(t, "SUCCESSFUL_DISBURSEMENT", "SUCCESS", delay, 1);
        } else {
            t.status = "SUCCESS";
        }
    }

    private String newOtp() {
        return String.format("%06d", random.nextInt(1_000_000));
    }

    /** Authorize Single Transfers: the OTP mailed to the merchant releases the transfer. */
    @PostMapping(path = "/api/v2/disbursements/single/validate-otp", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> validateOtp(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                @RequestBody(required = false) String body) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        JsonNode req = SandboxJson.tryParse(body);
        String reference = req == null ? null : req.path("reference").asText(null);
        Transfer t = reference == null ? null : transfers.get(reference);
        if (t == null) {
            return error(HttpStatus.NOT_FOUND, 99, "Transaction not found for reference: " + reference);
        }
        synchronized (t) {
            if (!"PENDING_AUTHORIZATION".equals(t.status) || t.otp == null) {
                return error(HttpStatus.BAD_REQUEST, 99, "Transfer " + reference + " is not awaiting authorization");
            }
            String code = req.path("authorizationCode").asText("");
            if (!Credentials.equal(t.otp, code)) {
                return error(HttpStatus.BAD_REQUEST, 99, "Invalid authorization code");
            }
            t.otp = null;
            execute(t, t.async);
            recordExecution(t);
        }
        return ok(singleResponse(t));
    }

    /**
     * Initiate Transfer (Bulk): every item becomes a transfer of its own (its reference, its status, its
     * webhook), processed over time; held for the batch OTP first when OTP is on. An item's outcome follows
     * its destination account, as for single transfers (invalid account and insufficient balance fail it).
     */
    @PostMapping(path = "/api/v2/disbursements/batch", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> batch(@RequestHeader(value = "Authorization", required = false) String authorization,
                                          @RequestBody(required = false) String body) throws Exception {
        ResponseEntity<JsonNode> refused = turnedAway(authorization);
        if (refused != null) {
            return refused;
        }
        JsonNode req = SandboxJson.tryParse(body);
        if (req == null || !req.hasNonNull("batchReference") || !req.path("transactionList").isArray()
                || req.path("transactionList").isEmpty()) {
            return error(HttpStatus.BAD_REQUEST, 99, "batchReference and a non-empty transactionList are required");
        }
        String batchReference = req.get("batchReference").asText();
        batchRequests.computeIfAbsent(batchReference, r -> new AtomicInteger()).incrementAndGet();
        List<String> problems = new ArrayList<>();
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode item : req.get("transactionList")) {
            ObjectNode full = item.deepCopy();
            full.put("sourceAccountNumber", req.path("sourceAccountNumber").asText(""));
            validate(full).forEach(p -> problems.add(item.path("reference").asText("?") + ": " + p));
            if (transfers.containsKey(item.path("reference").asText(""))) {
                problems.add("Duplicate reference: " + item.path("reference").asText());
            }
            items.add(full);
        }
        if (!problems.isEmpty() && !"CONTINUE".equals(req.path("onValidationFailure").asText())) {
            return error(HttpStatus.BAD_REQUEST, 99, String.join("; ", problems));
        }
        synchronized (batches) {
            if (batches.containsKey(batchReference)) {
                return error(HttpStatus.BAD_REQUEST, 99, "Duplicate batch reference " + batchReference);
            }
            Batch b = new Batch(batchReference);
            for (ObjectNode item : items) {
                String reference = item.path("reference").asText();
                if (validate(item).isEmpty()) {
                    Transfer t = new Transfer(item, "MFDS" + Instant.now().toEpochMilli() + String.format("%06d", sequence.incrementAndGet()));
                    t.status = "PENDING";
                    // one atomic check, as for single transfers: a reference is executed at most once
                    if (transfers.putIfAbsent(reference, t) == null) {
                        requests.computeIfAbsent(reference, r -> new AtomicInteger()).incrementAndGet();
                        b.references.add(reference);
                    }
                }
            }
            b.status = otpRequired ? "PENDING_BATCH_AUTHORIZATION" : "AWAITING_PROCESSING";
            if (otpRequired) {
                b.otp = newOtp();
            } else {
                process(b);
            }
            batches.put(batchReference, b);
            return ok(batchResponse(b));
        }
    }

    /** Authorize Bulk Transfers: the batch OTP releases every transfer in it. */
    @PostMapping(path = "/api/v2/disbursements/batch/validate-otp", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> validateBatchOtp(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                     @RequestBody(required = false) String body) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        JsonNode req = SandboxJson.tryParse(body);
        Batch b = req == null ? null : batches.get(req.path("reference").asText(""));
        if (b == null) {
            return error(HttpStatus.NOT_FOUND, 99, "Batch not found");
        }
        synchronized (b) {
            if (b.otp == null) {
                return error(HttpStatus.BAD_REQUEST, 99, "Batch " + b.reference + " is not awaiting authorization");
            }
            if (!Credentials.equal(b.otp, req.path("authorizationCode").asText(""))) {
                return error(HttpStatus.BAD_REQUEST, 99, "Invalid authorization code");
            }
            b.otp = null;
            b.status = "AWAITING_PROCESSING";
            process(b);
        }
        return ok(batchResponse(b));
    }

    /** Each transfer of the batch settles a little later by its own scenario, with its own webhook. */
    private void process(Batch b) {
        Duration delay = account.webhookDelay();
        int i = 0;
        for (String reference : b.references) {
            Transfer t = transfers.get(reference);
            Scenario scenario = Scenario.forAccount(t.destinationAccountNumber);
            boolean fails = scenario == Scenario.INVALID_ACCOUNT || scenario == Scenario.INSUFFICIENT_FUNDS;
            t.executed = !fails;
            if (t.executed) {
                recordExecution(t);
            }
            Duration after = delay.plusMillis(5L * i++);
            t.laterFromNow(fails ? "FAILED" : "SUCCESS", after.plusMillis(500));
            scheduleWebhook(t, fails ? "FAILED_DISBURSEMENT" : "SUCCESSFUL_DISBURSEMENT", fails ? "FAILED" : "SUCCESS", after, 1);
        }
    }

    private ObjectNode batchResponse(Batch b) {
        ObjectNode r = SandboxJson.object();
        BigDecimal total = BigDecimal.ZERO;
        for (String reference : b.references) {
            total = total.add(transfers.get(reference).amount);
        }
        r.set("totalAmount", SandboxJson.NODES.numberNode(total));
        r.set("totalFee", SandboxJson.NODES.numberNode(new BigDecimal("35").multiply(BigDecimal.valueOf(b.references.size()))));
        r.put("batchReference", b.reference);
        r.put("batchStatus", b.currentStatus());
        r.put("totalTransactionsCount", b.references.size());
        r.put("dateCreated", ISO.format(b.createdAt));
        return r;
    }

    /** Get Bulk Transfer Transactions: the batch's transfers and their status, a page at a time. */
    @GetMapping("/api/v2/disbursements/bulk/{batchReference}/transactions")
    public ResponseEntity<JsonNode> bulkTransactions(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                     @PathVariable String batchReference,
                                                     @RequestParam(value = "pageNo", defaultValue = "0") int pageNo,
                                                     @RequestParam(value = "pageSize", defaultValue = "10") int pageSize) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        Batch b = batches.get(batchReference);
        if (b == null) {
            return error(HttpStatus.NOT_FOUND, 99, "Batch not found");
        }
        return ok(page(b.references.stream().map(transfers::get).toList(), pageNo, Math.max(1, pageSize), this::settledSummary));
    }

    /**
     * List All Single Transfers (lines 2968-3368): every transfer not made by a bulk transfer, newest first,
     * a page at a time (pageNo counts from 0: the document's pageNo=1 answers pageNumber 1, offset 20).
     */
    @GetMapping("/api/v2/disbursements/single/transactions")
    public ResponseEntity<JsonNode> singleTransfers(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                    @RequestParam(value = "pageNo", defaultValue = "0") int pageNo,
                                                    @RequestParam(value = "pageSize", defaultValue = "10") int pageSize) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        java.util.Set<String> inBatches = new java.util.HashSet<>();
        batches.values().forEach(b -> inBatches.addAll(b.references));
        List<Transfer> single = transfers.values().stream().filter(t -> !inBatches.contains(t.reference))
                .sorted(java.util.Comparator.comparing((Transfer t) -> t.createdAt).reversed()).toList();
        return ok(page(single, pageNo, Math.max(1, Math.min(pageSize, 100)), this::settledSummary));
    }

    /** List All Bulk Transfers (lines 3370-3458): every batch with its status and totals, newest first. */
    @GetMapping("/api/v2/disbursements/bulk/transactions")
    public ResponseEntity<JsonNode> bulkTransfers(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                  @RequestParam(value = "pageNo", defaultValue = "0") int pageNo,
                                                  @RequestParam(value = "pageSize", defaultValue = "10") int pageSize) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        List<Batch> all = batches.values().stream()
                .sorted(java.util.Comparator.comparing((Batch b) -> b.createdAt).reversed()).toList();
        return ok(page(all, pageNo, Math.max(1, Math.min(pageSize, 100)), this::batchResponse));
    }

    private ObjectNode settledSummary(Transfer t) {
        t.settle();
        return summaryOf(t);
    }

    /** One page of {@code all}, each item as {@code view} shows it, in Monnify's page envelope. */
    private static <T> ObjectNode page(List<T> all, int pageNo, int size, java.util.function.Function<T, ObjectNode> view) {
        ObjectNode page = SandboxJson.object();
        com.fasterxml.jackson.databind.node.ArrayNode content = page.putArray("content");
        int from = Math.max(0, pageNo) * size;
        for (int i = from; i < Math.min(all.size(), from + size); i++) {
            content.add(view.apply(all.get(i)));
        }
        page.put("totalElements", all.size());
        page.put("totalPages", (all.size() + size - 1) / size);
        page.put("number", Math.max(0, pageNo));
        page.put("size", size);
        page.put("first", from == 0);
        page.put("last", from + size >= all.size());
        return page;
    }

    /**
     * Search Disbursement Transactions: the transfers from a wallet (sourceAccountNumber, mandatory), newest
     * first, optionally between two timestamps (epoch milliseconds) and two amounts, a page at a time.
     */
    @GetMapping("/api/v2/disbursements/search-transactions")
    public ResponseEntity<JsonNode> searchTransactions(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                       @RequestParam(value = "sourceAccountNumber", required = false) String source,
                                                       @RequestParam(value = "startDate", required = false) Long startDate,
                                                       @RequestParam(value = "endDate", required = false) Long endDate,
                                                       @RequestParam(value = "amountFrom", required = false) BigDecimal amountFrom,
                                                       @RequestParam(value = "amountTo", required = false) BigDecimal amountTo,
                                                       @RequestParam(value = "pageNo", defaultValue = "0") int pageNo,
                                                       @RequestParam(value = "pageSize", defaultValue = "10") int pageSize) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        if (source == null || source.isBlank()) {
            return error(HttpStatus.BAD_REQUEST, 99, "sourceAccountNumber is required");
        }
        List<Transfer> found = transfers.values().stream()
                .filter(t -> source.equals(t.sourceAccountNumber))
                .filter(t -> startDate == null || !t.createdAt.isBefore(Instant.ofEpochMilli(startDate)))
                .filter(t -> endDate == null || !t.createdAt.isAfter(Instant.ofEpochMilli(endDate)))
                .filter(t -> amountFrom == null || t.amount.compareTo(amountFrom) >= 0)
                .filter(t -> amountTo == null || t.amount.compareTo(amountTo) <= 0)
                .sorted(java.util.Comparator.comparing((Transfer t) -> t.createdAt).reversed()).toList();
        return ok(page(found, pageNo, Math.max(1, Math.min(pageSize, 100)), this::settledSummary));
    }

    /** Get Wallet Balance of the merchant's (source) wallet. */
    @GetMapping("/api/v2/disbursements/wallet-balance")
    public ResponseEntity<JsonNode> walletBalance(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                  @RequestParam(value = "accountNumber", required = false) String accountNumber) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        if (!account.sourceAccountNumber().equals(accountNumber)) {
            return error(HttpStatus.NOT_FOUND, 99, "Wallet not found for account number: " + accountNumber);
        }
        ObjectNode balance = SandboxJson.object();
        balance.set("availableBalance", SandboxJson.NODES.numberNode(walletBalance));
        balance.set("ledgerBalance", SandboxJson.NODES.numberNode(walletBalance));
        return ok(balance);
    }

    /** Resend OTP: a new code replaces the old one. */
    @PostMapping(path = "/api/v2/disbursements/single/resend-otp", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> resendOtp(@RequestHeader(value = "Authorization", required = false) String authorization,
                                              @RequestBody(required = false) String body) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, 99, "Full authentication is required to access this resource");
        }
        JsonNode req = SandboxJson.tryParse(body);
        Transfer t = req == null ? null : transfers.get(req.path("reference").asText(""));
        if (t == null || !"PENDING_AUTHORIZATION".equals(t.status) || t.otp == null) {
            return error(HttpStatus.BAD_REQUEST, 99, "No transfer awaiting authorization for this reference");
        }
        t.otp = newOtp();
        return ok(SandboxJson.object().put("message", "Authorization code will be processed and sent to predefined email addresses(s)"));
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
        return ok(summaryOf(t));
    }

    private ObjectNode summaryOf(Transfer t) {
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
        return b;
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

    /** What the simulator saw for a batch reference: requests, transfers in it, transfers executed. */
    @GetMapping("/_control/batches/{reference}")
    public Map<String, Object> batchRecord(@PathVariable String reference) {
        Batch b = batches.get(reference);
        long executed = b == null ? 0 : b.references.stream().map(transfers::get).filter(t -> t.executed).count();
        return Map.of("reference", reference,
                "requests", batchRequests.getOrDefault(reference, new AtomicInteger()).get(),
                "transfers", b == null ? 0 : b.references.size(),
                "executions", executed,
                "status", b == null ? "NONE" : b.currentStatus());
    }

    /** The merchant's mailbox: the OTP Monnify sent for a transfer (or a batch) waiting for authorization. */
    @GetMapping("/_control/otp/{reference}")
    public ResponseEntity<Map<String, Object>> otp(@PathVariable String reference) {
        Batch batch = batches.get(reference);
        if (batch != null && batch.otp != null) {
            return ResponseEntity.ok(Map.of("reference", reference, "otp", batch.otp));
        }
        Transfer t = transfers.get(reference);
        if (t == null || t.otp == null) {
            return ResponseEntity.status(404).body(Map.of("reference", reference, "otp", "NONE"));
        }
        return ResponseEntity.ok(Map.of("reference", reference, "otp", t.otp));
    }

    /** Sets the source wallet's available balance ({@code {"availableBalance": "100.00"}}). */
    @PostMapping(path = "/_control/wallet-balance", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> setWalletBalance(@RequestBody Map<String, Object> body) {
        walletBalance = new BigDecimal(String.valueOf(body.get("availableBalance")));
        return Map.of("availableBalance", walletBalance.toPlainString());
    }

    /** Turns the OTP step on or off for new transfers ({@code {"required": false}}), as a merchant can at Monnify. */
    @PostMapping(path = "/_control/otp", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> otpSwitch(@RequestBody Map<String, Object> body) {
        otpRequired = Boolean.TRUE.equals(body.get("required"));
        return Map.of("required", otpRequired);
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
                "executions", t == null || !t.executed ? 0 : 1,
                "status", t == null ? "NONE" : t.status,
                "webhooksSent", sentWebhooks.getOrDefault(reference, List.of()).size(),
                "webhookAnswers", webhooks.answers(reference));
    }

    /**
     * A transfer's status changed at Monnify after the fact (a reversal): without a webhook (what reconciliation
     * finds), or with {@code "webhook": true} its webhook sent now ({@code REVERSED_DISBURSEMENT} for REVERSED),
     * retried as Monnify retries it, then given up.
     */
    @PostMapping(path = "/_control/transfers/{reference}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> changeStatus(@PathVariable String reference, @RequestBody Map<String, Object> body) {
        Transfer t = transfers.get(reference);
        if (t == null) {
            return ResponseEntity.notFound().build();
        }
        t.settle();
        t.status = String.valueOf(body.getOrDefault("status", "REVERSED"));
        if (Boolean.TRUE.equals(body.get("webhook"))) {
            scheduleWebhook(t, "REVERSED".equals(t.status) ? "REVERSED_DISBURSEMENT"
                    : "SUCCESS".equals(t.status) ? "SUCCESSFUL_DISBURSEMENT" : "FAILED_DISBURSEMENT", t.status, Duration.ZERO, 1);
        }
        return ResponseEntity.ok(Map.of("reference", reference, "status", t.status));
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

    private void recordExecution(Transfer t) {
        executed.add(Map.of("reference", t.reference, "narration", t.narration, "amount", t.amount.toPlainString(),
                "at", Instant.now().toString()));
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
            webhooks.send(webhookUrl, bytes, Map.of(MonnifySignature.HEADER, signature(bytes)), when, t.reference);
        }
        sentWebhooks.computeIfAbsent(t.reference, r -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(bytes);
    }

    /** A live bearer token this simulator issued (also for {@link MonnifyAccounts}). */
    boolean authorized(String authorization) {
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

    static ResponseEntity<JsonNode> ok(JsonNode body) {
        ObjectNode env = SandboxJson.object();
        env.put("requestSuccessful", true);
        env.put("responseMessage", "success");
        env.put("responseCode", "0");
        env.set("responseBody", body);
        return ResponseEntity.ok(env);
    }

    static ResponseEntity<JsonNode> error(HttpStatus status, Object code, String message) {
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
    /** A bulk transfer: its transfers' references, its status, its OTP while it waits for one. */
    final class Batch {
        final String reference;
        final Instant createdAt = Instant.now();
        final List<String> references = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile String status;
        volatile String otp;

        Batch(String reference) {
            this.reference = reference;
        }

        /** COMPLETED once every transfer in it is final. */
        String currentStatus() {
            if (otp != null) {
                return status;
            }
            boolean done = references.stream().map(transfers::get).peek(Transfer::settle)
                    .allMatch(t -> "SUCCESS".equals(t.status) || "FAILED".equals(t.status));
            return done ? "COMPLETED" : status;
        }
    }

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
        volatile boolean executed;
        volatile String otp;
        volatile boolean async;

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
            this.nextAt = (executed && otpReleased ? Instant.now() : createdAt).plus(after);
        }

        /** The next status, {@code after} from now (a transfer released later than it was created). */
        void laterFromNow(String status, Duration after) {
            this.nextStatus = status;
            this.nextAt = Instant.now().plus(after);
        }

        /** Held for an OTP: nothing is paid until it is validated. */
        void awaitOtp(String code, boolean async) {
            this.status = "PENDING_AUTHORIZATION";
            this.executed = false;
            this.otp = code;
            this.async = async;
            this.otpReleased = true;
        }

        private volatile boolean otpReleased;

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
