package africa.payhub.payment;

import java.math.BigDecimal;
import java.time.Instant;

/** One row of {@code payments}. */
public record Payment(
        String id,
        String clientId,
        String messageId,
        String contentHash,
        String operation,
        String provider,
        PaymentStatus status,
        BigDecimal amountValue,
        String amountCurrency,
        String providerReference,
        String providerTransactionId,
        String statusReason,
        String reasonCode,
        String message,
        String result,
        String callbackUrl,
        int sendAttempts,
        Instant lastSentAt,
        int pollAttempts,
        Instant nextPollAt,
        Instant createdAt,
        Instant updatedAt,
        String reversalOf,
        String lastOutcome,
        String routing,
        String batchId,
        String itemId) {

    /** This payment as just inserted: created (and updated) at {@code at}, first due at {@code due}. */
    Payment storedAt(Instant at, Instant due) {
        return new Payment(id, clientId, messageId, contentHash, operation, provider, status, amountValue, amountCurrency,
                providerReference, providerTransactionId, statusReason, reasonCode, message, result, callbackUrl,
                sendAttempts, lastSentAt, pollAttempts, due, at, at, reversalOf, lastOutcome, routing, batchId, itemId);
    }
}
