package africa.payhub.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.callback.CallbackDelivery;
import africa.payhub.canonical.Json;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.HubProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A stand-in enterprise system for trying the hub out: use {@code http://localhost:8080/sandbox/callbacks/<inbox>}
 * as a payment's callbackUrl, then read what arrived, with whether the signature checks out against the
 * demo client's callback secret, at {@code GET /sandbox/callbacks/<inbox>}.
 */
@RestController
@RequestMapping(path = "/sandbox/callbacks", produces = MediaType.APPLICATION_JSON_VALUE)
@ConditionalOnProperty(name = "hub.sandbox.enabled", havingValue = "true")
public class CallbackInbox {

    private final Map<String, List<ObjectNode>> inboxes = new ConcurrentHashMap<>();
    private final ClientRegistry clients;

    public CallbackInbox(ClientRegistry clients) {
        this.clients = clients;
    }

    @PostMapping(path = "/{inbox}", consumes = MediaType.ALL_VALUE)
    public Map<String, Object> receive(@PathVariable String inbox, @RequestBody(required = false) byte[] body,
                                       @RequestHeader(value = CallbackDelivery.SIGNATURE_HEADER, required = false) String signature,
                                       @RequestHeader(value = CallbackDelivery.EVENT_ID_HEADER, required = false) String eventId) {
        byte[] bytes = body == null ? new byte[0] : body;
        ObjectNode entry = Json.object();
        entry.put("receivedAt", Instant.now().toString());
        entry.put("eventId", eventId);
        entry.put("signatureValid", signedByAClient(bytes, signature));
        try {
            entry.set("body", Json.parse(bytes));
        } catch (Exception e) {
            entry.put("body", new String(bytes, StandardCharsets.UTF_8));
        }
        inboxes.computeIfAbsent(inbox, k -> new CopyOnWriteArrayList<>()).add(entry);
        return Map.of("received", true);
    }

    @GetMapping("/{inbox}")
    public JsonNode list(@PathVariable String inbox) {
        ArrayNode out = Json.NODES.arrayNode();
        new ArrayList<>(inboxes.getOrDefault(inbox, List.of())).forEach(out::add);
        return out;
    }

    private boolean signedByAClient(byte[] body, String signature) {
        if (signature == null) {
            return false;
        }
        for (HubProperties.Client c : clients.clients().values()) {
            if (c.callbackSecret() == null || c.callbackSecret().isBlank()) {
                continue;
            }
            String expected = "sha256=" + CallbackDelivery.sign(body, c.callbackSecret().bytes());
            if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }
}
