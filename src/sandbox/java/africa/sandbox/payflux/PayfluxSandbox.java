package africa.sandbox.payflux;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.sandbox.Credentials;
import africa.sandbox.SandboxJson;
import africa.sandbox.SandboxProperties;
import africa.sandbox.WebhookSender;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Payflux, a payout-only REST provider, as its (imagined) documentation describes it: an OAuth 2.0 identity
 * service on a host of its own issuing client-credentials tokens (RFC 6749 section 4.4: the client authenticated by
 * HTTP Basic over its form-encoded id and secret, a form body, scope {@code payouts}); payouts to bank accounts by
 * the caller's reference, answered {@code processing} and completed later (never, to account {@link #HELD}); a
 * status by reference; and a webhook per completed payout signed as {@link PayfluxSignature} says. It checks and
 * signs with its own code.
 */
@RestController
@RequestMapping(path = "/sandbox/payflux", produces = MediaType.APPLICATION_JSON_VALUE)
public class PayfluxSandbox implements DisposableBean {

    /** A payout to this account stays processing: nothing completes it (the tests' own webhooks do). */
    public static final String HELD = "0000000000";

    private final PayfluxSandboxProperties account;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-payflux");
        t.setDaemon(true);
        return t;
    });
    private final WebhookSender webhooks;
    private final String webhookUrl;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> payouts = new ConcurrentHashMap<>();
    /** The host each token request came to, in order. */
    private final List<String> tokenHosts = new CopyOnWriteArrayList<>();
    /** The host each API call came to, in order. */
    private final List<String> apiHosts = new CopyOnWriteArrayList<>();

    public PayfluxSandbox(PayfluxSandboxProperties account, SandboxProperties sandbox, WebhookSender webhooks) {
        this.account = account;
        this.webhooks = webhooks;
        this.webhookUrl = sandbox.hubBaseUrl() + "/webhooks/payflux";
    }

    // ---------------------------------------------------------------- the identity host

    @PostMapping(path = "/oauth2/token", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> token(@RequestHeader(value = "Host", required = false) String host,
                                          @RequestHeader(value = "Authorization", required = false) String auth,
                                          @RequestHeader(value = "Content-Type", required = false) String type,
                                          jakarta.servlet.http.HttpServletRequest request) throws java.io.IOException {
        // read as sent (Spring would rebuild a form post from the parsed parameters)
        String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        tokenHosts.add(String.valueOf(host));
        if (!account.identityHost().equals(hostName(host))) {
            return oauthError(404, "not_found", "the token endpoint is on the identity host");
        }
        if (type == null || !type.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
            return oauthError(400, "invalid_request", "a form body is expected");
        }
        // RFC 6749 2.3.1: the id and secret are form-encoded before Basic joins them
        if (!Credentials.basicMatches(auth, formEncoded(account.clientId()), formEncoded(account.clientSecret()))) {
            return oauthError(401, "invalid_client", "client authentication failed");
        }
        Map<String, String> form = form(body);
        if (form.isEmpty()) {
            request.getParameterMap().forEach((k, v) -> form.put(k, v.length == 0 ? "" : v[0]));
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return oauthError(400, "unsupported_grant_type", "client_credentials only");
        }
        if (!account.scope().equals(form.get("scope"))) {
            return oauthError(400, "invalid_scope", "scope must be " + account.scope());
        }
        String token = "pf_at_" + UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, Instant.now().plusSeconds(3600));
        return ResponseEntity.ok(SandboxJson.object().put("access_token", token).put("token_type", "Bearer")
                .put("expires_in", 3600).put("scope", account.scope()));
    }

    // ---------------------------------------------------------------- the API host

    @PostMapping(path = "/v1/payouts", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<JsonNode> payout(@RequestHeader(value = "Host", required = false) String host,
                                           @RequestHeader(value = "Authorization", required = false) String auth,
                                           @RequestBody(required = false) String body) {
        ResponseEntity<JsonNode> refused = refuse(host, auth);
        if (refused != null) {
            return refused;
        }
        JsonNode r = SandboxJson.tryParse(body);
        if (r == null || !r.path("reference").isTextual() || !r.path("amount").isTextual() || !r.path("currency").isTextual()
                || !r.path("account_number").isTextual()) {
            return error(400, "invalid_request", "reference, amount, currency and account_number are required");
        }
        String reference = r.get("reference").asText();
        if (payouts.containsKey(reference)) {
            return error(409, "duplicate_reference", "a payout with this reference exists");
        }
        ObjectNode payout = SandboxJson.object().put("id", "po_" + UUID.randomUUID().toString().substring(0, 12))
                .put("reference", reference).put("status", "processing").put("amount", r.get("amount").asText())
                .put("currency", r.get("currency").asText()).put("account_number", r.get("account_number").asText());
        payouts.put(reference, payout);
        if (!HELD.equals(payout.get("account_number").asText())) {
            complete(payout);
        }
        return ResponseEntity.status(202).body(payout.deepCopy());
    }

    @GetMapping("/v1/payouts/{reference}")
    public ResponseEntity<JsonNode> status(@RequestHeader(value = "Host", required = false) String host,
                                           @RequestHeader(value = "Authorization", required = false) String auth,
                                           @PathVariable String reference) {
        ResponseEntity<JsonNode> refused = refuse(host, auth);
        if (refused != null) {
            return refused;
        }
        ObjectNode payout = payouts.get(reference);
        return payout == null ? error(404, "payout_not_found", "no payout " + reference) : ResponseEntity.ok(payout.deepCopy());
    }

    /** Completes the payout after the settle delay, and tells the hub then by a signed webhook. */
    private void complete(ObjectNode payout) {
        ObjectNode done = payout.deepCopy().put("status", "completed");
        ObjectNode event = SandboxJson.object().put("id", "evt_" + UUID.randomUUID().toString().substring(0, 12))
                .put("type", "payout.completed");
        event.set("data", done);
        byte[] bytes = SandboxJson.write(event).getBytes(StandardCharsets.UTF_8);
        scheduler.schedule(() -> {
            payouts.put(payout.get("reference").asText(), done);
            webhooks.send(webhookUrl, bytes, signed(Instant.now().getEpochSecond(), bytes), java.time.Duration.ZERO);
        }, account.settleDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The headers Payflux sends a webhook with, signed at {@code timestamp}. */
    public Map<String, String> signed(long timestamp, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(PayfluxSignature.TIMESTAMP, String.valueOf(timestamp));
        headers.put(PayfluxSignature.SIGNATURE, PayfluxSignature.sign(timestamp, body, account.webhookSecret()));
        return headers;
    }

    // ---------------------------------------------------------------- test controls

    /** What Payflux saw: token requests' and API calls' hosts, and its payouts. */
    @GetMapping("/_control/seen")
    public JsonNode seen() {
        ObjectNode out = SandboxJson.object();
        tokenHosts.forEach(out.putArray("tokenHosts")::add);
        apiHosts.forEach(out.putArray("apiHosts")::add);
        out.set("payouts", SandboxJson.object().setAll(payouts));
        return out;
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }

    // ---------------------------------------------------------------- helpers

    private ResponseEntity<JsonNode> refuse(String host, String auth) {
        apiHosts.add(String.valueOf(host));
        if (account.identityHost().equals(hostName(host))) {
            return error(404, "not_found", "the API is not on the identity host");
        }
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        Instant until = token == null ? null : tokens.get(token);
        if (until == null || until.isBefore(Instant.now())) {
            return error(401, "invalid_token", "a valid bearer token is required");
        }
        return null;
    }

    private static String hostName(String host) {
        if (host == null) {
            return "";
        }
        int colon = host.lastIndexOf(':');
        return colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isBlank()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String formEncoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static ResponseEntity<JsonNode> oauthError(int status, String error, String description) {
        return ResponseEntity.status(status).body(SandboxJson.object().put("error", error).put("error_description", description));
    }

    private static ResponseEntity<JsonNode> error(int status, String code, String message) {
        return ResponseEntity.status(status).body(SandboxJson.object().set("error",
                SandboxJson.object().put("code", code).put("message", message)));
    }
}
