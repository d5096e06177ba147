package africa.payhub.payment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.FieldError;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.HubProperties;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Batches as the enterprise systems see them: one message ({@code PAYOUT_BATCH}, up to the schema's item
 * limit) accepted once per message id, whose items become payments of their own ({@code PAYOUT}, message
 * id {@code <batch messageId>#<itemId>}), each with its status, reason and callback; and the batch's view.
 */
@Service("batches")
public class Batches {

    private final BatchStore store;
    private final PaymentAcceptance acceptance;
    private final StatusChanges statusChanges;
    private final PaymentViews views;
    private final ClientRegistry clients;

    public Batches(BatchStore store, PaymentAcceptance acceptance, StatusChanges statusChanges, PaymentViews views,
                   ClientRegistry clients) {
        this.store = store;
        this.acceptance = acceptance;
        this.statusChanges = statusChanges;
        this.views = views;
        this.clients = clients;
    }

    /** The answer to a posted batch: the batch, and whether this call created it. */
    public record Accepted(Batch batch, boolean created) {
    }

    /**
     * Stores the batch and its items once. The same message id with the same content returns the stored
     * batch; other content is refused (422). Item ids must be unique within the batch (400 listing them).
     */
    @Transactional
    public Accepted accept(String clientId, ObjectNode message, String provider) {
        String messageId = message.path("messageId").asText();
        String hash = Json.sha256(Json.canonical(message));
        Optional<Batch> earlier = store.findByMessage(clientId, messageId);
        if (earlier.isPresent()) {
            return replay(earlier.get(), hash, messageId);
        }
        List<FieldError> duplicates = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        JsonNode items = message.path("items");
        for (int i = 0; i < items.size(); i++) {
            String itemId = items.get(i).path("itemId").asText();
            if (!seen.add(itemId)) {
                duplicates.add(new FieldError("items." + i + ".itemId", "'" + itemId + "' is used by an earlier item; item ids are unique in a batch"));
            }
        }
        if (!duplicates.isEmpty()) {
            throw Refusal.invalid(duplicates);
        }
        String operation = message.path("operation").asText();
        String id = UUID.randomUUID().toString();
        String callbackUrl = message.hasNonNull("callbackUrl") ? message.get("callbackUrl").asText()
                : clients.client(clientId).map(HubProperties.Client::callbackUrl).orElse(null);
        Batch batch = new Batch(id, clientId, messageId, hash, operation, provider,
                "BATCH" + id.replace("-", "").toUpperCase(Locale.ROOT), "ACCEPTED", items.size(), callbackUrl,
                Json.write(message), null, null);
        if (!store.insertIfAbsent(batch)) {
            Batch existing = store.findByMessage(clientId, messageId).orElseThrow(
                    () -> Refusal.conflict("batch " + messageId + " is being accepted by another request; retry"));
            return replay(existing, hash, messageId);
        }
        for (JsonNode item : items) {
            acceptance.acceptItem(clientId, itemMessage(message, item, Batch.itemOperation(operation), callbackUrl),
                    provider, id, item.path("itemId").asText());
        }
        return new Accepted(store.find(id).orElseThrow(), true);
    }

    /** The canonical message of one item: the batch's fields, overridden by the item's. */
    static ObjectNode itemMessage(ObjectNode batch, JsonNode item, String operation, String callbackUrl) {
        ObjectNode m = Json.object();
        m.put("messageId", batch.path("messageId").asText() + "#" + item.path("itemId").asText());
        m.put("operation", operation);
        m.put("provider", batch.path("provider").asText());
        m.set("amount", item.get("amount"));
        m.set("destination", item.get("destination"));
        JsonNode narration = item.hasNonNull("narration") ? item.get("narration") : batch.get("narration");
        if (narration != null && !narration.isNull()) {
            m.set("narration", narration);
        }
        if (item.hasNonNull("customer")) {
            m.set("customer", item.get("customer"));
        }
        if (callbackUrl != null) {
            m.put("callbackUrl", callbackUrl);
        }
        ObjectNode metadata = batch.hasNonNull("metadata") ? batch.get("metadata").deepCopy() : Json.object();
        if (item.hasNonNull("metadata")) {
            metadata.setAll((ObjectNode) item.get("metadata"));
        }
        if (!metadata.isEmpty()) {
            m.set("metadata", metadata);
        }
        return m;
    }

    private static Accepted replay(Batch existing, String hash, String messageId) {
        if (!existing.contentHash().equals(hash)) {
            throw Refusal.unprocessable("messageId " + messageId + " was already used for a different batch (batch "
                    + existing.id() + "); a message id can be used once, for one content");
        }
        return new Accepted(existing, false);
    }

    /**
     * Completes every batch whose items have all turned final, with its callback; run by the poller's
     * clock (routes/core/batches.camel.yaml). Batches are claimed with SKIP LOCKED, so hubs sharing the
     * database complete each one once, and no item's transaction ever waits for a batch's row.
     */
    @Transactional
    public int completeDone() {
        List<String> done = store.lockDone(50);
        done.forEach(statusChanges::completeBatch);
        return done.size();
    }

    /** The batch if the caller may see it (a client never learns that another client's batch exists). */
    /** The newest batches the caller may see (a client's own; every client's for an operator, null scope). */
    public List<Batch> recent(String clientScope, int limit) {
        return store.recent(clientScope, limit);
    }

    public Batch visible(String batchId, String clientScope) {
        return store.find(batchId).filter(b -> clientScope == null || b.clientId().equals(clientScope))
                .orElseThrow(() -> Refusal.notFound("no batch of this caller has this id"));
    }

    public Optional<Batch> findByMessage(String clientId, String messageId) {
        return store.findByMessage(clientId, messageId);
    }

    public ObjectNode view(Batch b, boolean withItems) {
        return views.batchView(b, withItems);
    }
}
