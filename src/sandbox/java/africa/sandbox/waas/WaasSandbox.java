package africa.sandbox.waas;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.sandbox.Credentials;
import africa.sandbox.SandboxJson;
import africa.sandbox.SandboxProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.LoggerFactory;
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
 * A Lipad Wallet-as-a-Service double, after {@code provider-docs/wallet-as-a-service.txt}: login with
 * username and password issuing expiring bearer tokens, clients, accounts, client services with limits and
 * fees, credits, debits, transfers and reversals on a real ledger ({@link WaasLedger}), answered in the
 * document's shapes (amounts as 4-decimal strings). The document publishes no error format: errors here are
 * {@code {"error_code", "message"}} (an assumption the hub's mappings read).
 *
 * <p>Faults, chosen by the transaction narration: {@code SANDBOX:UNAVAILABLE} answers 503 unprocessed to the
 * first request for a reference; {@code SANDBOX:LOST} posts the transaction and holds the answer past the
 * hub's read timeout; {@code SANDBOX:ERROR} posts it and answers 500. Tokens can be expired on demand.</p>
 *
 * <p>A reversal is answered as the document's example is written (lines 300-340): the destination
 * transaction names {@code "transaction_id"} a second time, at its end. On demand the next reversal of a
 * transaction is answered with given bytes instead (a documented example, replayed verbatim), after it is
 * posted to the ledger as usual.</p>
 */
@RestController
@RequestMapping(path = "/sandbox/waas", produces = MediaType.APPLICATION_JSON_VALUE)
public class WaasSandbox {

    private final WaasSandboxProperties account;
    private final WaasLedger ledger = new WaasLedger();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger logins = new AtomicInteger();
    /** Answers given for the next reversal of a transaction, by its id: sent as they are. */
    private final Map<String, byte[]> reversalAnswers = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Path stateFile;

    private static final long SAVE_DELAY_MS = 200;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-waas-ledger");
        t.setDaemon(true);
        return t;
    });

    public WaasSandbox(WaasSandboxProperties account, SandboxProperties sandbox) {
        this.account = account;
        this.stateFile = Path.of(sandbox.dataDirectory()).toAbsolutePath().normalize().resolve("waas-ledger.json");
        load();
    }

    /** The ledger survives a restart of the hub, as its database does (data/sandbox/waas-ledger.json). */
    private void load() {
        try {
            if (Files.exists(stateFile)) {
                ledger.restore(SandboxJson.MAPPER.readValue(stateFile.toFile(), WaasLedger.Snapshot.class));
            }
        } catch (IOException e) {
            LoggerFactory.getLogger(WaasSandbox.class).warn("Sandbox WaaS ledger {} not restored: {}", stateFile, e.toString());
        }
    }

    /**
     * Saves the ledger soon after a change: changes within {@link #SAVE_DELAY_MS} share one write, so a busy
     * ledger is not rewritten whole for every posting (which made a long run quadratic). A stop saves at once.
     */
    private void save() {
        if (dirty.compareAndSet(false, true)) {
            saver.schedule(this::flush, SAVE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void flush() {
        dirty.set(false);
        try {
            Files.createDirectories(stateFile.getParent());
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            SandboxJson.MAPPER.writeValue(tmp.toFile(), ledger.snapshot());
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LoggerFactory.getLogger(WaasSandbox.class).warn("Sandbox WaaS ledger not saved: {}", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        saver.shutdownNow();
        flush();
    }

    // ---------------------------------------------------------------- the API

    @PostMapping(path = "/api/v1/auth/login", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> login(@RequestBody(required = false) String body) {
        JsonNode req = SandboxJson.tryParse(body);
        boolean ok = req != null && Credentials.equal(req.path("username").asText(""), account.username())
                & Credentials.equal(req.path("password").asText(""), account.password());
        if (!ok) {
            return error(401, "INVALID_CREDENTIALS", "invalid username or password");
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = "waas." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        tokens.put(token, Instant.now().plus(account.tokenTtl()));
        logins.incrementAndGet();
        return ResponseEntity.ok(SandboxJson.object().put("access_token", token).put("token_type", "Bearer")
                .put("expiresIn", account.tokenTtl().toSeconds()));
    }

    @PostMapping(path = "/api/v1/clients", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> client(@RequestHeader(value = "Authorization", required = false) String auth,
                                           @RequestBody(required = false) String body) {
        return guarded(auth, () -> {
            JsonNode r = required(body, "client_name", "client_email", "client_phone_number", "contact_person_name",
                    "contact_person_email", "contact_person_msisdn", "business_pin", "country", "is_active");
            WaasLedger.Client c = ledger.createClient(r.get("client_name").asText(), r.get("client_email").asText(),
                    r.get("client_phone_number").asText(), r.get("country").asText(), r.get("business_pin").asText(),
                    r.get("is_active").asInt() == 1);
            ObjectNode out = SandboxJson.object();
            out.put("client_id", c.clientId());
            out.put("client_name", c.name());
            out.put("client_email", c.email());
            out.put("client_phone_number", c.phone());
            out.put("contact_person_name", r.get("contact_person_name").asText());
            out.put("contact_person_email", r.get("contact_person_email").asText());
            out.put("contact_person_msisdn", r.get("contact_person_msisdn").asText());
            out.put("business_pin", c.businessPin());
            out.put("physical_address", r.path("physical_address").asText(null));
            out.put("country", c.country());
            out.put("description", r.path("description").asText(null));
            out.put("is_active", c.active() ? 1 : 0);
            out.put("client_code", c.clientCode());
            out.put("logo", r.path("logo").asText(null));
            return out;
        });
    }

    @PostMapping(path = "/api/v1/accounts", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> account(@RequestHeader(value = "Authorization", required = false) String auth,
                                            @RequestBody(required = false) String body) {
        return guarded(auth, () -> {
            JsonNode r = required(body, "client_code", "account_type_code", "account_name", "currency", "minimum_balance", "status");
            WaasLedger.Account a = ledger.openAccount(r.get("client_code").asText(), r.get("account_name").asText(),
                    r.get("currency").asText(), r.get("minimum_balance").decimalValue(), r.path("can_overdraw").asBoolean(false),
                    r.get("status").asText());
            ObjectNode out = SandboxJson.object();
            out.put("account_id", a.id);
            out.put("account_number", a.number);
            out.put("account_name", a.name);
            out.put("currency", a.currency);
            out.put("minimum_balance", money(a.minimumBalance));
            out.put("can_overdraw", a.canOverdraw);
            out.put("status", a.status);
            out.put("status_description", r.path("status_description").asText(null));
            out.put("created_at", a.createdAt.toString());
            out.put("updated_at", a.createdAt.toString());
            return out;
        });
    }

    @PostMapping(path = "/api/v1/client-services", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> clientService(@RequestHeader(value = "Authorization", required = false) String auth,
                                                  @RequestBody(required = false) String body) {
        return guarded(auth, () -> {
            JsonNode r = required(body, "client_code", "client_service_name", "service_code", "has_transaction_fee",
                    "minimum_transaction_amount", "maximum_transaction_amount", "is_active");
            WaasLedger.Service s = ledger.createService(r.get("client_code").asText(), r.get("client_service_name").asText(),
                    r.get("service_code").asText(), r.get("has_transaction_fee").asBoolean(),
                    r.path("transaction_fee_type").asText("FIXED"),
                    r.hasNonNull("transaction_fee") ? r.get("transaction_fee").decimalValue() : BigDecimal.ZERO,
                    r.get("minimum_transaction_amount").decimalValue(), r.get("maximum_transaction_amount").decimalValue(),
                    r.get("is_active").asInt() == 1);
            ObjectNode out = SandboxJson.object();
            out.put("client_service_id", s.id());
            out.put("client_service_code", s.code());
            out.put("client_code", s.clientCode());
            out.put("client_service_name", s.name());
            out.put("service_code", s.serviceCode());
            out.put("has_transaction_fee", s.hasFee());
            out.put("transaction_fee_type", s.feeType());
            out.set("transaction_fee", SandboxJson.NODES.numberNode(s.fee()));
            out.set("minimum_transaction_amount", SandboxJson.NODES.numberNode(s.minimum()));
            out.set("maximum_transaction_amount", SandboxJson.NODES.numberNode(s.maximum()));
            out.put("is_active", s.active() ? 1 : 0);
            return out;
        });
    }

    @PostMapping(path = "/api/v1/transactions", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> transaction(@RequestHeader(value = "Authorization", required = false) String auth,
                                                @RequestParam(value = "command", required = false) String command,
                                                @RequestBody(required = false) String body) {
        return money(auth, body, r -> {
            if (!"CREDIT".equals(command) && !"DEBIT".equals(command)) {
                throw new WaasLedger.Refused(400, "VALIDATION_ERROR", "command must be CREDIT or DEBIT");
            }
            required(r, "account_number", "client_service_code", "transaction_source", "transaction_amount",
                    "source_transaction_id", "transaction_date");
            WaasLedger.Posting p = ledger.post(command, r.get("account_number").asText(), r.get("client_service_code").asText(),
                    amount(r), r.get("transaction_source").asText(), r.get("source_transaction_id").asText(),
                    r.get("source_transaction_data"), r.path("transaction_narration").asText(null));
            return posting(p);
        });
    }

    @PostMapping(path = "/api/v1/account-transfers", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> transfer(@RequestHeader(value = "Authorization", required = false) String auth,
                                             @RequestBody(required = false) String body) {
        return money(auth, body, r -> {
            required(r, "source_account_number", "destination_account_number", "client_service_code", "transaction_amount",
                    "source_transaction_id", "transaction_source", "transaction_date");
            WaasLedger.Posting[] legs = ledger.transfer(r.get("source_account_number").asText(),
                    r.get("destination_account_number").asText(), r.get("client_service_code").asText(), amount(r),
                    r.get("transaction_source").asText(), r.get("source_transaction_id").asText(),
                    r.get("source_transaction_data"), r.path("transaction_narration").asText(null));
            return pair(legs);
        });
    }

    @PostMapping(path = "/api/v1/transactions/{id}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<byte[]> reverse(@RequestHeader(value = "Authorization", required = false) String auth,
                                          @PathVariable String id, @RequestParam(value = "command", required = false) String command,
                                          @RequestBody(required = false) String body) {
        ResponseEntity<JsonNode> posted = guarded(auth, () -> {
            if (!"REVERSE".equals(command)) {
                throw new WaasLedger.Refused(400, "VALIDATION_ERROR", "command must be REVERSE");
            }
            return pair(ledger.reverse(id));
        });
        if (!posted.getStatusCode().is2xxSuccessful()) {
            return ResponseEntity.status(posted.getStatusCode()).contentType(MediaType.APPLICATION_JSON)
                    .body(SandboxJson.write(posted.getBody()).getBytes(StandardCharsets.UTF_8));
        }
        byte[] given = reversalAnswers.remove(id);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(given != null ? given : asDocumented((ObjectNode) posted.getBody()));
    }

    /**
     * A reversal's two legs written as the document writes its example (wallet-as-a-service.txt lines
     * 300-340): {@code "transaction_id"} once more at the end of the destination transaction.
     */
    private static byte[] asDocumented(ObjectNode pair) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator g = SandboxJson.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("source_transaction");
            g.writeTree(pair.get("source_transaction"));
            g.writeObjectFieldStart("destination_transaction");
            JsonNode destination = pair.get("destination_transaction");
            for (var it = destination.fields(); it.hasNext(); ) {
                var field = it.next();
                g.writeFieldName(field.getKey());
                g.writeTree(field.getValue());
            }
            g.writeStringField("transaction_id", destination.path("transaction_id").asText());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Not in the published documents: the status query the hub can be switched to (an assumption). */
    @GetMapping("/api/v1/transactions")
    public ResponseEntity<JsonNode> find(@RequestHeader(value = "Authorization", required = false) String auth,
                                         @RequestParam("source_transaction_id") String sourceId) {
        return guarded(auth, () -> {
            ArrayNode data = SandboxJson.NODES.arrayNode();
            ledger.bySource(sourceId).stream().filter(p -> p.counterLeg() != null && !WaasLedger.SETTLEMENT_ACCOUNT.equals(p.account()))
                    .limit(1).forEach(p -> data.add(posting(p)));
            return SandboxJson.object().set("data", data);
        });
    }

    // ---------------------------------------------------------------- fault injection and inspection

    /**
     * The next reversal of transaction {@code id} is posted to the ledger as usual and answered with exactly
     * these bytes: a documented example replayed verbatim.
     */
    @PostMapping(path = "/_control/transactions/{id}/reversal-answer", consumes = MediaType.ALL_VALUE)
    public Map<String, Object> reversalAnswer(@PathVariable String id, @RequestBody byte[] answer) {
        reversalAnswers.put(id, answer);
        return Map.of("transaction", id, "bytes", answer.length);
    }

    @PostMapping("/_control/expire-tokens")
    public Map<String, Object> expireTokens() {
        int n = tokens.size();
        tokens.clear();
        return Map.of("expired", n);
    }

    @PostMapping(path = "/_control/accounts/{number}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> setStatus(@PathVariable String number, @RequestBody Map<String, String> body) {
        ledger.setStatus(number, body.getOrDefault("status", "INACTIVE"));
        save();
        return Map.of("account", number, "status", ledger.account(number).status());
    }

    @GetMapping("/_control/accounts/{number}")
    public ResponseEntity<Map<String, Object>> accountState(@PathVariable String number) {
        WaasLedger.Account a = ledger.account(number);
        if (a == null) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok(Map.of("account", a.number(), "balance", money(a.balance()), "status", a.status(),
                "currency", a.currency()));
    }

    /** Everything a test needs to prove the books balance and nothing was posted twice. */
    @GetMapping("/_control/ledger")
    public Map<String, Object> ledgerState() {
        Map<String, Object> balances = new LinkedHashMap<>();
        ledger.accounts().forEach(a -> balances.put(a.number(), money(a.balance())));
        return Map.of("sumOfBalances", money(ledger.sumOfBalances()), "balances", balances, "logins", logins.get());
    }

    /** Requests received and transactions posted under one source_transaction_id (our reference). */
    @GetMapping("/_control/references/{reference}")
    public Map<String, Object> reference(@PathVariable String reference) {
        List<String> ids = new ArrayList<>();
        ledger.bySource(reference).stream().filter(p -> p.counterLeg() != null)
                .filter(p -> !WaasLedger.SETTLEMENT_ACCOUNT.equals(p.account())).forEach(p -> ids.add(p.transactionId()));
        return Map.of("reference", reference, "requests", requests.getOrDefault(reference, new AtomicInteger()).get(),
                "postedTransactions", ids.size(), "transactionIds", ids);
    }

    /** Every transaction posted to a customer's wallet, in order: what the chaos suite counts (nothing twice). */
    @GetMapping("/_control/executed")
    public List<Map<String, String>> executed() {
        return ledger.postings().stream().filter(p -> p.counterLeg() != null)
                .filter(p -> !WaasLedger.SETTLEMENT_ACCOUNT.equals(p.account()))
                .map(p -> Map.of("reference", p.sourceTransactionId(), "narration", String.valueOf(p.narration()),
                        "type", p.type(), "account", p.account(), "transactionId", p.transactionId()))
                .toList();
    }

    // ---------------------------------------------------------------- internals

    private interface Work {
        JsonNode run();
    }

    private interface MoneyWork {
        JsonNode run(JsonNode request);
    }

    private ResponseEntity<JsonNode> guarded(String auth, Work work) {
        if (!authorized(auth)) {
            return error(401, "UNAUTHORIZED", "invalid or expired token");
        }
        try {
            ResponseEntity<JsonNode> ok = ResponseEntity.ok(work.run());
            save();
            return ok;
        } catch (WaasLedger.Refused r) {
            return error(r.status, r.code, r.getMessage());
        }
    }

    /** A money movement: counts the request per reference, then applies the narration's fault, if any. */
    private ResponseEntity<JsonNode> money(String auth, String body, MoneyWork work) {
        if (!authorized(auth)) {
            return error(401, "UNAUTHORIZED", "invalid or expired token");
        }
        JsonNode r = SandboxJson.tryParse(body);
        if (r == null || !r.isObject()) {
            return error(400, "VALIDATION_ERROR", "the body must be a JSON object");
        }
        String reference = r.path("source_transaction_id").asText("");
        int attempt = requests.computeIfAbsent(reference, k -> new AtomicInteger()).incrementAndGet();
        String narration = r.path("transaction_narration").asText("");
        if (narration.contains("SANDBOX:UNAVAILABLE") && attempt == 1) {
            return ResponseEntity.status(503).header("Retry-After", "1")
                    .body(SandboxJson.object().put("error_code", "SERVICE_UNAVAILABLE").put("message", "try again later"));
        }
        ResponseEntity<JsonNode> answer;
        try {
            answer = ResponseEntity.ok(work.run(r));
            save();
        } catch (WaasLedger.Refused refused) {
            return error(refused.status, refused.code, refused.getMessage());
        }
        if (narration.contains("SANDBOX:LOST")) {
            try {
                Thread.sleep(account.lostResponseDelay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (narration.contains("SANDBOX:ERROR")) {
            return error(500, "INTERNAL_ERROR", "an error occurred");
        }
        return answer;
    }

    private boolean authorized(String auth) {
        if (auth == null || !auth.startsWith("Bearer ")) {
            return false;
        }
        Instant expiry = tokens.get(auth.substring(7));
        return expiry != null && Instant.now().isBefore(expiry);
    }

    private static JsonNode required(String body, String... fields) {
        JsonNode r = SandboxJson.tryParse(body);
        if (r == null || !r.isObject()) {
            throw new WaasLedger.Refused(400, "VALIDATION_ERROR", "the body must be a JSON object");
        }
        return required(r, fields);
    }

    private static JsonNode required(JsonNode r, String... fields) {
        List<String> missing = new ArrayList<>();
        for (String f : fields) {
            if (!r.hasNonNull(f) || (r.get(f).isTextual() && r.get(f).asText().isBlank())) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new WaasLedger.Refused(400, "VALIDATION_ERROR", "required: " + String.join(", ", missing));
        }
        return r;
    }

    private static BigDecimal amount(JsonNode r) {
        JsonNode a = r.get("transaction_amount");
        if (!a.isNumber()) {
            throw new WaasLedger.Refused(400, "VALIDATION_ERROR", "transaction_amount must be a number");
        }
        return a.decimalValue();
    }

    private static ObjectNode posting(WaasLedger.Posting p) {
        ObjectNode out = SandboxJson.object();
        out.put("transaction_id", p.transactionId());
        out.put("account", p.account());
        out.put("client_service", p.service());
        out.put("transaction_type", p.type());
        out.put("currency", p.currency());
        out.put("transaction_amount", money(p.amount()));
        out.put("previous_balance", money(p.previousBalance()));
        out.put("current_balance", money(p.currentBalance()));
        out.put("other_party_account", p.otherParty());
        out.put("other_party_transaction_hash", "N/A");
        out.put("transaction_source", p.source());
        out.put("source_transaction_id", p.sourceTransactionId());
        out.set("source_transaction_data", p.sourceData() == null ? SandboxJson.object() : p.sourceData());
        out.put("transaction_narration", p.narration());
        out.put("transaction_date", p.date().toString());
        return out;
    }

    private static ObjectNode pair(WaasLedger.Posting[] legs) {
        ObjectNode out = SandboxJson.object();
        out.set("source_transaction", posting(legs[0]));
        out.set("destination_transaction", posting(legs[1]));
        return out;
    }

    private static String money(BigDecimal v) {
        return v == null ? null : v.setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    private static ResponseEntity<JsonNode> error(int status, String code, String message) {
        return ResponseEntity.status(status).body(SandboxJson.object().put("error_code", code).put("message", message));
    }
}
