package africa.payhub.payment;

import java.util.EnumSet;
import java.util.Set;

/**
 * A payment's life. The same table is enforced by the database: the trigger {@code payments_guard_transition}
 * declares these edges to the one rule every status table shares, {@code guard_status_transition} (V24
 * migration), so no code path can regress a payment.
 */
public enum PaymentStatus {
    /** Stored, not yet sent to the provider. */
    ACCEPTED,
    /** Sent; no answer yet. */
    SUBMITTED,
    /** The provider says in progress, or the outcome is unknown: resolved by webhook or status query. */
    PENDING,
    SUCCEEDED,
    FAILED,
    REVERSED,
    /** Polling exhausted or evidence conflicts: a person decides. Never silently failed. */
    NEEDS_REVIEW;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == REVERSED;
    }

    public boolean isUnresolved() {
        return this == ACCEPTED || this == SUBMITTED || this == PENDING;
    }

    public boolean canMoveTo(PaymentStatus to) {
        return this == to || next().contains(to);
    }

    private Set<PaymentStatus> next() {
        return switch (this) {
            case ACCEPTED -> EnumSet.of(SUBMITTED, PENDING, FAILED, NEEDS_REVIEW);
            case SUBMITTED -> EnumSet.of(PENDING, SUCCEEDED, FAILED, REVERSED, NEEDS_REVIEW);
            case PENDING -> EnumSet.of(SUBMITTED, SUCCEEDED, FAILED, REVERSED, NEEDS_REVIEW);
            case NEEDS_REVIEW -> EnumSet.of(SUCCEEDED, FAILED, REVERSED);
            case SUCCEEDED -> EnumSet.of(REVERSED);
            case FAILED, REVERSED -> EnumSet.noneOf(PaymentStatus.class);
        };
    }
}
