package africa.sandbox.monnify;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.sandbox.SandboxJson;
import africa.sandbox.SandboxProperties;
import africa.sandbox.WebhookSender;
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
 * Monnify's money in, after the "Transactions" and "Recurring Payment" parts of
 * {@code provider-docs/monnify-api-reference.txt} and provider-facts A3-A6: Initialize Transaction, Pay With
 * Bank Transfer (a one-time account), Charge Card with the document's test cards (4111111111111111 pays,
 * 5060995994247093 asks for the OTP 123456, 4000000000000002 asks for 3-D Secure, 4111111111111110 is
 * declined), Authorize OTP (at the charge's path, as the document writes it, lines 365-421, and at
 * /cards/otp/authorize), Authorize 3DS Card (lines 423-513: the bank's page for a card the charge said
 * needs 3-D Secure), Charge Card Token, the transaction status (by paymentReference or
 * transactionReference), refunds and their status, and the SUCCESSFUL_TRANSACTION, SUCCESSFUL_REFUND and
 * FAILED_REFUND webhooks signed as Monnify signs them. It never keeps a card: only its last four digits.
 * Controls under {@code /_control/collections}: the customer transfers an amount into the one-time account
 * (under, exact or over), completes 3-D Secure, a charge's answer is lost (the charge is made, the answer
 * held past the hub's read timeout), a webhook is delivered again; what it saw per reference; how long an
 * unpaid transaction lives before Monnify expires it ({@code /_control/collections/expiry}).
 */
@RestController
@RequestMapping(path = "/sandbox/monnify", produces = MediaType.APPLICATION_JSON_VALUE)
public class MonnifyCollections {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PAID_ON = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final String OTP = "123456";
    private static final String SECURE_3D_CARD = "4000000000000002";

    private final MonnifySandbox monnify;
    private final MonnifySandboxProperties account;
    private final WebhookSender webhooks;
    private final String webhookUrl;
    private final AtomicLong sequence = new AtomicLong(100);
    private final AtomicLong accounts = new AtomicLong(5_000_610_000L);
    /** Transactions by paymentReference, and their paymentReference by transactionReference. */
    private final Map<String, Txn> byPayment = new ConcurrentHashMap<>();
    private final Map<String, String> byTransaction = new ConcurrentHashMap<>();
    private final Map<String, Refund> refunds = new ConcurrentHashMap<>();
    /**
     * How long a transaction nobody paid stays payable: Monnify then reports it EXPIRED ("the customer must start
     * a new payment"). The document's example listing shows one created 11:53 and EXPIRED 12:30, and a one-time
     * account lives accountDurationSeconds (about 40 minutes): 40 minutes here, an ASSUMPTION.
     */
    private volatile Duration expireAfter = Duration.ofMinutes(40);
    /** Card tokens issued for reusable cards: token -> last four digits. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    public MonnifyCollections(MonnifySandbox monnify, MonnifySandboxProperties account, WebhookSender webhooks,
                              SandboxProperties sandbox) {
        this.monnify = monnify;
        this.account = account;
        this.webhooks = webhooks;
        this.webhookUrl = sandbox.hubBaseUrl() + "/webhooks/monnify";
    }

    // ---------------------------------------------------------------- Monnify API

    @PostMapping(path = "/api/v1/merchant/transactions/init-transaction", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> initTransaction(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                    @RequestBody(required = false) String raw) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, "Unauthorized");
        }
        JsonNode req = SandboxJson.tryParse(raw);
        if (req == null || !req.path("amount").isNumber() || req.path("amount").decimalValue().compareTo(new BigDecimal("20")) < 0) {
            return bad("99", "Amount must be greater than 20.");
        }
        for (String f : new String[] {"customerName", "customerEmail", "paymentReference", "currencyCode", "contractCode"}) {
            if (!req.path(f).isTextual() || req.path(f).asText().isBlank()) {
                return bad("99", f + " is required. Please ensure that the details supplied in your request are appropriate.");
            }
        }
        if (!"NGN".equals(req.path("currencyCode").asText())) {
            return bad("99", "Unknown currency code " + req.path("currencyCode").asText());
        }
        String paymentReference = req.get("paymentReference").asText();
        Txn txn = new Txn(paymentReference, "MNFY|99|" + STAMP.format(Instant.now()) + "|" + String.format("%06d", sequence.incrementAndGet()),
                req.get("amount").decimalValue(), req.get("customerName").asText(), req.get("customerEmail").asText(),
                req.path("paymentDescription").asText(""), req.path("paymentMethods"), req.path("incomeSplitConfig"));
        if (byPayment.putIfAbsent(paymentReference, txn) != null) {
            return bad("99", "Duplicate payment reference " + paymentReference);
        }
        byTransaction.put(txn.transactionReference, paymentReference);
        ObjectNode b = SandboxJson.object();
        b.put("transactionReference", txn.transactionReference);
        b.put("paymentReference", paymentReference);
        b.put("merchantName", "Sandbox Merchant");
        b.put("apiKey", account.apiKey());
        b.set("enabledPaymentMethod", txn.methods.isArray() && !txn.methods.isEmpty() ? txn.methods
                : SandboxJson.MAPPER.valueToTree(new String[] {"ACCOUNT_TRANSFER", "CARD"}));
        b.put("checkoutUrl", "https://sandbox.sdk.monnify.com/checkout/" + txn.transactionReference);
        if (txn.split.isArray()) {
            b.set("incomeSplitConfig", txn.split);
        }
        return MonnifySandbox.ok(b);
    }

    @PostMapping(path = "/api/v1/merchant/bank-transfer/init-payment", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> payWithBankTransfer(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                        @RequestBody(required = false) String raw) {
        Named named = named(authorization, raw);
        if (named.refusal() != null) {
            return named.refusal();
        }
        Txn txn = named.txn();
        synchronized (txn) {
            if (txn.accountNumber == null) {
                txn.accountNumber = String.valueOf(accounts.incrementAndGet());
            }
        }
        ObjectNode b = SandboxJson.object();
        b.put("accountNumber", txn.accountNumber);
        b.put("accountName", "Sandbox-" + txn.customerName);
        b.put("bankName", "Wema bank");
        b.put("bankCode", "035");
        b.put("accountDurationSeconds", 2400);
        b.put("ussdPayment", "*945*" + txn.accountNumber + "*" + txn.amount.toPlainString() + "#");
        b.put("requestTime", Instant.now().toString());
        b.put("expiresOn", Instant.now().plusSeconds(2400).toString());
        b.put("transactionReference", txn.transactionReference);
        b.put("paymentReference", txn.paymentReference);
        b.set("amount", SandboxJson.NODES.numberNode(txn.amount));
        b.set("fee", SandboxJson.NODES.numberNode(new BigDecimal("10")));
        b.set("totalPayable", SandboxJson.NODES.numberNode(txn.amount));
        b.put("collectionChannel", "API_NOTIFICATION");
        b.putNull("productInformation");
        return MonnifySandbox.ok(b);
    }

    @PostMapping(path = "/api/v1/merchant/cards/charge", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> charge(@RequestHeader(value = "Authorization", required = false) String authorization,
                                           @RequestBody(required = false) String raw) throws InterruptedException {
        Named named = named(authorization, raw);
        if (named.refusal() != null) {
            return named.refusal();
        }
        JsonNode req = named.request();
        Txn txn = named.txn();
        if (req.has("tokenId") && req.has("token") && !req.has("card")) {
            return authorizeOtp(txn, req); // Authorize OTP, posted where the document posts it (line 369)
        }
        String number = req.path("card").path("number").asText("");
        txn.charges.incrementAndGet();
        if (!number.matches("[0-9]{12,19}") || !req.path("card").path("cvv").asText("").matches("[0-9]{3,4}")) {
            return bad("99", "Please ensure that the details supplied in your request are appropriate.");
        }
        String last4 = number.substring(number.length() - 4);
        ResponseEntity<JsonNode> answer;
        switch (number) {
            case "4111111111111111" -> {
                txn.card(last4, true);
                paid(txn, txn.amount, "CARD");
                answer = chargeAnswer(txn, "SUCCESS", "Transaction Successful");
            }
            case "5060995994247093" -> {
                txn.card(last4, false);
                txn.otpTokenId = String.valueOf(1_000_000_000L + sequence.incrementAndGet());
                ObjectNode b = chargeBody(txn, "OTP_AUTHORIZATION_REQUIRED", "Please use 123456 as the OTP");
                b.set("otpData", SandboxJson.object().put("id", txn.otpTokenId)
                        .put("message", "Kindly enter the OTP sent to 234805***1111 (sandbox: 123456)").putNull("authData"));
                answer = MonnifySandbox.ok(b);
            }
            case SECURE_3D_CARD -> {
                // ASSUMPTION (the document shows no charge of a 3-D Secure card): the charge says the card needs
                // 3-D Secure; the bank's page comes from Authorize 3DS Card, the one answer showing it (498-513)
                txn.card(last4, false);
                txn.awaiting3ds = true;
                answer = chargeAnswer(txn, "BANK_AUTHORIZATION_REQUIRED", "3D Secure Authorization required");
            }
            default -> {
                txn.status = "FAILED";
                return bad("99", "Card declined by the issuing bank");
            }
        }
        if (txn.loseChargeAnswer) {
            txn.loseChargeAnswer = false;
            Thread.sleep(account.lostResponseDelay().toMillis()); // charged; the answer comes too late to be read
        }
        return answer;
    }

    @PostMapping(path = "/api/v1/merchant/cards/otp/authorize", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> authorizeOtp(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                 @RequestBody(required = false) String raw) {
        Named named = named(authorization, raw);
        if (named.refusal() != null) {
            return named.refusal();
        }
        return authorizeOtp(named.txn(), named.request());
    }

    /**
     * Authorize 3DS Card (lines 423-513): the card again, on a transaction whose charge said it needs 3-D
     * Secure; the answer carries the bank's page (secure3dData). The customer completes it there
     * ({@code _control/collections/{reference}/3ds} plays the bank), then the webhook follows. An apiKey, if
     * given (the body params name it, the example omits it), must be the merchant's.
     */
    @PostMapping(path = "/api/v1/sdk/cards/secure-3d/authorize", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> authorize3ds(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                 @RequestBody(required = false) String raw) {
        Named named = named(authorization, raw);
        if (named.refusal() != null) {
            return named.refusal();
        }
        JsonNode req = named.request();
        Txn txn = named.txn();
        txn.secure3dAuthorizations.incrementAndGet();
        String number = req.path("card").path("number").asText("");
        if (req.has("apiKey") && !account.apiKey().equals(req.path("apiKey").asText())) {
            return bad("99", "Invalid API key");
        }
        if (!txn.awaiting3ds || !SECURE_3D_CARD.equals(number) || !req.path("card").path("cvv").asText("").matches("[0-9]{3,4}")) {
            return bad("99", "Please ensure that the details supplied in your request are appropriate.");
        }
        ObjectNode b = chargeBody(txn, "BANK_AUTHORIZATION_REQUIRED", "3D Secure Authorization required");
        b.set("secure3dData", SandboxJson.object().put("id", txn.amount.toPlainString() + "-" + Integer.toHexString(txn.transactionReference.hashCode()))
                .put("redirectUrl", "https://sandbox.sdk.monnify.com/3ds/" + txn.transactionReference));
        return MonnifySandbox.ok(b);
    }

    private ResponseEntity<JsonNode> authorizeOtp(Txn txn, JsonNode req) {
        txn.otpAuthorizations.incrementAndGet();
        if (txn.otpTokenId == null || !txn.otpTokenId.equals(req.path("tokenId").asText())
                || !OTP.equals(req.path("token").asText())) {
            return bad("99", "Invalid OTP supplied");
        }
        txn.otpTokenId = null;
        paid(txn, txn.amount, "CARD");
        return chargeAnswer(txn, "SUCCESS", "Transaction Successful");
    }

    @PostMapping(path = "/api/v1/merchant/cards/charge-card-token", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> chargeToken(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                @RequestBody(required = false) String raw) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, "Unauthorized");
        }
        JsonNode req = SandboxJson.tryParse(raw);
        String last4 = req == null ? null : tokens.get(req.path("cardToken").asText());
        if (last4 == null || !account.apiKey().equals(req.path("apiKey").asText())) {
            return bad("99", "Invalid card token");
        }
        String paymentReference = req.path("paymentReference").asText();
        Txn txn = new Txn(paymentReference, "MNFY|98|" + STAMP.format(Instant.now()) + "|" + String.format("%06d", sequence.incrementAndGet()),
                req.path("amount").decimalValue(), req.path("customerName").asText(), req.path("customerEmail").asText(),
                req.path("paymentDescription").asText(""), SandboxJson.MAPPER.valueToTree(new String[] {"CARD"}), null);
        if (byPayment.putIfAbsent(paymentReference, txn) != null) {
            return bad("99", "Duplicate payment reference " + paymentReference);
        }
        byTransaction.put(txn.transactionReference, paymentReference);
        txn.charges.incrementAndGet();
        txn.card(last4, false);
        paid(txn, txn.amount, "CARD");
        return chargeAnswer(txn, "SUCCESS", "Transaction Successful");
    }

    @GetMapping("/api/v2/merchant/transactions/query")
    public ResponseEntity<JsonNode> query(@RequestHeader(value = "Authorization", required = false) String authorization,
                                          @RequestParam(required = false) String paymentReference,
                                          @RequestParam(required = false) String transactionReference) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, "Unauthorized");
        }
        String ref = paymentReference != null ? paymentReference : byTransaction.get(String.valueOf(transactionReference));
        Txn txn = ref == null ? null : byPayment.get(ref);
        if (txn == null) {
            return MonnifySandbox.error(HttpStatus.NOT_FOUND, "99", "Transaction not found for reference: "
                    + (paymentReference != null ? paymentReference : transactionReference));
        }
        txn.queries.incrementAndGet();
        return MonnifySandbox.ok(transaction(txn));
    }

    @GetMapping("/api/v2/transactions/{transactionReference}")
    public ResponseEntity<JsonNode> status(@RequestHeader(value = "Authorization", required = false) String authorization,
                                           @PathVariable String transactionReference) {
        return query(authorization, null, transactionReference);
    }

    @PostMapping(path = "/api/v1/refunds/initiate-refund", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> initiateRefund(@RequestHeader(value = "Authorization", required = false) String authorization,
                                                   @RequestBody(required = false) String raw) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, "Unauthorized");
        }
        JsonNode req = SandboxJson.tryParse(raw);
        Txn txn = byTransactionReference(req);
        if (txn == null) {
            return bad("R1", "Transaction reference not found");
        }
        String reference = req.path("refundReference").asText("");
        BigDecimal amount = req.path("refundAmount").isNumber() ? req.path("refundAmount").decimalValue() : BigDecimal.ZERO;
        if (reference.isBlank() || reference.length() > 64 || req.path("refundReason").asText("").length() > 64
                || req.path("customerNote").asText("").length() > 16) {
            return bad("R8", "Field too long or missing");
        }
        if (!"PAID".equals(txn.status) && !"OVERPAID".equals(txn.status)) {
            return bad("R2", "Refund not permitted for this transaction");
        }
        synchronized (txn) {
            BigDecimal refunded = refunds.values().stream().filter(r -> r.txn == txn && !"FAILED".equals(r.currentStatus()))
                    .map(r -> r.amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            if (refunded.add(amount).compareTo(txn.amountPaid) > 0) {
                return bad("R3", "Refund amount is above the transaction amount");
            }
            Refund refund = new Refund(reference, txn, amount, req.path("refundReason").asText(""),
                    req.path("refundReason").asText("").contains("SANDBOX:FAIL") ? "FAILED" : "COMPLETED");
            if (refunds.putIfAbsent(reference, refund) != null) {
                return bad("R9", "Duplicate refund reference");
            }
            txn.refunds.add(reference);
            refund.finalAt = Instant.now().plus(account.webhookDelay());
            sendRefundWebhook(refund, account.webhookDelay());
            return MonnifySandbox.ok(refund.body());
        }
    }

    @GetMapping("/api/v1/refunds/{refundReference}")
    public ResponseEntity<JsonNode> refund(@RequestHeader(value = "Authorization", required = false) String authorization,
                                           @PathVariable String refundReference) {
        if (!monnify.authorized(authorization)) {
            return MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, "Unauthorized");
        }
        Refund refund = refunds.get(refundReference);
        return refund == null ? MonnifySandbox.error(HttpStatus.NOT_FOUND, "R7", "Unknown refund reference")
                : MonnifySandbox.ok(refund.body());
    }

    // ---------------------------------------------------------------- controls

    /** The customer transfers {@code amount} into the one-time account (or pays on the checkout page). */
    @PostMapping(path = "/_control/collections/{paymentReference}/pay", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JsonNode> customerPays(@PathVariable String paymentReference, @RequestBody Map<String, Object> body) {
        Txn txn = byPayment.get(paymentReference);
        if (txn == null) {
            return ResponseEntity.notFound().build();
        }
        BigDecimal amount = body.get("amount") == null ? txn.amount : new BigDecimal(String.valueOf(body.get("amount")));
        boolean webhook = !Boolean.FALSE.equals(body.get("webhook"));
        expireIfDue(txn);
        if ("EXPIRED".equals(txn.status)) {
            return bad("99", "Transaction has expired; start a new payment");
        }
        synchronized (txn) {
            txn.amountPaid = txn.amountPaid.add(amount);
            txn.status = txn.amountPaid.compareTo(txn.amount) < 0 ? "PARTIALLY_PAID"
                    : txn.amountPaid.compareTo(txn.amount) == 0 ? "PAID" : "OVERPAID";
            txn.paymentMethod = "ACCOUNT_TRANSFER";
            txn.paidOn = Instant.now();
        }
        if (webhook) {
            sendTransactionWebhook(txn);
        }
        return ResponseEntity.ok(transaction(txn));
    }

    /** How long an unpaid transaction stays payable before it is EXPIRED ({@code {"after": "PT2S"}}); the current value. */
    @PostMapping(path = "/_control/collections/expiry", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> expiry(@RequestBody Map<String, Object> body) {
        if (body.get("after") != null) {
            expireAfter = Duration.parse(String.valueOf(body.get("after")));
        }
        return Map.of("after", expireAfter.toString());
    }

    /** The customer completes 3-D Secure at the bank: paid, and the webhook follows. */
    @PostMapping("/_control/collections/{paymentReference}/3ds")
    public ResponseEntity<JsonNode> secure3d(@PathVariable String paymentReference) {
        Txn txn = byPayment.get(paymentReference);
        if (txn == null) {
            return ResponseEntity.notFound().build();
        }
        txn.awaiting3ds = false;
        paid(txn, txn.amount, "CARD");
        return ResponseEntity.ok(transaction(txn));
    }

    /** The next card charge on this transaction is made, but its answer is held past the hub's read timeout. */
    @PostMapping("/_control/collections/{paymentReference}/lose-charge-answer")
    public ResponseEntity<Map<String, Object>> loseChargeAnswer(@PathVariable String paymentReference) {
        Txn txn = byPayment.get(paymentReference);
        if (txn == null) {
            return ResponseEntity.notFound().build();
        }
        txn.loseChargeAnswer = true;
        return ResponseEntity.ok(Map.of("paymentReference", paymentReference, "loseChargeAnswer", true));
    }

    /** The last webhook of a collection or refund, delivered again (a duplicate, as Monnify may send). */
    @PostMapping("/_control/collections/{reference}/webhook/replay")
    public ResponseEntity<Map<String, Object>> replay(@PathVariable String reference) {
        Txn txn = byPayment.get(reference);
        Refund refund = refunds.get(reference);
        byte[] last = txn != null ? txn.lastWebhook : refund != null ? refund.lastWebhook : null;
        if (last == null) {
            return ResponseEntity.notFound().build();
        }
        webhooks.send(webhookUrl, last, Map.of(MonnifySignature.HEADER, monnify.signature(last)), Duration.ZERO);
        return ResponseEntity.ok(Map.of("reference", reference, "replayed", true));
    }

    /** What the simulator saw for a collection or refund reference (never a card number). */
    @GetMapping("/_control/collections/{reference}")
    public ResponseEntity<Map<String, Object>> seen(@PathVariable String reference) {
        Txn txn = byPayment.get(reference);
        if (txn != null) {
            return ResponseEntity.ok(Map.of("paymentReference", txn.paymentReference, "transactionReference", txn.transactionReference,
                    "status", txn.status, "amountPaid", txn.amountPaid.toPlainString(), "charges", txn.charges.get(),
                    "otpAuthorizations", txn.otpAuthorizations.get(), "secure3dAuthorizations", txn.secure3dAuthorizations.get(),
                    "refunds", txn.refunds,
                    "split", txn.split == null ? "" : SandboxJson.write(txn.split),
                    "cardToken", txn.cardToken == null ? "" : txn.cardToken));
        }
        Refund refund = refunds.get(reference);
        return refund == null ? ResponseEntity.notFound().build()
                : ResponseEntity.ok(Map.of("refundReference", reference, "status", refund.currentStatus(),
                "amount", refund.amount.toPlainString()));
    }

    /**
     * Every one-time transaction as the transaction search lists it (read by {@link MonnifyReservedAccounts}'s
     * search, which lists them with the reserved accounts' and invoices' transactions); {@code _at}: when it was
     * paid, else made.
     */
    java.util.List<ObjectNode> searchable() {
        return byPayment.values().stream().map(txn -> {
            ObjectNode b = transaction(txn);
            Instant at = txn.paidOn != null ? txn.paidOn : txn.createdAt;
            b.put("currencyCode", "NGN");
            b.put("createdOn", PAID_ON.format(txn.createdAt));
            b.put("completedOn", txn.paidOn == null ? null : PAID_ON.format(txn.paidOn));
            b.put("_at", at.toEpochMilli());
            return b;
        }).toList();
    }

    // ---------------------------------------------------------------- internals

    /** A bearer-authorized request naming a transaction: the request and the transaction, or Monnify's refusal. */
    private record Named(JsonNode request, Txn txn, ResponseEntity<JsonNode> refusal) {
    }

    private Named named(String authorization, String raw) {
        if (!monnify.authorized(authorization)) {
            return new Named(null, null, MonnifySandbox.error(HttpStatus.UNAUTHORIZED, 99, "Unauthorized"));
        }
        JsonNode req = SandboxJson.tryParse(raw);
        Txn txn = byTransactionReference(req);
        return txn == null ? new Named(req, null, MonnifySandbox.error(HttpStatus.NOT_FOUND, "99", "Transaction not found for reference"))
                : new Named(req, txn, null);
    }

    private Txn byTransactionReference(JsonNode req) {
        String paymentReference = req == null ? null : byTransaction.get(req.path("transactionReference").asText());
        return paymentReference == null ? null : byPayment.get(paymentReference);
    }

    private void paid(Txn txn, BigDecimal amount, String method) {
        synchronized (txn) {
            txn.amountPaid = amount;
            txn.status = "PAID";
            txn.paymentMethod = method;
            txn.paidOn = Instant.now();
            if (txn.reusable) {
                txn.cardToken = "MNFY_" + Long.toHexString(sequence.incrementAndGet() * 7919L).toUpperCase(java.util.Locale.ROOT)
                        + txn.transactionReference.hashCode();
                tokens.put(txn.cardToken, txn.last4);
            }
        }
        sendTransactionWebhook(txn);
    }

    private ObjectNode chargeBody(Txn txn, String status, String message) {
        ObjectNode b = SandboxJson.object();
        b.put("status", status);
        b.put("message", message);
        b.put("transactionReference", txn.transactionReference);
        b.put("paymentReference", txn.paymentReference);
        b.set("authorizedAmount", SandboxJson.NODES.numberNode(txn.amount));
        return b;
    }

    private ResponseEntity<JsonNode> chargeAnswer(Txn txn, String status, String message) {
        return MonnifySandbox.ok(chargeBody(txn, status, message));
    }

    /** A transaction nobody paid within {@link #expireAfter} of its creation is EXPIRED, as Monnify expires it. */
    private void expireIfDue(Txn txn) {
        synchronized (txn) {
            if ("PENDING".equals(txn.status) && txn.amountPaid.signum() == 0
                    && !Instant.now().isBefore(txn.createdAt.plus(expireAfter))) {
                txn.status = "EXPIRED";
            }
        }
    }

    /** Get Transaction Status's body (provider-facts A6). */
    private ObjectNode transaction(Txn txn) {
        expireIfDue(txn);
        ObjectNode b = SandboxJson.object();
        b.put("transactionReference", txn.transactionReference);
        b.put("paymentReference", txn.paymentReference);
        b.put("amountPaid", money(txn.amountPaid));
        b.put("totalPayable", money(txn.amount));
        b.put("settlementAmount", money(txn.amountPaid.subtract(txn.amountPaid.signum() > 0 ? new BigDecimal("10") : BigDecimal.ZERO)));
        b.put("paidOn", txn.paidOn == null ? null : PAID_ON.format(txn.paidOn));
        b.put("paymentStatus", txn.status);
        b.put("paymentDescription", txn.description);
        b.put("currency", "NGN");
        b.put("paymentMethod", txn.paymentMethod);
        b.set("product", SandboxJson.object().put("type", "API_NOTIFICATION").put("reference", txn.paymentReference));
        if (txn.last4 != null) {
            b.set("cardDetails", SandboxJson.object().put("cardType", "Sandbox Card Scheme").put("last4", txn.last4)
                    .put("reusable", txn.reusable).put("cardToken", txn.cardToken).put("supportsTokenization", txn.reusable)
                    .put("maskedPan", "******" + txn.last4));
        } else {
            b.putNull("cardDetails");
        }
        b.set("accountPayments", SandboxJson.NODES.arrayNode());
        b.set("customer", SandboxJson.object().put("email", txn.customerEmail).put("name", txn.customerName));
        b.set("metaData", SandboxJson.object());
        return b;
    }

    /** SUCCESSFUL_TRANSACTION, as provider-facts A3 shows it for a transfer or a card, signed over the exact bytes. */
    private void sendTransactionWebhook(Txn txn) {
        ObjectNode data = SandboxJson.object();
        data.set("product", SandboxJson.object().put("reference", txn.paymentReference).put("type", "API_NOTIFICATION"));
        data.put("transactionReference", txn.transactionReference);
        data.put("paymentReference", txn.paymentReference);
        data.put("paidOn", PAID_ON.format(txn.paidOn == null ? Instant.now() : txn.paidOn));
        data.put("paymentDescription", txn.description);
        data.set("metaData", SandboxJson.object());
        if ("CARD".equals(txn.paymentMethod)) {
            data.set("paymentSourceInformation", SandboxJson.NODES.arrayNode());
            data.set("cardDetails", SandboxJson.object().put("last4", txn.last4).put("expMonth", "**").put("expYear", "**")
                    .put("bin", "******").put("reusable", txn.reusable));
        } else {
            data.set("paymentSourceInformation", SandboxJson.NODES.arrayNode().add(SandboxJson.object().put("bankCode", "058")
                    .put("amountPaid", txn.amountPaid).put("accountName", txn.customerName.toUpperCase(java.util.Locale.ROOT))
                    .put("sessionId", "0900" + sequence.incrementAndGet()).put("accountNumber", "0065432190")));
            data.set("destinationAccountInformation", SandboxJson.object().put("bankCode", "035").put("bankName", "Wema bank")
                    .put("accountNumber", txn.accountNumber));
            data.set("cardDetails", SandboxJson.object());
        }
        data.set("amountPaid", SandboxJson.NODES.numberNode(txn.amountPaid));
        data.set("totalPayable", SandboxJson.NODES.numberNode(txn.amount));
        data.put("paymentMethod", txn.paymentMethod);
        data.put("currency", "NGN");
        data.put("settlementAmount", money(txn.amountPaid.subtract(new BigDecimal("10"))));
        data.put("paymentStatus", txn.status);
        data.set("customer", SandboxJson.object().put("name", txn.customerName).put("email", txn.customerEmail));
        ObjectNode event = SandboxJson.object();
        event.put("eventType", "SUCCESSFUL_TRANSACTION");
        event.set("eventData", data);
        byte[] bytes = SandboxJson.write(event).getBytes(StandardCharsets.UTF_8);
        txn.lastWebhook = bytes;
        webhooks.send(webhookUrl, bytes, Map.of(MonnifySignature.HEADER, monnify.signature(bytes)), account.webhookDelay());
    }

    /** SUCCESSFUL_REFUND or FAILED_REFUND (provider-facts A3). */
    private void sendRefundWebhook(Refund refund, Duration delay) {
        ObjectNode data = SandboxJson.object();
        data.put("merchantReason", refund.reason);
        data.put("transactionReference", refund.txn.transactionReference);
        data.put("completedOn", PAID_ON.format(refund.finalAt));
        data.put("refundStatus", refund.outcome);
        data.put("customerNote", "Refund");
        data.put("createdOn", PAID_ON.format(refund.createdAt));
        data.put("refundReference", refund.reference);
        data.set("refundAmount", SandboxJson.NODES.numberNode(refund.amount));
        ObjectNode event = SandboxJson.object();
        event.set("eventData", data);
        event.put("eventType", "COMPLETED".equals(refund.outcome) ? "SUCCESSFUL_REFUND" : "FAILED_REFUND");
        byte[] bytes = SandboxJson.write(event).getBytes(StandardCharsets.UTF_8);
        refund.lastWebhook = bytes;
        webhooks.send(webhookUrl, bytes, Map.of(MonnifySignature.HEADER, monnify.signature(bytes)), delay);
    }

    private static String money(BigDecimal v) {
        return v.setScale(2, java.math.RoundingMode.UNNECESSARY).toPlainString();
    }

    private static ResponseEntity<JsonNode> bad(String code, String message) {
        return MonnifySandbox.error(HttpStatus.BAD_REQUEST, code, message);
    }

    /** A transaction at the simulator: what was asked, what was paid, how. Of a card, only its last four digits. */
    static final class Txn {
        final String paymentReference;
        final String transactionReference;
        final BigDecimal amount;
        final String customerName;
        final String customerEmail;
        final String description;
        final JsonNode methods;
        final JsonNode split;
        final Instant createdAt = Instant.now();
        final AtomicInteger charges = new AtomicInteger();
        final AtomicInteger otpAuthorizations = new AtomicInteger();
        final AtomicInteger secure3dAuthorizations = new AtomicInteger();
        final AtomicInteger queries = new AtomicInteger();
        final java.util.List<String> refunds = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile BigDecimal amountPaid = BigDecimal.ZERO;
        volatile String status = "PENDING";
        volatile String paymentMethod;
        volatile Instant paidOn;
        volatile String accountNumber;
        volatile String last4;
        volatile boolean reusable;
        volatile String cardToken;
        volatile String otpTokenId;
        volatile boolean awaiting3ds;
        volatile boolean loseChargeAnswer;
        volatile byte[] lastWebhook;

        Txn(String paymentReference, String transactionReference, BigDecimal amount, String customerName,
            String customerEmail, String description, JsonNode methods, JsonNode split) {
            this.paymentReference = paymentReference;
            this.transactionReference = transactionReference;
            this.amount = amount;
            this.customerName = customerName;
            this.customerEmail = customerEmail;
            this.description = description;
            this.methods = methods;
            this.split = split;
        }

        void card(String last4, boolean reusable) {
            this.last4 = last4;
            this.reusable = reusable;
        }
    }

    /** A refund: IN_PROGRESS until its webhook is due, then its outcome. */
    static final class Refund {
        final String reference;
        final Txn txn;
        final BigDecimal amount;
        final String reason;
        final String outcome;
        final Instant createdAt = Instant.now();
        volatile Instant finalAt;
        volatile byte[] lastWebhook;

        Refund(String reference, Txn txn, BigDecimal amount, String reason, String outcome) {
            this.reference = reference;
            this.txn = txn;
            this.amount = amount;
            this.reason = reason;
            this.outcome = outcome;
        }

        String currentStatus() {
            return finalAt != null && !Instant.now().isBefore(finalAt) ? outcome : "IN_PROGRESS";
        }

        ObjectNode body() {
            ObjectNode b = SandboxJson.object();
            b.put("refundReference", reference);
            b.put("transactionReference", txn.transactionReference);
            b.put("refundReason", reason);
            b.put("customerNote", "Refund");
            b.set("refundAmount", SandboxJson.NODES.numberNode(amount));
            b.put("refundType", amount.compareTo(txn.amountPaid) < 0 ? "PARTIAL_REFUND" : "FULL_REFUND");
            b.put("refundStatus", currentStatus());
            b.put("refundStrategy", "MERCHANT_WALLET");
            b.put("comment", "IN_PROGRESS".equals(currentStatus()) ? "Refund in progress" : "Refund " + currentStatus().toLowerCase(java.util.Locale.ROOT));
            b.put("createdOn", PAID_ON.format(createdAt));
            b.put("completedOn", "IN_PROGRESS".equals(currentStatus()) ? null : PAID_ON.format(finalAt));
            return b;
        }
    }
}
