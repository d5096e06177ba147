package africa.sandbox.monnify;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.sandbox.Credentials;
import africa.sandbox.SandboxJson;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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
 * Monnify's wallets, limit profiles and reserved accounts with limits, after the "Wallet" and "Limit
 * Profile" parts of {@code provider-docs/monnify-api-reference.txt}: the wallet endpoints take HTTP Basic
 * ({@code base64(apiKey:secretKey)}), the limit-profile ones the bearer token of the login, as the
 * document says. Its own state; a wallet is credited on demand under {@code _control}, so its balance and
 * transactions have something to show.
 */
@RestController
@RequestMapping(path = "/sandbox/monnify", produces = MediaType.APPLICATION_JSON_VALUE)
public class MonnifyAccounts {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy hh:mm:ss a").withZone(ZoneOffset.UTC);
    private static final String UNAUTHORIZED = "Full authentication is required to access this resource";

    private final MonnifySandboxProperties account;
    private final MonnifySandbox monnify;
    private final AtomicLong sequence = new AtomicLong(7_000_000_000L);
    /** Wallets by reference, in creation order. */
    private final Map<String, Wallet> wallets = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<String, ObjectNode> profiles = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> reserved = new ConcurrentHashMap<>();

    public MonnifyAccounts(MonnifySandboxProperties account, MonnifySandbox monnify) {
        this.account = account;
        this.monnify = monnify;
    }

    // ---------------------------------------------------------------- wallets (HTTP Basic)

    @PostMapping(path = "/api/v1/disbursements/wallet", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> createWallet(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                 @RequestBody(required = false) JsonNode req) {
        if (!basic(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        if (req == null || !req.isObject()) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Request body must be a JSON object");
        }
        for (String f : List.of("walletReference", "walletName", "customerName", "customerEmail")) {
            if (req.path(f).asText("").isBlank()) {
                return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, f + " is required");
            }
        }
        String bvn = req.path("bvnDetails").path("bvn").asText("");
        if (!bvn.matches("[0-9]{11}") || bvn.startsWith("0")) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "bvnDetails.bvn could not be validated");
        }
        String reference = req.get("walletReference").asText();
        Wallet w = new Wallet(reference, req.get("walletName").asText(), req.get("customerName").asText(),
                req.get("customerEmail").asText(), String.valueOf(sequence.incrementAndGet()));
        if (wallets.putIfAbsent(reference, w) != null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Wallet with reference " + reference + " already exists");
        }
        return MonnifySandbox.ok(w.view());
    }

    @GetMapping("/api/v1/disbursements/wallet/balance")
    public ResponseEntity<JsonNode> balance(@RequestHeader(value = "Authorization", required = false) String authorization,
                                            @RequestParam(value = "walletReference", required = false) String walletReference,
                                            @RequestParam(value = "accountNumber", required = false) String accountNumber) {
        if (!basic(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        Wallet w = find(walletReference, accountNumber);
        if (w == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Wallet not found");
        }
        ObjectNode b = SandboxJson.object();
        b.set("availableBalance", SandboxJson.NODES.numberNode(w.balance));
        b.set("ledgerBalance", SandboxJson.NODES.numberNode(w.balance));
        return MonnifySandbox.ok(b);
    }

    @GetMapping("/api/v1/disbursements/wallet")
    public ResponseEntity<JsonNode> list(@RequestHeader(value = "Authorization", required = false) String authorization,
                                         @RequestParam(value = "customerEmail", required = false) String customerEmail,
                                         @RequestParam(value = "walletReference", required = false) String walletReference,
                                         @RequestParam(value = "pageNo", defaultValue = "0") int pageNo,
                                         @RequestParam(value = "pageSize", defaultValue = "10") int pageSize) {
        if (!basic(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        List<Wallet> found = wallets.values().stream()
                .filter(w -> customerEmail == null || w.customerEmail.equalsIgnoreCase(customerEmail))
                .filter(w -> walletReference == null || w.reference.equals(walletReference)).toList();
        return MonnifySandbox.ok(page(found, pageNo, pageSize, Wallet::view));
    }

    @GetMapping("/api/v1/disbursements/wallet/transactions")
    public ResponseEntity<JsonNode> transactions(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                 @RequestParam(value = "accountNumber", required = false) String accountNumber,
                                                 @RequestParam(value = "pageNo", defaultValue = "0") int pageNo,
                                                 @RequestParam(value = "pageSize", defaultValue = "10") int pageSize) {
        if (!basic(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        Wallet w = find(null, accountNumber);
        if (w == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Wallet not found for account number: " + accountNumber);
        }
        return MonnifySandbox.ok(page(w.transactions, pageNo, pageSize, t -> t));
    }

    // ---------------------------------------------------------------- limit profiles (bearer)

    @PostMapping(path = "/api/v1/limit-profile/", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> createProfile(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                  @RequestBody(required = false) JsonNode req) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        String invalid = invalidProfile(req);
        if (invalid != null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, invalid);
        }
        String name = req.get("limitProfileName").asText();
        if (profiles.values().stream().anyMatch(p -> p.path("limitProfileName").asText().equals(name))) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Limit profile with name " + name + " already exists");
        }
        String code = code();
        String now = DATE.format(Instant.now());
        ObjectNode p = SandboxJson.object().put("limitProfileCode", code);
        copyProfile(req, p);
        p.put("dateCreated", now).put("lastModified", now);
        profiles.put(code, p);
        return MonnifySandbox.ok(p);
    }

    @GetMapping({"/api/v1/limit-profile/", "/api/v1/limit-profile"})
    public ResponseEntity<JsonNode> profiles(@RequestHeader(value = "Authorization", required = false) String authorization,
                                             @RequestParam(value = "pageNo", defaultValue = "0") int pageNo,
                                             @RequestParam(value = "pageSize", defaultValue = "10") int pageSize) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        List<ObjectNode> all = profiles.values().stream()
                .sorted(java.util.Comparator.comparing(p -> p.path("limitProfileCode").asText())).toList();
        return MonnifySandbox.ok(page(all, pageNo, pageSize, p -> p));
    }

    @PutMapping(path = "/api/v1/limit-profile/{code}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> updateProfile(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                  @PathVariable String code, @RequestBody(required = false) JsonNode req) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        ObjectNode p = profiles.get(code);
        if (p == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Limit profile not found for code: " + code);
        }
        String invalid = invalidProfile(req);
        if (invalid != null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, invalid);
        }
        synchronized (p) {
            copyProfile(req, p);
            p.put("lastModified", DATE.format(Instant.now()));
        }
        return MonnifySandbox.ok(p);
    }

    @PostMapping(path = "/api/v1/bank-transfer/reserved-accounts/limit", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> reserveWithLimit(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                     @RequestBody(required = false) JsonNode req) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        if (req == null || !req.isObject()) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Request body must be a JSON object");
        }
        for (String f : List.of("accountReference", "accountName", "currencyCode", "contractCode", "customerEmail", "limitProfileCode")) {
            if (req.path(f).asText("").isBlank()) {
                return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, f + " is required");
            }
        }
        if (!req.get("contractCode").asText().matches("[0-9]{10}")) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Unknown Contract Code provided.");
        }
        ObjectNode profile = profiles.get(req.get("limitProfileCode").asText());
        if (profile == null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Limit profile not found");
        }
        String reference = req.get("accountReference").asText();
        ObjectNode a = SandboxJson.object();
        for (String f : List.of("contractCode", "accountReference", "accountName", "currencyCode", "customerEmail", "customerName")) {
            a.put(f, req.path(f).asText(null));
        }
        a.put("accountNumber", String.valueOf(5_000_000_000L + sequence.incrementAndGet() % 1_000_000_000L));
        a.put("bankName", "Wema bank").put("bankCode", "035").put("collectionChannel", "RESERVED_ACCOUNT");
        a.put("reservationReference", code() + code()).put("reservedAccountType", "GENERAL").put("status", "ACTIVE");
        a.put("createdOn", Instant.now().toString());
        a.set("limitProfileConfig", limits(profile));
        if (reserved.putIfAbsent(reference, a) != null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "You cannot reserve more than one account with the same reference");
        }
        return MonnifySandbox.ok(a);
    }

    @PutMapping(path = "/api/v1/bank-transfer/reserved-accounts/limit", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> updateReservedLimit(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                        @RequestBody(required = false) JsonNode req) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, UNAUTHORIZED);
        }
        ObjectNode a = req == null ? null : reserved.get(req.path("accountReference").asText(""));
        if (a == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, 99, "Reserved account not found");
        }
        ObjectNode profile = profiles.get(req.path("limitProfileCode").asText(""));
        if (profile == null) {
            return MonnifySandbox.error(HttpStatus.BAD_REQUEST, 99, "Limit profile not found");
        }
        synchronized (a) {
            a.set("limitProfileConfig", limits(profile));
        }
        return MonnifySandbox.ok(a);
    }

    // ---------------------------------------------------------------- control

    /** Credits a wallet (money arriving in it), so its balance and transactions show something. */
    @PostMapping(path = "/_control/wallets/{accountNumber}/credit", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JsonNode> credit(@PathVariable String accountNumber, @RequestBody JsonNode body) {
        Wallet w = find(null, accountNumber);
        if (w == null) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok(w.credit(new BigDecimal(body.path("amount").asText("0")), body.path("narration").asText("Credit")));
    }

    // ---------------------------------------------------------------- helpers

    private boolean basic(String authorization) {
        return authorization != null && Credentials.basicMatches(authorization, account.apiKey(), account.secretKey());
    }

    private Wallet find(String reference, String accountNumber) {
        if (reference != null) {
            return wallets.get(reference);
        }
        return accountNumber == null ? null
                : wallets.values().stream().filter(w -> w.accountNumber.equals(accountNumber)).findFirst().orElse(null);
    }

    private static String invalidProfile(JsonNode req) {
        if (req == null || !req.isObject()) {
            return "Request body must be a JSON object";
        }
        if (req.path("limitProfileName").asText("").isBlank()) {
            return "limitProfileName is required";
        }
        for (String f : List.of("singleTransactionValue", "dailyTransactionValue", "dailyTransactionVolume")) {
            if (!req.path(f).isNumber() || req.get(f).decimalValue().signum() <= 0) {
                return f + " must be a positive number";
            }
        }
        if (req.get("singleTransactionValue").decimalValue().compareTo(req.get("dailyTransactionValue").decimalValue()) > 0) {
            return "singleTransactionValue cannot be greater than dailyTransactionValue";
        }
        return null;
    }

    private static void copyProfile(JsonNode req, ObjectNode p) {
        p.put("limitProfileName", req.get("limitProfileName").asText());
        for (String f : List.of("singleTransactionValue", "dailyTransactionVolume", "dailyTransactionValue")) {
            p.set(f, SandboxJson.NODES.numberNode(req.get(f).decimalValue()));
        }
    }

    private static ObjectNode limits(ObjectNode profile) {
        ObjectNode l = SandboxJson.object().put("limitProfileCode", profile.path("limitProfileCode").asText());
        for (String f : List.of("singleTransactionValue", "dailyTransactionVolume", "dailyTransactionValue")) {
            l.set(f, profile.get(f));
        }
        return l;
    }

    private String code() {
        String letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder b = new StringBuilder();
        long n = sequence.incrementAndGet() * 2654435761L;
        for (int i = 0; i < 12; i++) {
            b.append(letters.charAt((int) Math.floorMod(n >> (i * 5), (long) letters.length())));
        }
        return b.toString();
    }

    /** A Spring-style page, as Monnify answers lists. */
    static <T> ObjectNode page(List<T> all, int pageNo, int pageSize, Function<T, JsonNode> view) {
        int size = Math.max(1, Math.min(pageSize, 100));
        int number = Math.max(0, pageNo);
        ObjectNode page = SandboxJson.object();
        ArrayNode content = page.putArray("content");
        int from = number * size;
        for (int i = from; i < Math.min(all.size(), from + size); i++) {
            content.add(view.apply(all.get(i)));
        }
        page.put("last", from + size >= all.size());
        page.put("totalPages", (all.size() + size - 1) / size);
        page.put("totalElements", all.size());
        page.put("first", number == 0);
        page.put("numberOfElements", content.size());
        page.put("size", size);
        page.put("number", number);
        page.put("empty", content.isEmpty());
        return page;
    }

    private final class Wallet {
        final String reference;
        final String name;
        final String customerName;
        final String customerEmail;
        final String accountNumber;
        final Instant created = Instant.now();
        final List<ObjectNode> transactions = new CopyOnWriteArrayList<>();
        volatile BigDecimal balance = BigDecimal.ZERO;

        Wallet(String reference, String name, String customerName, String customerEmail, String accountNumber) {
            this.reference = reference;
            this.name = name;
            this.customerName = customerName;
            this.customerEmail = customerEmail;
            this.accountNumber = accountNumber;
        }

        ObjectNode view() {
            return SandboxJson.object().put("walletReference", reference).put("walletName", name)
                    .put("customerName", customerName).put("customerEmail", customerEmail)
                    .put("accountNumber", accountNumber).put("accountName", name)
                    .put("bankCode", "50515").put("bankName", "Moniepoint MFB")
                    .put("dateCreated", DATE.format(created));
        }

        synchronized ObjectNode credit(BigDecimal amount, String narration) {
            BigDecimal before = balance;
            balance = before.add(amount);
            ObjectNode t = SandboxJson.object();
            t.put("walletTransactionReference", "WT" + sequence.incrementAndGet());
            t.put("monnifyTransactionReference", "MNFY|" + sequence.incrementAndGet());
            t.set("availableBalanceBefore", SandboxJson.NODES.numberNode(before));
            t.set("availableBalanceAfter", SandboxJson.NODES.numberNode(balance));
            t.set("amount", SandboxJson.NODES.numberNode(amount));
            t.put("transactionDate", Instant.now().toString());
            t.put("transactionType", "CREDIT");
            t.put("narration", narration);
            t.put("status", "COMPLETED");
            transactions.add(0, t);
            return t;
        }
    }
}
