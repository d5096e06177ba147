package africa.payhub.data;

import java.util.EnumSet;
import java.util.Set;

/**
 * A data request's life. The same table is enforced by the database: the trigger
 * {@code data_requests_guard_transition} declares these edges to the rule payments share,
 * {@code guard_status_transition} (V24 migration): a final status never moves.
 */
public enum DataRequestStatus {
    /** Stored, not yet taken by the provider. */
    ACCEPTED,
    /** The provider took it; its answer comes later, by webhook. */
    REQUESTED,
    COMPLETED,
    FAILED,
    /** No answer within the provider's whole webhook retry schedule. */
    EXPIRED;

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == EXPIRED;
    }

    public boolean canMoveTo(DataRequestStatus to) {
        return this == to || next().contains(to);
    }

    private Set<DataRequestStatus> next() {
        return switch (this) {
            case ACCEPTED -> EnumSet.of(REQUESTED, COMPLETED, FAILED, EXPIRED);
            case REQUESTED -> EnumSet.of(COMPLETED, FAILED, EXPIRED);
            case COMPLETED, FAILED, EXPIRED -> EnumSet.noneOf(DataRequestStatus.class);
        };
    }
}
