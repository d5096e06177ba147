package africa.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * A stand-in enterprise system for trying the hub out: use {@code http://localhost:8080/sandbox/callbacks/<inbox>}
 * as a payment's callbackUrl, then read what arrived at {@code GET /sandbox/callbacks/<inbox>}, with whether
 * the signature checks out. It checks as an enterprise system would, from the hub's documented contract
 * ({@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>}), with the callback secrets in
 * {@code sandbox.callback-secrets}.
 */
@RestController
@RequestMapping(path = "/sandbox/callbacks", produces = MediaType.APPLICATION_JSON_VALUE)
public class CallbackInbox {

    static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    static final String EVENT_ID_HEADER = "X-Hub-Event-Id";

    private final Map<String, List<ObjectNode>> inboxes = new ConcurrentHashMap<>();
    /** The HTTP status an inbox answers with, when it is not 200: a receiver that is down, for a demo of retries. */
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final List<String> secrets;

    public CallbackInbox(SandboxProperties sandbox) {
        this.secrets = List.copyOf(sandbox.callbackSecrets());
    }

    @PostMapping(path = "/{inbox}", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<Map<String, Object>> receive(@PathVariable String inbox, @RequestBody(required = false) byte[] body,
                                       @RequestHeader(value = SIGNATURE_HEADER, required = false) String signature,
                                       @RequestHeader(value = EVENT_ID_HEADER, required = false) String eventId) {
        byte[] bytes = body == null ? new byte[0] : body;
        String text = new String(bytes, StandardCharsets.UTF_8);
        ObjectNode entry = SandboxJson.object();
        entry.put("receivedAt", Instant.now().toString());
        entry.put("eventId", eventId);
        entry.put("signatureValid", verifies(bytes, signature, secrets));
        JsonNode parsed = SandboxJson.tryParse(text);
        if (parsed != null) {
            entry.set("body", parsed);
        } else {
            entry.put("body", text);
        }
        int answer = answers.getOrDefault(inbox, 200);
        entry.put("answered", answer);
        inboxes.computeIfAbsent(inbox, k -> new CopyOnWriteArrayList<>()).add(entry);
        return ResponseEntity.status(answer).body(Map.of("received", answer == 200));
    }

    /** {@code {"status": 503}}: the inbox answers every callback with that status from now on (200 again to recover). */
    @PostMapping(path = "/{inbox}/_control", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> answerWith(@PathVariable String inbox, @RequestBody Map<String, Object> body) {
        Object status = body.get("status");
        if (!(status instanceof Integer code) || code < 200 || code > 599) {
            return ResponseEntity.badRequest().body(Map.of("error", "status must be an HTTP status code"));
        }
        if (code == 200) {
            answers.remove(inbox);
        } else {
            answers.put(inbox, code);
        }
        return ResponseEntity.ok(Map.of("inbox", inbox, "answers", code));
    }

    @GetMapping("/{inbox}")
    public JsonNode list(@PathVariable String inbox) {
        ArrayNode out = SandboxJson.NODES.arrayNode();
        new ArrayList<>(inboxes.getOrDefault(inbox, List.of())).forEach(out::add);
        return out;
    }

    /** Whether {@code signature} is {@code sha256=} and the hex HMAC-SHA256 of the body under one of the secrets. */
    static boolean verifies(byte[] body, String signature, List<String> secrets) {
        if (signature == null) {
            return false;
        }
        for (String secret : secrets) {
            if (secret != null && !secret.isBlank()
                    && Credentials.equal("sha256=" + Credentials.hmacHex("HmacSHA256", secret, body), signature.trim())) {
                return true;
            }
        }
        return false;
    }
}
