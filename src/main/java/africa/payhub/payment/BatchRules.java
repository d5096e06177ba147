package africa.payhub.payment;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.HubProperties;
import africa.payhub.payment.Decision.Phase;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.stereotype.Service;

/**
 * A batch's items that were never sent, claimed together and sent in one bulk call when the provider has one.
 */
@Service
public class BatchRules {

    private final PaymentStore store;
    private final BatchStore batches;
    private final StatusChanges statusChanges;
    private final Carriers carriers;
    private final HubProperties properties;
    private final Clock clock;
    private final CallInputs inputs;
    private final SendRules sends;

    public BatchRules(PaymentStore store, BatchStore batches, StatusChanges statusChanges, Carriers carriers,
                      HubProperties properties, Clock clock, CallInputs inputs, SendRules sends) {
        this.store = store;
        this.batches = batches;
        this.statusChanges = statusChanges;
        this.carriers = carriers;
        this.properties = properties;
        this.clock = clock;
        this.inputs = inputs;
        this.sends = sends;
    }

    /**
     * Claims a batch's items that were never sent (ACCEPTED -> SUBMITTED, in one transaction, so no item
     * is sent by two senders): one call for all of them when the provider has a bulk flow for the batch's
     * operation, otherwise the items to send one by one. Items already sent are never in it.
     */
    @Transactional
    public Decision.BatchSend claimBatch(String batchId) {
        Batch batch = batches.lock(batchId).orElse(null);
        if (batch == null) {
            return new Decision.BatchSend(batchId, null, List.of(), List.of());
        }
        if (!carriers.accepting(batch.provider())) {
            return new Decision.BatchSend(batchId, null, List.of(), List.of()); // stays ACCEPTED until it takes calls
        }
        List<String> ids = batches.lockAccepted(batchId);
        Optional<String> flow = sends.bulkFlow(batchId);
        if (ids.isEmpty() || flow.isEmpty()) {
            return new Decision.BatchSend(batchId, null, List.of(), ids);
        }
        ArrayNode items = Json.NODES.arrayNode();
        for (String id : ids) {
            Payment p = store.lock(id).orElseThrow();
            statusChanges.changeStatus(p, PaymentStatus.SUBMITTED, "sent to " + p.provider() + " in batch " + batchId
                    + " (" + batch.providerReference() + ")", null, "hub", Json.object().put("batchId", batchId)
                    .put("batchReference", batch.providerReference()).put("items", ids.size()));
            store.markSent(id, clock.instant().plus(properties.polling().firstDelay()));
            items.add(inputs.call(store.find(id).orElseThrow(), Phase.SEND, flow.get()).input().without("config"));
        }
        batches.markSubmitted(batchId);
        return new Decision.BatchSend(batchId, inputs.batchCall(batch, items, flow.get(), Phase.SEND), ids, List.of());
    }
}
