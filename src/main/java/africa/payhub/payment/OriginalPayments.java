package africa.payhub.payment;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Refusal;
import org.springframework.stereotype.Component;

/**
 * The payment a new message gives money back from, checked at acceptance: the payment a REVERSAL names, or the
 * collection a REFUND names, if this client may reverse or refund it now; otherwise a 422 (or 404) saying why.
 */
@Component("originalPayments")
public class OriginalPayments {

    private final PaymentStore store;

    public OriginalPayments(PaymentStore store) {
        this.store = store;
    }

    /** The payment a REVERSAL names, if this client may reverse it now; otherwise a 422 saying why. */
    Payment reversible(String clientId, String originalId, String provider) {
        Payment original = store.find(originalId).filter(p -> p.clientId().equals(clientId))
                .orElseThrow(() -> Refusal.notFound("reversalOf: no payment of this client has this id"));
        if (!original.provider().equals(provider)) {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " was carried by " + original.provider()
                    + ", not " + provider);
        }
        if (original.status() != PaymentStatus.SUCCEEDED) {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " is " + original.status()
                    + "; only a SUCCEEDED payment can be reversed");
        }
        if (original.providerTransactionId() == null) {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " has no provider transaction to reverse");
        }
        if ("REVERSAL".equals(original.operation())) {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " is itself a reversal");
        }
        store.findReversalOf(originalId).ifPresent(r -> {
            throw Refusal.unprocessable("reversalOf: payment " + originalId + " already has reversal " + r.id()
                    + " (" + r.status() + ")");
        });
        return original;
    }

    /** A refund that fits: the collection it gives money back from, and its amount. */
    record Refund(Payment original, BigDecimal amount) {
    }

    /**
     * The collection a REFUND names, if this client may refund {@code amount} of it now (no amount: all that
     * is left); otherwise a 422 saying why. The collection's row is locked and its refunds summed in the
     * transaction that stores this one, so concurrent refunds never add up to more than was collected:
     * the amount the collection reported paid ({@code result.amountPaid}, e.g. an overpayment), else its amount.
     */
    Refund refundable(String clientId, String originalId, String provider, BigDecimal amount, String currency) {
        Payment original = store.lock(originalId).filter(p -> p.clientId().equals(clientId))
                .orElseThrow(() -> Refusal.notFound("refundOf: no payment of this client has this id"));
        if (!original.provider().equals(provider)) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " was carried by " + original.provider()
                    + ", not " + provider);
        }
        if (!"COLLECTION".equals(original.operation())) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " is a " + original.operation()
                    + "; only a COLLECTION can be refunded");
        }
        if (original.status() != PaymentStatus.SUCCEEDED) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " is " + original.status()
                    + "; only a SUCCEEDED collection can be refunded");
        }
        if (currency != null && !currency.equals(original.amountCurrency())) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " was collected in " + original.amountCurrency()
                    + ", not " + currency);
        }
        BigDecimal collected = original.amountValue();
        JsonNode paid = original.result() == null ? null : Json.toNode(original.result()).get("amountPaid");
        if (paid != null && paid.isTextual() && paid.asText().matches("[0-9]{1,15}(\\.[0-9]{1,4})?")) {
            collected = new BigDecimal(paid.asText());
        }
        BigDecimal left = collected.subtract(store.refundedTotal(originalId));
        if (left.signum() <= 0) {
            throw Refusal.unprocessable("refundOf: payment " + originalId + " is refunded in full already ("
                    + collected.toPlainString() + " " + original.amountCurrency() + ")");
        }
        BigDecimal value = amount == null ? left : amount;
        if (value.compareTo(left) > 0) {
            throw Refusal.unprocessable("refund of " + value.toPlainString() + " " + original.amountCurrency()
                    + " exceeds what is left to refund of payment " + originalId + ": " + left.toPlainString()
                    + " of " + collected.toPlainString() + " collected (refunds that did not fail count)");
        }
        return new Refund(original, value);
    }
}
