package africa.payhub.payment;

import java.time.Instant;

/** One row of {@code payment_batches}: a message whose items are payments of their own. */
public record Batch(String id, String clientId, String messageId, String contentHash, String operation,
                   String provider, String providerReference, String status, int itemCount, String callbackUrl,
                   String message, Instant createdAt, Instant completedAt) {

    /** The operation each item is carried as: PAYOUT_BATCH -> PAYOUT. */
    public String itemOperation() {
        return itemOperation(operation);
    }

    public static String itemOperation(String batchOperation) {
        return batchOperation.substring(0, batchOperation.length() - "_BATCH".length());
    }

    public static boolean isBatch(String operation) {
        return operation != null && operation.endsWith("_BATCH") && operation.length() > "_BATCH".length();
    }
}
