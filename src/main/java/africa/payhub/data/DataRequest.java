package africa.payhub.data;

import java.time.Instant;

/** One stored data request (table {@code data_requests}); {@code request} and {@code result} are JSON text. */
public record DataRequest(String id, String clientId, String requestId, String contentHash, String kind,
                          String provider, DataRequestStatus status, String request, String callbackUrl,
                          String tokenSha256, String webhookSha256, String result, Integer resultItems,
                          String providerDetail, String statusReason, String reasonCode, int sendAttempts,
                          Instant dueAt, Instant requestedAt, Instant createdAt, Instant updatedAt) {
}
