package africa.sandbox.connect;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.sandbox.Credentials;
import africa.sandbox.SandboxJson;
import africa.sandbox.SandboxProperties;
import org.springframework.beans.factory.DisposableBean;
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
 * A Connect API double, after {@code provider-docs/connect-wallet-topup-and-bank-transfer.txt}: HTTP
 * Basic on every call, bank account and wallet lookups over a small directory ({@link Directory}), top-ups
 * and bank transfers whose status moves from PENDING to final over time, a status endpoint by reference,
 * and a client that calls the hub's Status Check endpoint as Connect would when a top-up settles. The
 * document gives no field-level contract: the shapes here are the same assumptions the hub's mappings make.
 */
@RestController
@RequestMapping(path = "/sandbox/connect", produces = MediaType.APPLICATION_JSON_VALUE)
public class ConnectSandbox implements DisposableBean {

    private final ConnectSandboxProperties account;
    private final String statusCheckUrl;
    private final Map<String, Txn> transactions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> statusChecks = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong(880000);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-connect");
        t.setDaemon(true);
        return t;
    });
    /** Every transaction executed, in order: what a reconciliation (or the chaos suite) counts. */
    private final List<Map<String, String>> executed = new CopyOnWriteArrayList<>();

    @GetMapping("/_control/executed")
    public List<Map<String, String>> executed() {
        return List.copyOf(executed);
    }

    private volatile Faults faults = new Faults(new AtomicInteger(), 503, false);

    public ConnectSandbox(ConnectSandboxProperties account, SandboxProperties sandbox) {
        this.account = account;
        this.statusCheckUrl = sandbox.hubBaseUrl() + "/partners/connect/status-check";
    }

    // ---------------------------------------------------------------- the API

    @GetMapping("/v1/bank-accounts/lookup")
    public ResponseEntity<JsonNode> bankLookup(@RequestHeader(value = "Authorization", required = false) String auth,
                                               @RequestParam(value = "account_number", required = false) String number,
                                               @RequestParam(value = "bank_code", required = false) String bankCode) {
        ResponseEntity<JsonNode> refused = refuse(auth, false);
        if (refused != null) {
            return refused;
        }
        if (number == null || bankCode == null) {
            return error(400, "INVALID_REQUEST", "account_number and bank_code are required");
        }
        return Directory.bank(number, bankCode)
                .<ResponseEntity<JsonNode>>map(e -> ResponseEntity.ok(SandboxJson.object().put("account_number", e.id())
                        .put("bank_code", e.bankCode()).put("bank_name", "Commercial Bank of Ethiopia")
                        .put("account_name", e.holder()).put("status", e.status())))
                .orElseGet(() -> error(404, "ACCOUNT_NOT_FOUND", "no account " + number + " at " + bankCode));
    }

    @GetMapping("/v1/wallet-accounts/lookup")
    public ResponseEntity<JsonNode> walletLookup(@RequestHeader(value = "Authorization", required = false) String auth,
                                                 @RequestParam(value = "phone", required = false) String phone,
                                                 @RequestParam(value = "email", required = false) String email) {
        ResponseEntity<JsonNode> refused = refuse(auth, false);
        if (refused != null) {
            return refused;
        }
        if (phone == null && email == null) {
            return error(400, "INVALID_REQUEST", "phone or email is required");
        }
        return Directory.wallet(phone, email)
                .<ResponseEntity<JsonNode>>map(e -> ResponseEntity.ok(SandboxJson.object().put("wallet_id", e.id()).put("phone", e.phone())
                        .put("email", e.email()).put("holder_name", e.holder()).put("status", e.status())))
                .orElseGet(() -> error(404, "ACCOUNT_NOT_FOUND", "no wallet for that phone or email"));
    }

    @PostMapping(path = "/v1/wallet-topups", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> topUp(@RequestHeader(value = "Authorization", required = false) String auth,
                                          @RequestBody(required = false) String body) {
        ResponseEntity<JsonNode> refused = refuse(auth, true);
        if (refused != null) {
            return refused;
        }
        JsonNode r = SandboxJson.tryParse(body);
        Directory.Entry wallet = r == null ? null : Directory.walletById(r.path("wallet_id").asText("")).orElse(null);
        if (wallet == null) {
            return error(404, "ACCOUNT_NOT_FOUND", "no wallet " + (r == null ? "" : r.path("wallet_id").asText()));
        }
        return transact("TOPUP", r, wallet);
    }

    @PostMapping(path = "/v1/bank-transfers", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> transfer(@RequestHeader(value = "Authorization", required = false) String auth,
                                             @RequestBody(required = false) String body) {
        ResponseEntity<JsonNode> refused = refuse(auth, true);
        if (refused != null) {
            return refused;
        }
        JsonNode r = SandboxJson.tryParse(body);
        Directory.Entry bank = r == null ? null
                : Directory.bank(r.path("account_number").asText(""), r.path("bank_code").asText("")).orElse(null);
        if (bank == null) {
            return error(404, "ACCOUNT_NOT_FOUND", "no such beneficiary account");
        }
        return transact("BANK_TRANSFER", r, bank);
    }

    @GetMapping("/v1/transactions/{reference}")
    public ResponseEntity<JsonNode> status(@RequestHeader(value = "Authorization", required = false) String auth,
                                           @PathVariable String reference) {
        ResponseEntity<JsonNode> refused = refuse(auth, false);
        if (refused != null) {
            return refused;
        }
        Txn t = transactions.get(reference);
        return t == null ? error(404, "TRANSACTION_NOT_FOUND", "no transaction with reference " + reference)
                : ResponseEntity.ok(t.json());
    }

    // ---------------------------------------------------------------- controls

    /** Calls the hub's Status Check endpoint now, as Connect does, and answers what the hub said. */
    @PostMapping("/_control/status-check/{reference}")
    public JsonNode statusCheckNow(@PathVariable String reference) {
        return callStatusCheck(reference);
    }

    @GetMapping("/_control/status-checks/{reference}")
    public List<JsonNode> statusChecks(@PathVariable String reference) {
        return new ArrayList<>(statusChecks.getOrDefault(reference, List.of()));
    }

    /**
     * The next {@code failNext} API calls (lookups included; only top-ups and transfers with
     * {@code "transfersOnly": true}) answer {@code failStatus}, unprocessed.
     */
    @PostMapping(path = "/_control/faults", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> faults(@RequestBody Map<String, Object> body) {
        int failNext = ((Number) body.getOrDefault("failNext", 0)).intValue();
        int failStatus = ((Number) body.getOrDefault("failStatus", 503)).intValue();
        boolean transfersOnly = Boolean.TRUE.equals(body.get("transfersOnly"));
        faults = new Faults(new AtomicInteger(failNext), failStatus, transfersOnly);
        return Map.of("failNext", failNext, "failStatus", failStatus, "transfersOnly", transfersOnly);
    }

    @GetMapping("/_control/transactions/{reference}")
    public Map<String, Object> transaction(@PathVariable String reference) {
        Txn t = transactions.get(reference);
        return Map.of("reference", reference, "requests", requests.getOrDefault(reference, new AtomicInteger()).get(),
                "executions", t == null ? 0 : 1, "status", t == null ? "NONE" : t.status());
    }

    @GetMapping("/_control/directory")
    public List<Map<String, String>> directory() {
        List<Map<String, String>> out = new ArrayList<>();
        for (Directory.Entry e : Directory.ENTRIES) {
            out.add(Map.of("kind", e.kind(), "account", e.phone() != null ? e.phone() : e.id() + " / " + e.bankCode(),
                    "holder", e.holder(), "status", e.status(), "behaviour", e.behaviour().description));
        }
        return out;
    }

    // ---------------------------------------------------------------- internals

    private ResponseEntity<JsonNode> transact(String type, JsonNode r, Directory.Entry to) {
        String reference = r.path("reference").asText("");
        if (reference.isBlank()) {
            return error(400, "INVALID_REQUEST", "reference is required");
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(r.path("amount").asText(""));
        } catch (NumberFormatException e) {
            return error(400, "INVALID_REQUEST", "amount must be a decimal string");
        }
        if (amount.signum() <= 0 || r.path("currency").asText("").isBlank()) {
            return error(400, "INVALID_REQUEST", "amount must be positive and currency given");
        }
        int attempt = requests.computeIfAbsent(reference, k -> new AtomicInteger()).incrementAndGet();
        if (!"ACTIVE".equals(to.status())) {
            return error(422, "ACCOUNT_INACTIVE", "the account is " + to.status());
        }
        if (to.behaviour() == Directory.Behaviour.UNAVAILABLE_FIRST && attempt == 1) {
            return ResponseEntity.status(503).header("Retry-After", "1").body(errorBody("UNAVAILABLE", "try again later"));
        }
        String finalStatus = to.behaviour() == Directory.Behaviour.FAILS ? "FAILED" : "SUCCESS";
        Txn t = new Txn("CX" + sequence.incrementAndGet(), reference, type, amount, r.path("currency").asText(), to,
                Instant.now(), Instant.now().plus(account.settleDelay()), finalStatus);
        // one atomic check: two concurrent requests with one reference can never both execute
        if (transactions.putIfAbsent(reference, t) != null) {
            return error(409, "DUPLICATE_REFERENCE", "reference " + reference + " was already used");
        }
        executed.add(Map.of("reference", reference, "narration", r.path("narration").asText(""),
                "amount", amount.toPlainString(), "at", Instant.now().toString()));
        if ("TOPUP".equals(type)) {
            // Connect verifies a top-up with the partner once it settles
            long delay = account.settleDelay().plus(account.statusCheckDelay()).toMillis();
            scheduler.schedule(() -> callStatusCheck(reference), delay, TimeUnit.MILLISECONDS);
        }
        if (to.behaviour() == Directory.Behaviour.RESPONSE_LOST) {
            sleep(account.lostResponseDelay());
        }
        if (to.behaviour() == Directory.Behaviour.SERVER_ERROR) {
            return error(500, "INTERNAL_ERROR", "an error occurred");
        }
        return ResponseEntity.ok(t.json());
    }

    /** What Connect pushes to the partner's Status Check: the transaction as recorded, or just the reference. */
    private JsonNode confirmation(String reference) {
        Txn t = transactions.get(reference);
        return t == null ? SandboxJson.object().put("reference", reference) : t.json();
    }

    private JsonNode callStatusCheck(String reference) {
        ObjectNode seen = SandboxJson.object();
        seen.put("at", Instant.now().toString());
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(statusCheckUrl)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", Credentials.basicHeader(account.partnerUsername(), account.partnerPassword())).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(SandboxJson.write(confirmation(reference)))).build();
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            seen.put("httpStatus", res.statusCode());
            seen.set("answer", SandboxJson.tryParse(res.body()));
        } catch (Exception e) {
            seen.put("error", e.toString());
        }
        statusChecks.computeIfAbsent(reference, k -> new CopyOnWriteArrayList<>()).add(seen);
        return seen;
    }

    private ResponseEntity<JsonNode> refuse(String auth, boolean transfer) {
        if (!Credentials.basicMatches(auth, account.username(), account.password())) {
            return error(401, "UNAUTHORIZED", "Basic credentials missing or wrong");
        }
        Faults f = faults;
        if ((transfer || !f.transfersOnly()) && f.failNext().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return ResponseEntity.status(f.failStatus()).header("Retry-After", "1").body(errorBody("UNAVAILABLE", "try again later"));
        }
        return null;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode errorBody(String code, String message) {
        ObjectNode out = SandboxJson.object();
        out.set("error", SandboxJson.object().put("code", code).put("message", message));
        return out;
    }

    private static ResponseEntity<JsonNode> error(int status, String code, String message) {
        return ResponseEntity.status(status).body(errorBody(code, message));
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }

    private record Faults(AtomicInteger failNext, int failStatus, boolean transfersOnly) {
    }

    /** A transaction; its status turns final at {@code settleAt}. */
    private record Txn(String id, String reference, String type, BigDecimal amount, String currency, Directory.Entry to,
                       Instant createdAt, Instant settleAt, String finalStatus) {

        String status() {
            return Instant.now().isBefore(settleAt) ? "PENDING" : finalStatus;
        }

        ObjectNode json() {
            ObjectNode n = SandboxJson.object();
            n.put("transaction_id", id);
            n.put("reference", reference);
            n.put("type", type);
            n.put("status", status());
            n.put("amount", amount.toPlainString());
            n.put("currency", currency);
            n.put("created_at", createdAt.toString());
            if ("FAILED".equals(status())) {
                n.put("failure_reason", "the beneficiary institution declined the credit");
            }
            return n;
        }
    }
}
