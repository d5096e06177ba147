package africa.sandbox.dollr;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.sandbox.Credentials;
import africa.sandbox.SandboxJson;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Dollr Open API double, after {@code provider-docs/invoice-collection-and-payout-guide.txt} and the facts
 * gathered from Dollr's documentation: a client JWT whose {@code expires_in} counts minutes; parties,
 * counterparties, invoices (IDLE -> ACTIVE -> PROCESSING -> PAID, or CANCELED from IDLE or ACTIVE), line
 * items, predictions, checkout and payout sessions, payment accounts, executions keyed by a UUID v4
 * {@code reference_id} (PENDING -> PROCESSING -> COMPLETED or FAILED over time), status by reference and by
 * source, receipts once paid, and the hosted checkout shortcut. No webhooks: Dollr has none. Errors are
 * FastAPI's: {@code {"detail": [{"loc", "msg", "type"}]}} for validation, {@code {"detail": "..."}} otherwise.
 * The customer's (or recipient's) phone picks a behaviour (see {@link #SCENARIOS}). Objects come back as
 * they are, without an envelope (the document shows none).
 */
@RestController
@RequestMapping(path = "/sandbox/dollr", produces = MediaType.APPLICATION_JSON_VALUE)
public class DollrSandbox {

    /** Phones (E.164 without '+') with a behaviour of their own; any other Liberian MTN or Orange number settles. */
    public static final Map<String, String> SCENARIOS = Map.of(
            "231770000002", "the execution FAILS (the customer declined)",
            "231770000003", "the execution is made, its answer held past the hub's read timeout (lost)",
            "231770000004", "the execution stays PROCESSING for sandbox.dollr.slow-settle-delay");

    private static final Pattern UUID_V4 = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    private static final Pattern PHONE = Pattern.compile("^[1-9][0-9]{7,14}$");

    private final DollrSandboxProperties account;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<Integer, ObjectNode> parties = new ConcurrentHashMap<>();
    private final Map<Integer, ObjectNode> counterparties = new ConcurrentHashMap<>();
    private final Map<Integer, Invoice> invoices = new ConcurrentHashMap<>();
    private final Map<Integer, ObjectNode> accounts = new ConcurrentHashMap<>();
    private final Map<Integer, ObjectNode> sessions = new ConcurrentHashMap<>();
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> executeRequests = new ConcurrentHashMap<>();
    private final Map<String, Object> referenceLocks = new ConcurrentHashMap<>();
    /** Every execution made, in order: what the chaos suite counts to prove nothing was paid twice. */
    private final List<Map<String, String>> executed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(100);
    private volatile BigDecimal wallet;
    private volatile Fault fault = new Fault(new AtomicInteger(), 503, null, "");

    public DollrSandbox(DollrSandboxProperties account) {
        this.account = account;
        this.wallet = account.walletBalance();
    }

    // ---------------------------------------------------------------- authentication

    @PostMapping(path = "/v1/jwt/client/obtain/token", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> token(@RequestBody(required = false) String body) {
        JsonNode r = SandboxJson.tryParse(body);
        ResponseEntity<JsonNode> invalid = required(r, "client_id", "client_secret");
        if (invalid != null) {
            return invalid;
        }
        if (!Credentials.equal(r.path("client_id").asText(), account.clientId())
                | !Credentials.equal(r.path("client_secret").asText(), account.clientSecret())) {
            return detail(401, "Invalid client credentials");
        }
        count("logins");
        String token = "dollr." + HexFormat.of().formatHex(random.generateSeed(24));
        tokens.put(token, Instant.now().plus(Duration.ofMinutes(account.tokenTtlMinutes())));
        return ResponseEntity.ok(SandboxJson.object().put("access_token", token).put("token_type", "bearer")
                .put("expires_in", account.tokenTtlMinutes()));
    }

    // ---------------------------------------------------------------- parties and counterparties

    @PostMapping(path = "/v1/parties/create", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> createParty(@RequestHeader(value = "Authorization", required = false) String auth,
                                                @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/parties/create", () -> {
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = required(r, "fullname", "phone", "country_code");
            if (invalid != null) {
                return invalid;
            }
            if (!PHONE.matcher(r.path("phone").asText()).matches()) {
                return validation("phone", "phone must be E.164 digits without '+'", "value_error.phone");
            }
            int id = ids.incrementAndGet();
            ObjectNode party = SandboxJson.object().put("id", id).put("fullname", r.path("fullname").asText())
                    .put("phone", r.path("phone").asText()).put("country_code", r.path("country_code").asText());
            if (r.hasNonNull("email")) {
                party.put("email", r.get("email").asText());
            }
            party.put("created_at", Instant.now().toString());
            parties.put(id, party);
            count("parties");
            return ResponseEntity.ok(party);
        });
    }

    @PostMapping(path = "/v1/counterparties/create", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> createCounterparty(@RequestHeader(value = "Authorization", required = false) String auth,
                                                       @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/counterparties/create", () -> {
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = required(r, "relationship_type", "party_id");
            if (invalid != null) {
                return invalid;
            }
            ObjectNode party = parties.get(r.path("party_id").asInt(-1));
            if (party == null) {
                return detail(404, "Party not found");
            }
            int id = ids.incrementAndGet();
            ObjectNode cp = SandboxJson.object().put("id", id).put("relationship_type", r.path("relationship_type").asText())
                    .put("party_id", party.path("id").asInt());
            cp.set("party", party);
            counterparties.put(id, cp);
            count("counterparties");
            return ResponseEntity.ok(cp);
        });
    }

    // ---------------------------------------------------------------- invoices

    @PostMapping(path = "/v1/invoices/create", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> createInvoice(@RequestHeader(value = "Authorization", required = false) String auth,
                                                  @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/invoices/create", () -> {
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = required(r, "counterparty_id", "currency", "fee_bearer");
            if (invalid != null) {
                return invalid;
            }
            if (!counterparties.containsKey(r.path("counterparty_id").asInt(-1))) {
                return detail(404, "Counterparty not found");
            }
            Invoice inv = new Invoice(ids.incrementAndGet(), r.path("counterparty_id").asInt(), r.path("currency").asText(),
                    r.path("note").asText(""), r.path("fee_bearer").asText());
            invoices.put(inv.id, inv);
            count("invoices");
            return ResponseEntity.ok(inv.json());
        });
    }

    @PostMapping(path = "/v1/invoices/{id}/items/add", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> addItem(@RequestHeader(value = "Authorization", required = false) String auth,
                                            @PathVariable int id, @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/invoices/items/add", () -> {
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = required(r, "name", "currency", "qty", "amount");
            if (invalid != null) {
                return invalid;
            }
            Invoice inv = invoices.get(id);
            if (inv == null) {
                return detail(404, "Invoice not found");
            }
            synchronized (inv) {
                if (!"IDLE".equals(inv.status())) {
                    return detail(422, "Invoice is " + inv.status() + "; line items are locked once published");
                }
                if (!r.path("qty").canConvertToInt() || r.path("qty").asInt() < 1) {
                    return validation("qty", "ensure this value is greater than 0", "value_error.number.not_gt");
                }
                BigDecimal amount = decimal(r.path("amount"));
                if (amount == null || amount.signum() <= 0) {
                    return validation("amount", "value is not a valid decimal", "type_error.decimal");
                }
                ObjectNode item = SandboxJson.object().put("id", ids.incrementAndGet()).put("invoice_id", id)
                        .put("name", r.path("name").asText()).put("currency", r.path("currency").asText())
                        .put("qty", r.path("qty").asInt()).put("amount", amount.toPlainString());
                inv.items.add(item);
                return ResponseEntity.ok(item);
            }
        });
    }

    @PutMapping(path = "/v1/invoices/publish/{id}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> publish(@RequestHeader(value = "Authorization", required = false) String auth,
                                            @PathVariable int id) {
        return guarded(auth, "/v1/invoices/publish", () -> {
            Invoice inv = invoices.get(id);
            if (inv == null) {
                return detail(404, "Invoice not found");
            }
            synchronized (inv) {
                if (!"IDLE".equals(inv.status()) || inv.items.isEmpty()) {
                    return detail(422, "Only an IDLE invoice with line items can be published (it is " + inv.status() + ")");
                }
                inv.state = "ACTIVE";
                return ResponseEntity.ok(inv.json());
            }
        });
    }

    @DeleteMapping("/v1/invoices/cancel/{id}")
    public ResponseEntity<JsonNode> cancel(@RequestHeader(value = "Authorization", required = false) String auth,
                                           @PathVariable int id) {
        return guarded(auth, "/v1/invoices/cancel", () -> {
            Invoice inv = invoices.get(id);
            if (inv == null) {
                return detail(404, "Invoice not found");
            }
            synchronized (inv) {
                if (inv.paidBeforeCancel && "ACTIVE".equals(inv.status())) {
                    // the customer paid in the moment before this cancel arrived: it finds the invoice PAID
                    inv.paidBeforeCancel = false;
                    customerPays(inv, Duration.ZERO);
                }
                String status = inv.status();
                if (!"IDLE".equals(status) && !"ACTIVE".equals(status)) {
                    return detail(422, "Invoice " + inv.number() + " is " + status + " and cannot be canceled");
                }
                inv.state = "CANCELED";
                return ResponseEntity.ok(inv.json());
            }
        });
    }

    /** List invoices, optionally of one currency and status (provider-facts E: GET /v1/invoices/list?currency&status). */
    @GetMapping("/v1/invoices/list")
    public ResponseEntity<JsonNode> list(@RequestHeader(value = "Authorization", required = false) String auth,
                                         @RequestParam(value = "currency", required = false) String currency,
                                         @RequestParam(value = "status", required = false) String status) {
        return guarded(auth, "/v1/invoices/list", () -> {
            ArrayNode out = SandboxJson.NODES.arrayNode();
            invoices.values().stream().sorted(java.util.Comparator.comparingInt((Invoice i) -> i.id))
                    .filter(i -> currency == null || currency.equals(i.currency))
                    .filter(i -> status == null || status.equals(i.status())).forEach(i -> out.add(i.json()));
            return ResponseEntity.ok(out);
        });
    }

    @GetMapping("/v1/invoices/retrieve/{id}")
    public ResponseEntity<JsonNode> retrieve(@RequestHeader(value = "Authorization", required = false) String auth,
                                             @PathVariable int id) {
        return guarded(auth, "/v1/invoices/retrieve", () -> {
            Invoice inv = invoices.get(id);
            return inv == null ? detail(404, "Invoice not found") : ResponseEntity.ok(inv.json());
        });
    }

    @GetMapping("/v1/invoices/receipt/{id}")
    public ResponseEntity<JsonNode> receipt(@RequestHeader(value = "Authorization", required = false) String auth,
                                            @PathVariable int id) {
        return guarded(auth, "/v1/invoices/receipt", () -> {
            Invoice inv = invoices.get(id);
            if (inv == null) {
                return detail(404, "Invoice not found");
            }
            if (!"PAID".equals(inv.status())) {
                return detail(404, "Receipt not available: invoice is " + inv.status());
            }
            ObjectNode r = SandboxJson.object().put("invoice_id", inv.id).put("invoice_number", inv.number())
                    .put("status", "PAID").put("currency", inv.currency).put("total_amount", inv.total().toPlainString())
                    .put("platform_fee", fee(inv.total()).toPlainString()).put("fx_rate", "1")
                    .put("provider", "PAWAPAY").put("paid_at", inv.paidAt().toString());
            r.set("items", SandboxJson.MAPPER.valueToTree(inv.items));
            return ResponseEntity.ok(r);
        });
    }

    // ---------------------------------------------------------------- predictions

    @GetMapping("/v1/predictions/mmo-provider-info")
    public ResponseEntity<JsonNode> mmo(@RequestHeader(value = "Authorization", required = false) String auth,
                                        @RequestParam(value = "phone", required = false) String phone,
                                        @RequestParam(value = "operation_type", required = false) String operationType) {
        return guarded(auth, "/v1/predictions/mmo-provider-info", () -> {
            if (phone == null || operationType == null) {
                return validation(phone == null ? "phone" : "operation_type", "field required", "value_error.missing", "query");
            }
            String method = phone.startsWith("23177") ? "MTN_MOMO_LBR" : phone.startsWith("23188") ? "ORANGE_MONEY_LBR" : null;
            if (method == null || !PHONE.matcher(phone).matches()) {
                return validation("phone", "no mobile-money operator serves this number", "value_error.phone", "query");
            }
            ObjectNode out = SandboxJson.object().put("carrier", method.startsWith("MTN") ? "MTN" : "Orange").put("country", "LR");
            out.putArray("currencies").add("LRD").add("USD");
            return ResponseEntity.ok(out.put("phone", phone).put("payment_method", method).put("gateway_provider", "PAWAPAY")
                    .put("operation_type", operationType));
        });
    }

    @GetMapping("/v1/predictions/amount-and-fees")
    public ResponseEntity<JsonNode> fees(@RequestHeader(value = "Authorization", required = false) String auth,
                                         @RequestParam Map<String, String> q) {
        return guarded(auth, "/v1/predictions/amount-and-fees", () -> {
            for (String f : List.of("base_amount", "base_currency", "target_currency", "payment_method", "operation_type",
                    "provider", "fee_bearer")) {
                if (!q.containsKey(f)) {
                    return validation(f, "field required", "value_error.missing", "query");
                }
            }
            BigDecimal base = decimal(SandboxJson.NODES.textNode(q.get("base_amount")));
            if (base == null) {
                return validation("base_amount", "value is not a valid decimal", "type_error.decimal", "query");
            }
            BigDecimal fee = fee(base);
            boolean payer = "PAYER".equals(q.get("fee_bearer"));
            return ResponseEntity.ok(SandboxJson.object()
                    .put("payer_amount", (payer ? base.add(fee) : base).toPlainString()).put("payer_currency", q.get("base_currency"))
                    .put("payee_amount", (payer ? base : base.subtract(fee)).toPlainString()).put("payee_currency", q.get("target_currency"))
                    .put("platform_fee", fee.toPlainString()).put("platform_currency", q.get("base_currency"))
                    .put("fx_fee", "0.00").put("gateway_fee", "0.00").put("gateway_currency", q.get("base_currency")));
        });
    }

    // ---------------------------------------------------------------- sessions, accounts

    @PostMapping(path = "/v1/sessions/checkout", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> checkoutSession(@RequestHeader(value = "Authorization", required = false) String auth,
                                                    @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/sessions/checkout", () -> {
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = required(r, "source_id", "source_type");
            if (invalid != null) {
                return invalid;
            }
            if (!r.get("source_id").isIntegralNumber()) {
                return validation("source_id", "value is not a valid integer", "type_error.integer");
            }
            Invoice inv = invoices.get(r.get("source_id").asInt());
            if (inv == null || !"INVOICE".equals(r.path("source_type").asText())) {
                return detail(404, "Source not found");
            }
            if (!"ACTIVE".equals(inv.status())) {
                return detail(422, "Invoice is " + inv.status() + "; only an ACTIVE invoice can be paid");
            }
            int id = ids.incrementAndGet();
            ObjectNode s = SandboxJson.object().put("id", id).put("kind", "CHECKOUT").put("source_id", inv.id)
                    .put("source_type", "INVOICE").put("expires_at", Instant.now().plus(account.sessionTtl()).toString());
            sessions.put(id, s);
            return ResponseEntity.ok(s);
        });
    }

    @PostMapping(path = "/v1/sessions/payout", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> payoutSession(@RequestHeader(value = "Authorization", required = false) String auth,
                                                  @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/sessions/payout", () -> {
            if (!account.verified()) {
                return detail(403, "Merchant is not verified: payouts are available once KYB is complete");
            }
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = required(r, "payout_account_id", "amount", "currency");
            if (invalid != null) {
                return invalid;
            }
            ObjectNode acct = accounts.get(r.path("payout_account_id").asInt(-1));
            if (acct == null || !"PAYOUT".equals(acct.path("operation_type").asText())) {
                return detail(404, "Payout account not found");
            }
            BigDecimal amount = decimal(r.get("amount"));
            if (amount == null || amount.signum() <= 0) {
                return validation("amount", "value is not a valid decimal", "type_error.decimal");
            }
            int id = ids.incrementAndGet();
            ObjectNode s = SandboxJson.object().put("id", id).put("kind", "PAYOUT")
                    .put("payout_account_id", acct.path("id").asInt()).put("amount", amount.toPlainString())
                    .put("currency", r.path("currency").asText()).put("wallet_id", "WAL-0001")
                    .put("expires_at", Instant.now().plus(account.sessionTtl()).toString());
            sessions.put(id, s);
            return ResponseEntity.ok(s);
        });
    }

    @PostMapping(path = "/v1/payment-accounts/create", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> createAccount(@RequestHeader(value = "Authorization", required = false) String auth,
                                                  @RequestParam(value = "operation_type", required = false) String operationType,
                                                  @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/payment-accounts/create", () -> {
            if (operationType == null) {
                return validation("operation_type", "field required", "value_error.missing", "query");
            }
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = required(r, "account_name", "provider", "method", "party_id",
                    "country_code", "insensitive_account_number");
            if (invalid != null) {
                return invalid;
            }
            if (!parties.containsKey(r.path("party_id").asInt(-1))) {
                return detail(404, "Party not found");
            }
            if (!PHONE.matcher(r.path("insensitive_account_number").asText()).matches()) {
                return validation("insensitive_account_number", "phone must be E.164 digits without '+'", "value_error.phone");
            }
            int id = ids.incrementAndGet();
            ObjectNode a = ((ObjectNode) r.deepCopy()).put("id", id).put("operation_type", operationType).put("is_active", true);
            accounts.put(id, a);
            count("paymentAccounts");
            return ResponseEntity.ok(a);
        });
    }

    // ---------------------------------------------------------------- executions and status

    @PostMapping(path = "/v1/executions/collection", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> executeCollection(@RequestHeader(value = "Authorization", required = false) String auth,
                                                      @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/executions/collection", () -> {
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = executionFields(r, "session_id", "payment_account_id", "currency", "reference_id");
            if (invalid != null) {
                return invalid;
            }
            String reference = r.get("reference_id").asText();
            // one execution per reference_id, checked and recorded atomically
            synchronized (referenceLock(reference)) {
                ResponseEntity<JsonNode> again = again(reference, r);
                if (again != null) {
                    return again;
                }
                ObjectNode session = sessions.get(intOf(r.get("session_id").asText()));
                if (session == null || !"CHECKOUT".equals(session.path("kind").asText())) {
                    return detail(422, "Session not found or not a checkout session");
                }
                if (Instant.parse(session.path("expires_at").asText()).isBefore(Instant.now())) {
                    return detail(422, "Session expired");
                }
                ObjectNode acct = accounts.get(intOf(r.get("payment_account_id").asText()));
                if (acct == null || !"COLLECTION".equals(acct.path("operation_type").asText())) {
                    return detail(404, "Payment account not found");
                }
                Invoice inv = invoices.get(session.path("source_id").asInt());
                String phone = acct.path("insensitive_account_number").asText();
                Execution e;
                synchronized (inv) {
                    if (!"ACTIVE".equals(inv.status())) {
                        return detail(422, "Invoice is " + inv.status() + "; only an ACTIVE invoice can be paid");
                    }
                    e = new Execution(reference, "COLLECTION", r, inv.total(), inv.currency, phone, inv, Instant.now(),
                            settleDelay(phone), !"231770000002".equals(phone), "the customer declined the payment");
                    inv.execution = e;
                    executions.put(reference, e);
                    executed.add(e.summary());
                }
                return answer(e, phone);
            }
        });
    }

    @PostMapping(path = "/v1/executions/payout", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> executePayout(@RequestHeader(value = "Authorization", required = false) String auth,
                                                  @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/executions/payout", () -> {
            if (!account.verified()) {
                return detail(403, "Merchant is not verified: payouts are available once KYB is complete");
            }
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = executionFields(r, "session_id", "payout_account_id", "reference_id", "passcode");
            if (invalid != null) {
                return invalid;
            }
            JsonNode token = r.path("passcode").path("token");
            if (!token.hasNonNull("code")) {
                return validation(List.of("body", "passcode", "token", "code"), "field required", "value_error.missing");
            }
            if (!Credentials.equal(token.path("code").asText(), account.passcode())
                    || !Credentials.equal(token.path("phone").asText(), account.passcodePhone())) {
                return detail(403, "Invalid passcode");
            }
            String reference = r.get("reference_id").asText();
            // one execution per reference_id, checked and recorded atomically
            synchronized (referenceLock(reference)) {
                ResponseEntity<JsonNode> again = again(reference, r);
                if (again != null) {
                    return again;
                }
                ObjectNode session = sessions.get(intOf(r.get("session_id").asText()));
                if (session == null || !"PAYOUT".equals(session.path("kind").asText())) {
                    return detail(422, "Session not found or not a payout session");
                }
                if (Instant.parse(session.path("expires_at").asText()).isBefore(Instant.now())) {
                    return detail(422, "Session expired");
                }
                ObjectNode acct = accounts.get(session.path("payout_account_id").asInt());
                String phone = acct.path("insensitive_account_number").asText();
                BigDecimal amount = new BigDecimal(session.path("amount").asText());
                boolean funded;
                synchronized (this) {
                    funded = wallet.compareTo(amount) >= 0;
                    if (funded) {
                        wallet = wallet.subtract(amount);
                    }
                }
                Execution e = new Execution(reference, "PAYOUT", r, amount, session.path("currency").asText(), phone, null,
                        Instant.now(), settleDelay(phone), funded && !"231770000002".equals(phone),
                        funded ? "the recipient's operator refused the credit" : "Insufficient wallet balance");
                executions.put(reference, e);
                executed.add(e.summary());
                return answer(e, phone);
            }
        });
    }

    @GetMapping("/v1/status/{operation}/{reference}")
    public ResponseEntity<JsonNode> status(@RequestHeader(value = "Authorization", required = false) String auth,
                                           @PathVariable String operation, @PathVariable String reference) {
        return guarded(auth, "/v1/status", () -> {
            Execution e = executions.get(reference);
            if (e == null || !e.operationType.equalsIgnoreCase(operation)) {
                return detail(404, "No " + operation + " with reference_id " + reference);
            }
            return ResponseEntity.ok(e.json());
        });
    }

    @GetMapping("/v1/status/source")
    public ResponseEntity<JsonNode> sourceStatus(@RequestHeader(value = "Authorization", required = false) String auth,
                                                 @RequestParam(value = "source_type", required = false) String sourceType,
                                                 @RequestParam(value = "source_id", required = false) String sourceId) {
        return guarded(auth, "/v1/status/source", () -> {
            if (sourceType == null || sourceId == null) {
                return validation(sourceType == null ? "source_type" : "source_id", "field required", "value_error.missing", "query");
            }
            Invoice inv = sourceId.matches("\\d{1,9}") ? invoices.get(Integer.parseInt(sourceId)) : null;
            if (inv == null || !"INVOICE".equals(sourceType)) {
                return detail(404, "Source not found");
            }
            ObjectNode out = SandboxJson.object().put("source_id", inv.id).put("source_type", "INVOICE")
                    .put("source_number", inv.number()).put("status", inv.status()).put("currency", inv.currency)
                    .put("total_amount", inv.total().toPlainString());
            if (inv.paidAt() != null) {
                out.put("paid_at", inv.paidAt().toString());
            } else {
                out.putNull("paid_at");
            }
            return ResponseEntity.ok(out);
        });
    }

    // ---------------------------------------------------------------- hosted checkout

    @PostMapping(path = "/v1/checkouts/create", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> checkout(@RequestHeader(value = "Authorization", required = false) String auth,
                                             @RequestBody(required = false) String body) {
        return guarded(auth, "/v1/checkouts/create", () -> {
            JsonNode r = SandboxJson.tryParse(body);
            ResponseEntity<JsonNode> invalid = required(r, "mode", "source_kind", "party_phone", "currency", "items",
                    "success_url", "cancel_url");
            if (invalid != null) {
                return invalid;
            }
            if (r.has("source_type")) {
                return validation("source_type", "extra fields not permitted (checkouts take source_kind)", "value_error.extra");
            }
            if (!PHONE.matcher(r.path("party_phone").asText()).matches()) {
                return validation("party_phone", "phone must be E.164 digits without '+'", "value_error.phone");
            }
            int partyId = ids.incrementAndGet();
            parties.put(partyId, SandboxJson.object().put("id", partyId).put("fullname", r.path("party_name").asText("Customer"))
                    .put("phone", r.path("party_phone").asText()).put("country_code", "LR"));
            int cpId = ids.incrementAndGet();
            counterparties.put(cpId, SandboxJson.object().put("id", cpId).put("relationship_type", "CUSTOMER").put("party_id", partyId));
            Invoice inv = new Invoice(ids.incrementAndGet(), cpId, r.path("currency").asText(), r.path("note").asText(""), "PAYEE");
            for (JsonNode item : r.path("items")) {
                BigDecimal amount = decimal(item.path("amount"));
                if (amount == null || amount.signum() <= 0) {
                    return validation(List.of("body", "items", "amount"), "value is not a valid decimal", "type_error.decimal");
                }
                inv.items.add(SandboxJson.object().put("id", ids.incrementAndGet()).put("name", item.path("name").asText())
                        .put("currency", inv.currency).put("qty", 1).put("amount", amount.toPlainString()));
            }
            inv.state = "ACTIVE";
            invoices.put(inv.id, inv);
            count("invoices");
            String token = UUID.randomUUID().toString().replace("-", "");
            return ResponseEntity.ok(SandboxJson.object().put("url", "https://pay.heydollr.app/c/" + token)
                    .put("hosted_path_or_token", token).put("source_id", inv.id).put("source_number", inv.number()));
        });
    }

    // ---------------------------------------------------------------- controls

    /** The customer pays a hosted checkout (or an ACTIVE invoice): PROCESSING now, PAID after the settle delay. */
    @PostMapping("/_control/invoices/{id}/pay")
    public ResponseEntity<JsonNode> pay(@PathVariable int id) {
        return whenActive(id, inv -> customerPays(inv, account.settleDelay()));
    }

    /**
     * The customer pays an ACTIVE invoice just before the next cancel of it arrives: that cancel finds it PAID
     * and is refused as Dollr refuses to cancel a paid invoice (422); until then the invoice stays ACTIVE.
     */
    @PostMapping("/_control/invoices/{id}/paid-before-cancel")
    public ResponseEntity<JsonNode> paidBeforeCancel(@PathVariable int id) {
        return whenActive(id, inv -> inv.paidBeforeCancel = true);
    }

    /** Changes an ACTIVE invoice under its lock and answers it; 404 if unknown, 422 if not ACTIVE. */
    private ResponseEntity<JsonNode> whenActive(int id, java.util.function.Consumer<Invoice> change) {
        Invoice inv = invoices.get(id);
        if (inv == null) {
            return detail(404, "Invoice not found");
        }
        synchronized (inv) {
            if (!"ACTIVE".equals(inv.status())) {
                return detail(422, "Invoice is " + inv.status());
            }
            change.accept(inv);
        }
        return ResponseEntity.ok(inv.json());
    }

    /** The customer pays the invoice (the caller holds its lock): PROCESSING now, PAID {@code settleAfter} later. */
    private void customerPays(Invoice inv, Duration settleAfter) {
        inv.execution = new Execution(UUID.randomUUID().toString(), "COLLECTION", SandboxJson.object(), inv.total(),
                inv.currency, "", inv, Instant.now(), settleAfter, true, null);
    }

    @GetMapping("/_control/invoices/{id}")
    public ResponseEntity<JsonNode> invoice(@PathVariable int id) {
        Invoice inv = invoices.get(id);
        return inv == null ? detail(404, "Invoice not found") : ResponseEntity.ok(inv.json());
    }

    /** Invoices whose note contains the text (the hub writes its payment id there). */
    @GetMapping("/_control/invoices")
    public List<JsonNode> invoicesNoting(@RequestParam("note") String note) {
        return invoices.values().stream().filter(i -> i.note.contains(note)).map(i -> (JsonNode) i.json()).toList();
    }

    /** What Dollr saw of a reference_id: execute requests, executions made (never more than one), status. */
    @GetMapping("/_control/references/{reference}")
    public Map<String, Object> reference(@PathVariable String reference) {
        Execution e = executions.get(reference);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reference", reference);
        out.put("requests", executeRequests.getOrDefault(reference, new AtomicInteger()).get());
        out.put("executions", e == null ? 0 : 1);
        out.put("status", e == null ? "NONE" : e.status());
        if (e != null) {
            out.put("passcodeChecked", "PAYOUT".equals(e.operationType));
        }
        return out;
    }

    @PostMapping("/_control/expire-tokens")
    public Map<String, Object> expireTokens() {
        int n = tokens.size();
        tokens.replaceAll((t, at) -> Instant.EPOCH);
        return Map.of("expired", n);
    }

    /**
     * The next {@code failNext} calls whose path starts with {@code path} (all calls if empty) answer
     * {@code failStatus} unprocessed, with {@code Retry-After: retryAfter} when given.
     */
    @PostMapping(path = "/_control/faults", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> faults(@RequestBody Map<String, Object> body) {
        int failNext = ((Number) body.getOrDefault("failNext", 0)).intValue();
        int failStatus = ((Number) body.getOrDefault("failStatus", 503)).intValue();
        Object retryAfter = body.get("retryAfter");
        String path = String.valueOf(body.getOrDefault("path", ""));
        fault = new Fault(new AtomicInteger(failNext), failStatus, retryAfter == null ? null : String.valueOf(retryAfter), path);
        return Map.of("failNext", failNext, "failStatus", failStatus, "path", path);
    }

    @GetMapping("/_control/stats")
    public Map<String, Integer> stats() {
        Map<String, Integer> out = new LinkedHashMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @GetMapping("/_control/wallet")
    public Map<String, Object> walletBalance() {
        return Map.of("walletId", "WAL-0001", "balance", wallet.toPlainString());
    }

    @GetMapping("/_control/scenarios")
    public Map<String, String> scenarios() {
        return SCENARIOS;
    }

    // ---------------------------------------------------------------- internals

    private ResponseEntity<JsonNode> guarded(String auth, String path, java.util.function.Supplier<ResponseEntity<JsonNode>> call) {
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            count("unauthenticated");
            return detail(401, "Not authenticated");
        }
        Instant expires = tokens.get(auth.substring(7).trim());
        if (expires == null || !Instant.now().isBefore(expires)) {
            count("rejectedTokens");
            return detail(401, "Could not validate credentials");
        }
        Fault f = fault;
        if (path.startsWith(f.path()) && f.failNext().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            count(f.failStatus() == 429 ? "throttled" : "faults");
            ResponseEntity.BodyBuilder b = ResponseEntity.status(f.failStatus());
            if (f.retryAfter() != null) {
                b.header("Retry-After", f.retryAfter());
            }
            return b.body(SandboxJson.object().put("detail", f.failStatus() == 429 ? "Too Many Requests" : "Service Unavailable"));
        }
        return call.get();
    }

    /** Counts an execute request; a reference_id seen before answers its execution (same payload) or a 422. */
    private Object referenceLock(String reference) {
        return referenceLocks.computeIfAbsent(reference, k -> new Object());
    }

    /** Every execution this simulator made: reference, operation, amount, currency, phone, time. */
    @GetMapping("/_control/executed")
    public List<Map<String, String>> executed() {
        return List.copyOf(executed);
    }

    private ResponseEntity<JsonNode> again(String reference, JsonNode r) {
        executeRequests.computeIfAbsent(reference, k -> new AtomicInteger()).incrementAndGet();
        Execution earlier = executions.get(reference);
        if (earlier == null) {
            return null;
        }
        return earlier.request.equals(r) ? ResponseEntity.ok(earlier.json())
                : detail(422, "reference_id " + reference + " was already used with a different payload");
    }

    private ResponseEntity<JsonNode> answer(Execution e, String phone) {
        if ("231770000003".equals(phone)) {
            try {
                Thread.sleep(account.lostResponseDelay().toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        return ResponseEntity.ok(e.json());
    }

    private Duration settleDelay(String phone) {
        return "231770000004".equals(phone) ? account.slowSettleDelay() : account.settleDelay();
    }

    private ResponseEntity<JsonNode> executionFields(JsonNode r, String... fields) {
        ResponseEntity<JsonNode> invalid = required(r, fields);
        if (invalid != null) {
            return invalid;
        }
        for (String f : new String[] {"session_id", "payment_account_id", "payout_account_id"}) {
            if (r.has(f) && !r.get(f).isTextual()) {
                return validation(f, "str type expected", "type_error.str");
            }
        }
        if (!UUID_V4.matcher(r.get("reference_id").asText()).matches()) {
            return validation("reference_id", "value is not a valid uuid4", "type_error.uuid");
        }
        return null;
    }

    private static ResponseEntity<JsonNode> required(JsonNode r, String... fields) {
        if (r == null || !r.isObject()) {
            return validation(List.of("body"), "value is not a valid dict", "type_error.dict");
        }
        ArrayNode problems = SandboxJson.NODES.arrayNode();
        for (String f : fields) {
            if (!r.hasNonNull(f)) {
                problems.add(problem(List.of("body", f), "field required", "value_error.missing"));
            }
        }
        return problems.isEmpty() ? null : ResponseEntity.status(422).body(SandboxJson.object().set("detail", problems));
    }

    private static ResponseEntity<JsonNode> validation(String field, String msg, String type) {
        return validation(List.of("body", field), msg, type);
    }

    private static ResponseEntity<JsonNode> validation(String field, String msg, String type, String where) {
        return validation(List.of(where, field), msg, type);
    }

    private static ResponseEntity<JsonNode> validation(List<String> loc, String msg, String type) {
        ArrayNode detail = SandboxJson.NODES.arrayNode().add(problem(loc, msg, type));
        return ResponseEntity.status(422).body(SandboxJson.object().set("detail", detail));
    }

    private static ObjectNode problem(List<String> loc, String msg, String type) {
        ObjectNode p = SandboxJson.object();
        ArrayNode l = p.putArray("loc");
        loc.forEach(l::add);
        return p.put("msg", msg).put("type", type);
    }

    private static ResponseEntity<JsonNode> detail(int status, String message) {
        return ResponseEntity.status(status).body(SandboxJson.object().put("detail", message));
    }

    private void count(String what) {
        counters.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    private static int intOf(String text) {
        return text != null && text.matches("\\d{1,9}") ? Integer.parseInt(text) : -1;
    }

    private static BigDecimal decimal(JsonNode n) {
        if (n == null || !(n.isNumber() || n.isTextual())) {
            return null;
        }
        try {
            return new BigDecimal(n.asText().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The platform fee: 1.5 %, to the cent. */
    private static BigDecimal fee(BigDecimal amount) {
        return amount.multiply(new BigDecimal("0.015")).setScale(2, RoundingMode.HALF_UP);
    }

    private record Fault(AtomicInteger failNext, int failStatus, String retryAfter, String path) {
    }

    /** An invoice; once an execution pays it, its status follows the execution's. */
    private static final class Invoice {
        final int id;
        final int counterpartyId;
        final String currency;
        final String note;
        final String feeBearer;
        final List<ObjectNode> items = new ArrayList<>();
        volatile String state = "IDLE";
        volatile Execution execution;
        volatile boolean paidBeforeCancel;   // the next cancel finds it paid (see paidBeforeCancel)

        Invoice(int id, int counterpartyId, String currency, String note, String feeBearer) {
            this.id = id;
            this.counterpartyId = counterpartyId;
            this.currency = currency;
            this.note = note;
            this.feeBearer = feeBearer;
        }

        String number() {
            return "INV-" + LocalDate.now().getYear() + "-" + String.format("%06d", id);
        }

        String status() {
            Execution e = execution;
            if (e == null || "CANCELED".equals(state)) {
                return state;
            }
            return switch (e.status()) {
                case "COMPLETED" -> "PAID";
                case "FAILED" -> "ACTIVE";     // nothing was paid: the invoice can be paid again, or canceled
                default -> "PROCESSING";
            };
        }

        Instant paidAt() {
            return "PAID".equals(status()) ? execution.createdAt.plus(execution.settleAfter) : null;
        }

        synchronized BigDecimal total() {
            BigDecimal t = BigDecimal.ZERO;
            for (ObjectNode i : items) {
                t = t.add(new BigDecimal(i.path("amount").asText()).multiply(BigDecimal.valueOf(i.path("qty").asInt(1))));
            }
            return t;
        }

        synchronized ObjectNode json() {
            ObjectNode n = SandboxJson.object().put("id", id).put("number", number()).put("counterparty_id", counterpartyId)
                    .put("currency", currency).put("note", note).put("fee_bearer", feeBearer).put("status", status())
                    .put("total_amount", total().toPlainString());
            n.set("items", SandboxJson.MAPPER.valueToTree(items));
            return n;
        }
    }

    /** An execution: PENDING, PROCESSING after the processing delay, final after its settle delay. */
    private final class Execution {
        final String reference;
        final String operationType;
        final JsonNode request;
        final BigDecimal amount;
        final String currency;
        final String phone;
        final Invoice invoice;
        final Instant createdAt;
        final Duration settleAfter;
        final boolean succeeds;
        final String failure;
        final String providerTransactionId = "PAWA-" + UUID.randomUUID().toString().substring(0, 13).toUpperCase();

        Map<String, String> summary() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("reference", reference);
            m.put("operation", operationType);
            m.put("amount", amount.toPlainString());
            m.put("currency", currency);
            m.put("phone", phone);
            m.put("succeeds", String.valueOf(succeeds));
            m.put("at", createdAt.toString());
            return m;
        }

        Execution(String reference, String operationType, JsonNode request, BigDecimal amount, String currency,
                  String phone, Invoice invoice, Instant createdAt, Duration settleAfter, boolean succeeds, String failure) {
            this.reference = reference;
            this.operationType = operationType;
            this.request = request;
            this.amount = amount;
            this.currency = currency;
            this.phone = phone;
            this.invoice = invoice;
            this.createdAt = createdAt;
            this.settleAfter = settleAfter;
            this.succeeds = succeeds;
            this.failure = failure;
        }

        String status() {
            Duration age = Duration.between(createdAt, Instant.now());
            if (age.compareTo(settleAfter) >= 0) {
                return succeeds ? "COMPLETED" : "FAILED";
            }
            return age.compareTo(account.processingDelay()) >= 0 ? "PROCESSING" : "PENDING";
        }

        ObjectNode json() {
            String status = status();
            BigDecimal fee = fee(amount);
            ObjectNode n = SandboxJson.object().put("reference_id", reference).put("status", status)
                    .put("operation_type", operationType)
                    .put("payer_amount", amount.toPlainString()).put("payer_currency", currency)
                    .put("payee_amount", "PAYOUT".equals(operationType) ? amount.toPlainString() : amount.subtract(fee).toPlainString())
                    .put("payee_currency", currency).put("provider_transaction_id", providerTransactionId);
            n.put("gateway_message", "FAILED".equals(status) ? failure : "COMPLETED".equals(status) ? "Success" : "In progress");
            n.put("wallet_message", "FAILED".equals(status) && failure != null && failure.startsWith("Insufficient") ? failure : null);
            return n;
        }
    }
}
