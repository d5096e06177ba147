package africa.payhub.payment;

import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import org.springframework.stereotype.Service;

/**
 * The input every provider mapping receives, built from a payment (or a batch and its items): the payment,
 * the canonical message, the original of a refund or reversal, and the provider's public settings; and the
 * reference a person asking the provider must quote.
 */
@Service
public class CallInputs {

    private final PaymentStore store;
    private final Carriers carriers;

    public CallInputs(PaymentStore store, Carriers carriers) {
        this.store = store;
        this.carriers = carriers;
    }

    /** The input every provider mapping receives: the payment, the canonical message and public settings. */
    Call call(Payment p, Phase phase, String flow) {
        return call(p, phase, flow, 0);
    }

    /** As {@link #call(Payment, Phase, String)}, for the send numbered {@code attempt} (0: not a send). */
    Call call(Payment p, Phase phase, String flow, int attempt) {
        ObjectNode input = Json.object();
        input.set("payment", Json.object()
                .put("paymentId", p.id())
                .put("providerReference", p.providerReference())
                .put("providerTransactionId", p.providerTransactionId())
                .put("operation", p.operation())
                .put("clientId", p.clientId())
                .put("createdAt", p.createdAt().truncatedTo(ChronoUnit.SECONDS).toString()));
        ObjectNode payment = (ObjectNode) input.get("payment");
        if (p.amountValue() != null) {
            payment.set("amount", Json.object().put("value", p.amountValue().toPlainString()).put("currency", p.amountCurrency()));
        }
        if (p.result() != null) {
            payment.set("result", Json.toNode(p.result()));
        }
        input.set("message", Json.toNode(p.message()));
        input.set("config", carriers.settings(p.provider()));
        JsonNode refundOf = input.path("message").path("refundOf");
        String originalId = p.reversalOf() != null ? p.reversalOf() : refundOf.isTextual() ? refundOf.asText() : null;
        if (originalId != null) {
            Payment original = store.find(originalId).orElseThrow();
            input.set("original", Json.object()
                    .put("paymentId", original.id())
                    .put("operation", original.operation())
                    .put("providerReference", original.providerReference())
                    .put("providerTransactionId", original.providerTransactionId()));
        }
        return new Call(p.id(), p.provider(), flow, phase, input, attempt);
    }

    /** A call for a whole batch: the batch, its items' inputs (without their settings) and the settings once. */
    Call batchCall(Batch batch, ArrayNode items, String flow, Phase phase) {
        ObjectNode input = Json.object();
        input.set("batch", Json.object().put("batchId", batch.id()).put("messageId", batch.messageId())
                .put("providerReference", batch.providerReference()).put("clientId", batch.clientId())
                .put("itemCount", items.size()).set("message", Json.toNode(batch.message())));
        input.set("items", items);
        input.set("config", carriers.settings(batch.provider()));
        return new Call(batch.id(), batch.provider(), flow, phase, input);
    }

    /** The reference the payment's provider knows it by: what a person asking the provider must quote. */
    String referenceAt(Payment p) {
        return carriers.referenceAt(p.provider(), p.id(), p.providerReference());
    }
}
