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
}
