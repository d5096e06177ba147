package africa.sandbox.monnify;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.sandbox.SandboxJson;
import africa.sandbox.SandboxProperties;
import africa.sandbox.WebhookSender;
import org.springframework.http.HttpStatus;
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
 * Monnify's money in, after the "Customer Reserved Account", "Invoice", "Sub Accounts" and "Get All
 * Transactions" parts of {@code provider-docs/monnify-api-reference.txt} and the webhook samples of
 * provider-facts A3: reserved accounts (create, details, linked accounts, payment-source filter, split
 * config, deallocation, transactions), invoices (create, details, all, cancel), sub-accounts and the
 * transaction search (with the one-time collections of {@link MonnifyCollections}), all behind the login's bearer token and in Monnify's envelopes. Control endpoints
 * play the customer: a transfer into a reserved account or an invoice, cash at an agent, a transfer Monnify
 * turns away, a settlement; each ends in a webhook signed as Monnify signs (HMAC-SHA512 of the exact bytes).
 */
@RestController
@RequestMapping(path = "/sandbox/monnify", produces = MediaType.APPLICATION_JSON_VALUE)
public class MonnifyReservedAccounts {

    private static final DateTimeFormatter PAID_ON = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SETTLED = DateTimeFormatter.ofPattern("dd/MM/yyyy hh:mm:ss a").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String UNAUTHORIZED = "Full authentication is required to access this resource";
    private static final Map<String, String> BANKS = Map.of("035", "Wema bank", "232", "Sterling bank", "101", "Providus Bank");

    private final MonnifySandbox monnify;
    private final MonnifySandboxProperties account;
    private final MonnifyCollections oneTime;
    private final WebhookSender webhooks;
    private final String webhookUrl;
    private final AtomicLong sequence = new AtomicLong(5_000_600_000L);
    private final Map<String, ObjectNode> accounts = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> invoices = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> subAccounts = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Every collection transaction, in order (what the search lists). */
    private final List<ObjectNode> transactions = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> sentWebhooks = new ConcurrentHashMap<>();

    public MonnifyReservedAccounts(MonnifySandbox monnify, MonnifySandboxProperties account, MonnifyCollections oneTime,
                                   WebhookSender webhooks, SandboxProperties sandbox) {
        this.monnify = monnify;
        this.account = account;
        this.oneTime = oneTime;
        this.webhooks = webhooks;
        this.webhookUrl = sandbox.hubBaseUrl() + "/webhooks/monnify";
    }

    // ---------------------------------------------------------------- reserved accounts

    @PostMapping(path = "/api/v2/bank-transfer/reserved-accounts", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> reserve(@RequestHeader(value = "Authorization", required = false) String authorization,
                                            @RequestBody(required = false) JsonNode req) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        String missing = missing(req, "accountReference", "accountName", "currencyCode", "contractCode", "customerEmail", "customerName");
        if (missing != null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, missing + " is required");
        }
        boolean all = req.path("getAllAvailableBanks").asBoolean(false);
        if (!all && !req.path("preferredBanks").isArray()) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "preferredBanks is required when getAllAvailableBanks is false");
        }
        ObjectNode a = customerOf(req, req.get("accountName").asText());
        ArrayNode list = a.putArray("accounts");
        for (String bank : all ? List.of("035", "232") : strings(req.get("preferredBanks"))) {
            list.add(bankAccount(bank, req.get("accountName").asText()));
        }
        return reserved(a, "GENERAL", "ACTIVE", req.path("incomeSplitConfig"));
    }

    /**
     * Create Reserved Account (Invoice), lines 1084-1169: one account (at Wema bank here), reservedAccountType
     * INVOICE, INACTIVE until an invoice names it, answered with the account at the top rather than listed.
     */
    @PostMapping(path = "/api/v1/bank-transfer/reserved-accounts", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> reserveForInvoices(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                       @RequestBody(required = false) JsonNode req) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        String missing = missing(req, "contractCode", "accountName", "currencyCode", "accountReference", "customerEmail",
                "customerName", "reservedAccountType");
        if (missing != null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, missing + " is required");
        }
        if (!"INVOICE".equals(req.get("reservedAccountType").asText())) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "reservedAccountType must be INVOICE");
        }
        JsonNode bank = bankAccount("035", req.get("accountName").asText());
        ObjectNode a = customerOf(req, bank.path("accountName").asText());
        a.put("accountNumber", bank.path("accountNumber").asText());
        a.put("bankName", bank.path("bankName").asText());
        a.put("bankCode", bank.path("bankCode").asText());
        return reserved(a, "INVOICE", "INACTIVE", null);
    }

    /** A reserved account's first fields, as the request names its customer. */
    private static ObjectNode customerOf(JsonNode req, String accountName) {
        ObjectNode a = SandboxJson.object();
        a.put("contractCode", req.get("contractCode").asText());
        a.put("accountReference", req.get("accountReference").asText());
        a.put("accountName", accountName);
        a.put("currencyCode", req.get("currencyCode").asText());
        a.put("customerEmail", req.get("customerEmail").asText());
        a.put("customerName", req.get("customerName").asText());
        return a;
    }

    /** The account reserved, once per reference: its reservation, type, status and split, as created. */
    private ResponseEntity<JsonNode> reserved(ObjectNode a, String type, String status, JsonNode split) {
        String reference = a.get("accountReference").asText();
        a.put("collectionChannel", "RESERVED_ACCOUNT");
        a.put("reservationReference", "RSV" + sequence.incrementAndGet());
        a.put("reservedAccountType", type);
        a.put("status", status);
        a.put("createdOn", PAID_ON.format(Instant.now()));
        a.set("incomeSplitConfig", splitConfig(split, a.get("reservationReference").asText()));
        a.put("restrictPaymentSource", false);
        if (accounts.putIfAbsent(reference, a) != null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99,
                    "You cannot reserve more than one account with the same reference: " + reference);
        }
        return MonnifySandbox.ok(a);
    }

    /**
     * Update BVN for a Reserve Account, lines 1329-1377: the account with the customer's BVN (the simulator
     * keeps it, as Monnify does; what the hub keeps is the hub's business).
     */
    @PutMapping(path = "/api/v1/bank-transfer/reserved-accounts/update-customer-bvn/{reference}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> updateBvn(@RequestHeader(value = "Authorization", required = false) String authorization,
                                              @PathVariable String reference, @RequestBody(required = false) JsonNode req) {
        if (req != null && !req.path("bvn").asText("").matches("[0-9]{11}")) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "bvn must be 11 digits");
        }
        return update(authorization, reference, req, a -> {
            a.put("bvn", req.get("bvn").asText());
            ObjectNode out = a.deepCopy();
            JsonNode first = firstAccount(a);
            out.remove("accounts");
            out.put("accountNumber", first.path("accountNumber").asText());
            out.put("bankName", first.path("bankName").asText());
            out.put("bankCode", first.path("bankCode").asText());
            return out;
        });
    }

    /** A reserved account's first bank account: listed for a general account, at the top for an invoice one. */
    private static JsonNode firstAccount(ObjectNode a) {
        return a.has("accounts") ? a.path("accounts").path(0) : a;
    }

    @GetMapping("/api/v2/bank-transfer/reserved-accounts/{reference}")
    public ResponseEntity<JsonNode> details(@RequestHeader(value = "Authorization", required = false) String authorization,
                                            @PathVariable String reference) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        ObjectNode a = accounts.get(reference);
        return a == null ? MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Cannot find reserved account") : MonnifySandbox.ok(a);
    }

    @PutMapping(path = "/api/v1/bank-transfer/reserved-accounts/add-linked-accounts/{reference}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> link(@RequestHeader(value = "Authorization", required = false) String authorization,
                                         @PathVariable String reference, @RequestBody(required = false) JsonNode req) {
        return update(authorization, reference, req, a -> {
            if (!(a.get("accounts") instanceof ArrayNode list)) {
                return null; // an account reserved for invoices is at one bank
            }
            List<String> have = new ArrayList<>();
            list.forEach(n -> have.add(n.path("bankCode").asText()));
            List<String> wanted = req.path("getAllAvailableBanks").asBoolean(false) ? List.of("035", "232", "101")
                    : strings(req.path("preferredBanks"));
            for (String bank : wanted) {
                if (!have.contains(bank)) {
                    list.add(bankAccount(bank, a.path("accountName").asText()));
                }
            }
            return a;
        });
    }

    @PutMapping(path = "/api/v1/bank-transfer/reserved-accounts/update-payment-source-filter/{reference}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> sources(@RequestHeader(value = "Authorization", required = false) String authorization,
                                            @PathVariable String reference, @RequestBody(required = false) JsonNode req) {
        return update(authorization, reference, req, a -> {
            a.put("restrictPaymentSource", req.path("restrictPaymentSource").asBoolean(false));
            a.set("allowedPaymentSources", req.path("allowedPaymentSources").isObject()
                    ? req.get("allowedPaymentSources").deepCopy() : SandboxJson.object());
            ObjectNode out = SandboxJson.object();
            out.put("restrictPaymentSource", a.get("restrictPaymentSource").asBoolean());
            out.set("allowedPaymentSources", a.get("allowedPaymentSources"));
            return out;
        });
    }

    @PutMapping(path = "/api/v1/bank-transfer/reserved-accounts/update-income-split-config/{reference}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> split(@RequestHeader(value = "Authorization", required = false) String authorization,
                                          @PathVariable String reference, @RequestBody(required = false) JsonNode req) {
        if (req != null && !req.isArray()) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Request body must be a list of split configurations");
        }
        return update(authorization, reference, SandboxJson.object(), a -> {
            String code = a.path("reservationReference").asText();
            for (JsonNode s : req == null ? SandboxJson.NODES.arrayNode() : req) {
                if (!subAccounts.containsKey(s.path("subAccountCode").asText())) {
                    return null;
                }
            }
            a.set("incomeSplitConfig", splitConfig(req, code));
            ObjectNode out = SandboxJson.object();
            out.put("code", code);
            out.put("reservedAccountCode", code);
            out.put("feeBearer", "MERCHANT_ONLY");
            out.set("configDetails", a.get("incomeSplitConfig"));
            return out;
        });
    }

    @DeleteMapping("/api/v1/bank-transfer/reserved-accounts/{reference}")
    public ResponseEntity<JsonNode> deallocate(@RequestHeader(value = "Authorization", required = false) String authorization,
                                               @PathVariable String reference) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        ObjectNode a = accounts.remove(reference);
        if (a == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Cannot find reserved account");
        }
        ObjectNode out = a.deepCopy();
        JsonNode first = firstAccount(a);
        out.remove("accounts");
        out.put("accountNumber", first.path("accountNumber").asText());
        out.put("bankName", first.path("bankName").asText());
        out.put("bankCode", first.path("bankCode").asText());
        return MonnifySandbox.ok(out);
    }

    @GetMapping("/api/v1/bank-transfer/reserved-accounts/transactions")
    public ResponseEntity<JsonNode> accountTransactions(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                        @RequestParam("accountReference") String reference,
                                                        @RequestParam(value = "page", defaultValue = "0") int page,
                                                        @RequestParam(value = "size", defaultValue = "10") int size) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        return MonnifySandbox.ok(page(transactions.stream()
                .filter(t -> reference.equals(t.path("product").path("reference").asText())).toList(), page, size));
    }

    private ResponseEntity<JsonNode> update(String authorization, String reference, JsonNode req,
                                            java.util.function.Function<ObjectNode, JsonNode> change) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        if (req == null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Request body is required");
        }
        ObjectNode a = accounts.get(reference);
        if (a == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Cannot find reserved account");
        }
        synchronized (a) {
            JsonNode out = change.apply(a);
            return out == null ? MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Invalid sub account code")
                    : MonnifySandbox.ok(out);
        }
    }

    // ---------------------------------------------------------------- invoices

    @PostMapping(path = "/api/v1/invoice/create", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> createInvoice(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                  @RequestBody(required = false) JsonNode req) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        String missing = missing(req, "amount", "invoiceReference", "currencyCode", "contractCode", "customerEmail",
                "customerName", "description", "expiryDate");
        if (missing != null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, missing + " is required");
        }
        if (!"NGN".equals(req.get("currencyCode").asText())) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Unknown currency code " + req.get("currencyCode").asText());
        }
        BigDecimal amount = new BigDecimal(req.get("amount").asText());
        if (amount.compareTo(new BigDecimal("20")) <= 0) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Amount must be greater than 20.");
        }
        if (!req.get("expiryDate").asText().matches("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "expiryDate must be YYYY-MM-DD HH:MM:SS");
        }
        String reference = req.get("invoiceReference").asText();
        String transactionReference = "MNFY|99|" + CREATED.format(Instant.now()).replaceAll("[^0-9]", "") + "|"
                + String.format("%06d", sequence.incrementAndGet() % 1_000_000);
        ObjectNode i = SandboxJson.object();
        i.set("amount", SandboxJson.NODES.numberNode(amount));
        i.put("invoiceReference", reference);
        i.put("invoiceStatus", "PENDING");
        i.put("description", req.get("description").asText());
        i.put("contractCode", req.get("contractCode").asText());
        i.put("customerEmail", req.get("customerEmail").asText());
        i.put("customerName", req.get("customerName").asText());
        i.put("expiryDate", req.get("expiryDate").asText());
        i.put("createdBy", account.apiKey());
        i.put("createdOn", CREATED.format(Instant.now()));
        i.put("checkoutUrl", "https://sandbox.sdk.monnify.com/checkout/" + transactionReference);
        String attached = req.path("accountReference").asText("");
        ObjectNode reserved = attached.isEmpty() ? null : accounts.get(attached);
        if (!attached.isEmpty() && reserved == null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Cannot find reserved account " + attached);
        }
        JsonNode bank = reserved != null ? firstAccount(reserved) : bankAccount("035", "tes");
        i.put("accountNumber", bank.path("accountNumber").asText());
        i.put("accountName", bank.path("accountName").asText());
        i.put("bankName", bank.path("bankName").asText());
        i.put("bankCode", bank.path("bankCode").asText());
        if (req.hasNonNull("redirectUrl")) {
            i.put("redirectUrl", req.get("redirectUrl").asText());
        }
        i.put("transactionReference", transactionReference);
        i.set("incomeSplitConfig", req.path("incomeSplitConfig").isArray() ? req.get("incomeSplitConfig") : SandboxJson.NODES.arrayNode());
        if (invoices.putIfAbsent(reference, i) != null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Invoice with this reference already exists.");
        }
        return MonnifySandbox.ok(i);
    }

    @GetMapping("/api/v1/invoice/{reference}/details")
    public ResponseEntity<JsonNode> invoice(@RequestHeader(value = "Authorization", required = false) String authorization,
                                            @PathVariable String reference) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        ObjectNode i = invoices.get(reference);
        return i == null ? MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Invoice not found for reference: " + reference)
                : MonnifySandbox.ok(i);
    }

    @GetMapping("/api/v1/invoice/all")
    public ResponseEntity<JsonNode> allInvoices(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                @RequestParam(value = "page", defaultValue = "0") int page,
                                                @RequestParam(value = "size", defaultValue = "10") int size) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        return MonnifySandbox.ok(page(new ArrayList<>(invoices.values()), page, size));
    }

    @DeleteMapping("/api/v1/invoice/{reference}/cancel")
    public ResponseEntity<JsonNode> cancelInvoice(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                  @PathVariable String reference) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        ObjectNode i = invoices.get(reference);
        if (i == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Invoice not found for reference: " + reference);
        }
        synchronized (i) {
            String status = i.path("invoiceStatus").asText();
            if (!"PENDING".equals(status) && !"CANCELLED".equals(status)) {
                return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Invoice is " + status + " and cannot be cancelled");
            }
            i.put("invoiceStatus", "CANCELLED");
        }
        return MonnifySandbox.ok(i);
    }

    // ---------------------------------------------------------------- sub-accounts

    @PostMapping(path = "/api/v1/sub-accounts", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> createSubAccounts(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                      @RequestBody(required = false) JsonNode req) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        if (req == null || !req.isArray() || req.isEmpty()) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Request body must be a list of sub accounts");
        }
        ArrayNode out = SandboxJson.NODES.arrayNode();
        for (JsonNode s : req) {
            String missing = missing(s, "currencyCode", "bankCode", "accountNumber", "email", "defaultSplitPercentage");
            if (missing != null) {
                return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, missing + " is required");
            }
            ObjectNode sub = subAccount("MFY_SUB_" + sequence.incrementAndGet(), s);
            subAccounts.put(sub.get("subAccountCode").asText(), sub);
            out.add(sub);
        }
        return MonnifySandbox.ok(out);
    }

    @GetMapping("/api/v1/sub-accounts")
    public ResponseEntity<JsonNode> listSubAccounts(@RequestHeader(value = "Authorization", required = false) String authorization) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        ArrayNode out = SandboxJson.NODES.arrayNode();
        subAccounts.values().forEach(out::add);
        return MonnifySandbox.ok(out);
    }

    @PutMapping(path = "/api/v1/sub-accounts", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> updateSubAccount(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                     @RequestBody(required = false) JsonNode req) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        String code = req == null ? "" : req.path("subAccountCode").asText("");
        if (!subAccounts.containsKey(code)) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Sub account not found: " + code);
        }
        ObjectNode sub = subAccount(code, req);
        subAccounts.put(code, sub);
        return MonnifySandbox.ok(sub);
    }

    @DeleteMapping("/api/v1/sub-accounts/{code}")
    public ResponseEntity<JsonNode> deleteSubAccount(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                     @PathVariable String code) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        if (subAccounts.remove(code) == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Sub account not found: " + code);
        }
        ObjectNode env = SandboxJson.object();
        env.put("requestSuccessful", true);
        env.put("responseMessage", "success");
        env.put("responseCode", "0");
        return ResponseEntity.ok(env);
    }

    // ---------------------------------------------------------------- transaction search

    @GetMapping("/api/v1/transactions/search")
    public ResponseEntity<JsonNode> search(@RequestHeader(value = "Authorization", required = false) String authorization,
                                           @RequestParam(value = "from", required = false) Long from,
                                           @RequestParam(value = "to", required = false) Long to,
                                           @RequestParam(value = "paymentStatus", required = false) String status,
                                           @RequestParam(value = "page", defaultValue = "0") int page,
                                           @RequestParam(value = "size", defaultValue = "10") int size) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        List<ObjectNode> all = new ArrayList<>(transactions);
        all.addAll(oneTime.searchable());
        all.sort(java.util.Comparator.comparingLong(t -> t.path("_at").asLong()));
        return MonnifySandbox.ok(page(all.stream()
                .filter(t -> from == null || t.path("_at").asLong() >= from)
                .filter(t -> to == null || t.path("_at").asLong() <= to)
                .filter(t -> status == null || status.equals(t.path("paymentStatus").asText())).toList(), page, size));
    }

    // ---------------------------------------------------------------- control: the customer, Monnify's back office

    /**
     * The customer transfers {@code amount} into reserved account {@code reference} (from {@code payer}, an
     * account number, optional): a PAID transaction and its SUCCESSFUL_TRANSACTION webhook; a payer the
     * account's payment-source filter does not allow is turned away (REJECTED_PAYMENT). {@code webhook: false}
     * records the transaction without telling anyone.
     */
    @PostMapping(path = "/_control/reserved-accounts/{reference}/transfers", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JsonNode> transferIn(@PathVariable String reference, @RequestBody JsonNode body) {
        ObjectNode a = accounts.get(reference);
        if (a == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Cannot find reserved account");
        }
        BigDecimal amount = new BigDecimal(body.path("amount").asText("0"));
        String payer = body.path("payer").asText("0123456789");
        JsonNode allowed = a.path("allowedPaymentSources").path("bankAccounts");
        boolean refused = a.path("restrictPaymentSource").asBoolean(false) && allowed.isArray()
                && java.util.stream.StreamSupport.stream(allowed.spliterator(), false)
                .noneMatch(s -> payer.equals(s.path("accountNumber").asText()));
        ObjectNode t = transaction("RESERVED_ACCOUNT", reference, amount, amount, a.path("customerName").asText(),
                a.path("customerEmail").asText(), firstAccount(a), payer);
        if (refused) {
            t.put("paymentStatus", "REJECTED");
            ObjectNode rejection = t.putObject("paymentRejectionInformation");
            rejection.put("bankCode", firstAccount(a).path("bankCode").asText());
            rejection.put("destinationAccountNumber", firstAccount(a).path("accountNumber").asText());
            rejection.put("bankName", firstAccount(a).path("bankName").asText());
            rejection.put("rejectionReason", "PAYMENT_SOURCE_NOT_ALLOWED");
            return sent(t, "REJECTED_PAYMENT", body);
        }
        return sent(t, "SUCCESSFUL_TRANSACTION", body);
    }

    /**
     * The customer pays invoice {@code reference}: {@code amount} (the invoice's by default); less than the
     * invoice is a REJECTED_PAYMENT (UNDER_PAYMENT) and the invoice stays PENDING; {@code channel: OFFLINE}
     * is cash at an agent (product OFFLINE_PAYMENT_AGENT, paymentMethod CASH, paymentSourceInformation {}).
     */
    @PostMapping(path = "/_control/invoices/{reference}/pay", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JsonNode> payInvoice(@PathVariable String reference, @RequestBody JsonNode body) {
        ObjectNode i = invoices.get(reference);
        if (i == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Invoice not found for reference: " + reference);
        }
        BigDecimal due = i.get("amount").decimalValue();
        BigDecimal amount = body.hasNonNull("amount") ? new BigDecimal(body.get("amount").asText()) : due;
        boolean offline = "OFFLINE".equals(body.path("channel").asText());
        ObjectNode t = transaction(offline ? "OFFLINE_PAYMENT_AGENT" : "INVOICE", reference, amount, due,
                i.path("customerName").asText(), i.path("customerEmail").asText(), i, body.path("payer").asText("0123456789"));
        t.put("transactionReference", i.get("transactionReference").asText()
                + (transactions.stream().anyMatch(x -> x.path("transactionReference").asText()
                        .equals(i.get("transactionReference").asText())) ? "-" + sequence.incrementAndGet() : ""));
        if (amount.compareTo(due) < 0) {
            t.put("paymentStatus", "REJECTED");
            ObjectNode rejection = t.putObject("paymentRejectionInformation");
            rejection.put("bankCode", i.path("bankCode").asText());
            rejection.put("destinationAccountNumber", i.path("accountNumber").asText());
            rejection.put("bankName", i.path("bankName").asText());
            rejection.put("rejectionReason", "UNDER_PAYMENT");
            rejection.set("expectedAmount", SandboxJson.NODES.numberNode(due));
            t.put("metaData", "{}");  // a JSON string in this event (provider-facts A3)
            t.put("created_on", PAID_ON.format(Instant.now()));
            return sent(t, "REJECTED_PAYMENT", body);
        }
        if (offline) {
            t.put("paymentMethod", "CASH");
            t.set("paymentSourceInformation", SandboxJson.object());
            ObjectNode info = t.putObject("offlineProductInformation");
            info.put("code", "OFF" + sequence.incrementAndGet());
            info.put("type", "INVOICE");
            t.put("invoiceReference", reference);
        }
        i.put("invoiceStatus", amount.compareTo(due) > 0 ? "OVERPAID" : "PAID");
        return sent(t, "SUCCESSFUL_TRANSACTION", body);
    }

    /**
     * Monnify settles collected money to the merchant: a SETTLEMENT webhook listing the transactions named
     * ({@code transactionReferences}), or every PAID one not settled yet.
     */
    @PostMapping(path = "/_control/settlements", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JsonNode> settle(@RequestBody JsonNode body) {
        List<String> named = strings(body.path("transactionReferences"));
        ArrayNode list = SandboxJson.NODES.arrayNode();
        BigDecimal total = BigDecimal.ZERO;
        for (ObjectNode t : transactions) {
            boolean wanted = named.isEmpty() ? !t.path("_settled").asBoolean(false) && "PAID".equals(t.path("paymentStatus").asText())
                    : named.contains(t.path("transactionReference").asText());
            if (wanted) {
                t.put("_settled", true);
                list.add(visible(t));
                total = total.add(t.path("amountPaid").decimalValue());
            }
        }
        for (String extra : strings(body.path("unknownTransactionReferences"))) {
            ObjectNode t = SandboxJson.object();
            t.put("transactionReference", extra);
            t.put("paymentReference", extra);
            t.set("amountPaid", SandboxJson.NODES.numberNode(new BigDecimal("100")));
            list.add(t);
        }
        ObjectNode data = SandboxJson.object();
        data.put("amount", total.toPlainString());
        data.put("settlementTime", SETTLED.format(Instant.now()));
        data.put("settlementReference", "STL" + sequence.incrementAndGet());
        data.put("destinationAccountNumber", "0123456789");
        data.put("destinationBankName", "GTBank");
        data.put("destinationAccountName", "Payment Hub Ltd");
        data.put("transactionsCount", list.size());
        data.set("transactions", list);
        return signAndSend("SETTLEMENT", data, data.get("settlementReference").asText(), body);
    }

    /** A webhook of any type with the given eventData, signed: e.g. a type the hub does not apply. */
    @PostMapping(path = "/_control/webhooks", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JsonNode> anyWebhook(@RequestBody JsonNode body) {
        ObjectNode data = body.path("eventData").isObject() ? (ObjectNode) body.get("eventData") : SandboxJson.object();
        return signAndSend(body.path("eventType").asText("UNKNOWN"), data, "any-" + sequence.incrementAndGet(), body);
    }

    /** Sends again the exact bytes of a webhook this simulator sent (by the key its control answer gave). */
    @PostMapping("/_control/collections/webhooks/{key}/replay")
    public ResponseEntity<JsonNode> replay(@PathVariable String key) {
        byte[] bytes = sentWebhooks.get(key);
        if (bytes == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "no webhook sent for " + key);
        }
        webhooks.send(webhookUrl, bytes, Map.of(MonnifySignature.HEADER, monnify.signature(bytes)), Duration.ZERO);
        ObjectNode out = SandboxJson.object();
        out.put("replayed", key);
        return ResponseEntity.ok(out);
    }

    /** Monnify's records lose a transaction (what a reconciliation must then report). */
    @PostMapping("/_control/transactions/{key}/forget")
    public ResponseEntity<JsonNode> forget(@PathVariable String key) {
        boolean removed = transactions.removeIf(t -> key.equals(t.path("transactionReference").asText()));
        ObjectNode out = SandboxJson.object();
        out.put("forgotten", removed);
        return removed ? ResponseEntity.ok(out) : ResponseEntity.status(HttpStatus.NOT_FOUND).body(out);
    }

    /** What the simulator holds: a reserved account, an invoice. */
    @GetMapping("/_control/reserved-accounts/{reference}")
    public ResponseEntity<JsonNode> reservedAccount(@PathVariable String reference) {
        ObjectNode a = accounts.get(reference);
        return a == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(a);
    }

    @GetMapping("/_control/invoices/{reference}")
    public ResponseEntity<JsonNode> invoiceRecord(@PathVariable String reference) {
        ObjectNode i = invoices.get(reference);
        return i == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(i);
    }

    // ---------------------------------------------------------------- internals

    private ResponseEntity<JsonNode> sent(ObjectNode t, String eventType, JsonNode body) {
        transactions.add(t);
        return signAndSend(eventType, visible(t), t.get("transactionReference").asText(), body);
    }

    /** Signs exactly the bytes it sends (HMAC-SHA512 with the secret key, lowercase hex), as Monnify does. */
    private ResponseEntity<JsonNode> signAndSend(String eventType, JsonNode data, String key, JsonNode control) {
        ObjectNode event = SandboxJson.object();
        event.put("eventType", eventType);
        event.set("eventData", data);
        byte[] bytes = SandboxJson.write(event).getBytes(StandardCharsets.UTF_8);
        sentWebhooks.put(key, bytes);
        int copies = Math.max(1, control.path("copies").asInt(1));
        if (control.path("webhook").asBoolean(true)) {
            for (int c = 0; c < copies; c++) {
                webhooks.send(webhookUrl, bytes, Map.of(MonnifySignature.HEADER, monnify.signature(bytes)), Duration.ofMillis(100L * c));
            }
        }
        ObjectNode out = SandboxJson.object();
        out.put("eventType", eventType);
        out.put("key", key);
        out.set("eventData", data);
        return ResponseEntity.ok(out);
    }

    /** A collection transaction as Monnify's webhooks and search show it (provider-facts A3, A6). */
    private ObjectNode transaction(String productType, String productReference, BigDecimal paid, BigDecimal payable,
                                   String customerName, String customerEmail, JsonNode destination, String payer) {
        Instant now = Instant.now();
        long n = sequence.incrementAndGet();
        ObjectNode t = SandboxJson.object();
        ObjectNode product = t.putObject("product");
        product.put("reference", productReference);
        product.put("type", productType);
        String reference = "MNFY|04|" + CREATED.format(now).replaceAll("[^0-9]", "") + "|" + String.format("%06d", n % 1_000_000);
        t.put("transactionReference", reference);
        t.put("paymentReference", reference);
        t.put("paidOn", PAID_ON.format(now));
        t.put("paymentDescription", customerName);
        t.set("metaData", SandboxJson.object());
        ArrayNode sources = t.putArray("paymentSourceInformation");
        ObjectNode source = sources.addObject();
        source.put("bankCode", "058");
        source.set("amountPaid", SandboxJson.NODES.numberNode(paid));
        source.put("accountName", "Customer Payer");
        source.put("sessionId", "0900" + n);
        source.put("accountNumber", payer);
        ObjectNode dest = t.putObject("destinationAccountInformation");
        dest.put("bankCode", destination.path("bankCode").asText());
        dest.put("bankName", destination.path("bankName").asText());
        dest.put("accountNumber", destination.path("accountNumber").asText());
        t.set("amountPaid", SandboxJson.NODES.numberNode(paid));
        t.set("totalPayable", SandboxJson.NODES.numberNode(payable));
        t.set("cardDetails", SandboxJson.object());
        t.put("paymentMethod", "ACCOUNT_TRANSFER");
        t.put("currency", "NGN");
        t.put("currencyCode", "NGN");
        t.put("settlementAmount", paid.subtract(new BigDecimal("10")).max(BigDecimal.ZERO).setScale(2).toPlainString());
        t.put("paymentStatus", paid.compareTo(payable) > 0 ? "OVERPAID" : "PAID");
        ObjectNode customer = t.putObject("customer");
        customer.put("name", customerName);
        customer.put("email", customerEmail);
        t.set("amount", SandboxJson.NODES.numberNode(paid));
        t.put("createdOn", PAID_ON.format(now));
        t.put("completedOn", PAID_ON.format(now));
        t.put("_at", now.toEpochMilli());
        return t;
    }

    /** The transaction without the simulator's own bookkeeping fields. */
    private static ObjectNode visible(ObjectNode t) {
        ObjectNode v = t.deepCopy();
        v.remove("_at");
        v.remove("_settled");
        return v;
    }

    private ObjectNode bankAccount(String bank, String name) {
        ObjectNode b = SandboxJson.object();
        b.put("bankCode", bank);
        b.put("bankName", BANKS.getOrDefault(bank, "Bank " + bank));
        b.put("accountNumber", String.valueOf(sequence.incrementAndGet()));
        b.put("accountName", name);
        return b;
    }

    private ArrayNode splitConfig(JsonNode requested, String code) {
        ArrayNode out = SandboxJson.NODES.arrayNode();
        for (JsonNode s : requested == null || !requested.isArray() ? SandboxJson.NODES.arrayNode() : requested) {
            ObjectNode c = out.addObject();
            c.put("subAccountCode", s.path("subAccountCode").asText());
            c.set("feePercentage", SandboxJson.NODES.numberNode(s.path("feePercentage").decimalValue()));
            c.put("feeBearer", s.path("feeBearer").asBoolean(false));
            c.set("splitPercentage", SandboxJson.NODES.numberNode(s.path("splitPercentage").decimalValue()));
            c.put("reservedAccountConfigCode", code);
        }
        return out;
    }

    private static ObjectNode subAccount(String code, JsonNode s) {
        ObjectNode sub = SandboxJson.object();
        sub.put("subAccountCode", code);
        sub.put("accountNumber", s.path("accountNumber").asText());
        sub.put("accountName", "SUB ACCOUNT " + s.path("accountNumber").asText());
        sub.put("currencyCode", s.path("currencyCode").asText("NGN"));
        sub.put("email", s.path("email").asText());
        sub.put("bankCode", s.path("bankCode").asText());
        sub.put("bankName", "GTBank");
        sub.set("defaultSplitPercentage", SandboxJson.NODES.numberNode(new BigDecimal(s.path("defaultSplitPercentage").asText("0"))));
        sub.put("settlementProfileCode", "8717495899");
        sub.putArray("settlementReportEmails");
        return sub;
    }

    private static ObjectNode page(List<ObjectNode> all, int pageNo, int pageSize) {
        return MonnifyAccounts.page(all, pageNo, pageSize, MonnifyReservedAccounts::visible);
    }

    private static String missing(JsonNode req, String... fields) {
        if (req == null || !req.isObject()) {
            return "a JSON object body";
        }
        for (String f : fields) {
            if (!req.hasNonNull(f) || req.get(f).asText().isBlank()) {
                return f;
            }
        }
        return null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
