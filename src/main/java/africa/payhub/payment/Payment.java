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
        String routing) {

    /** The Camel route that carries this payment's operation to its provider, e.g. monnify-payout. */
    public String route() {
        return africa.payhub.provider.ProviderCatalog.routeId(provider, operation);
    }

    /** The route that asks the provider for this payment's status, e.g. monnify-payout-status. */
    public String statusRoute() {
        return route() + "-status";
    }

    /** The provider-wide status query route, used when there is no route for the operation. */
    public String providerStatusRoute() {
        return provider + "-status";
    }
}
