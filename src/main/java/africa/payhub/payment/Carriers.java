package africa.payhub.payment;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the money rules need to know about the providers, as plain values: which flow carries an
 * operation, which asks for a status, what a provider's status means, and the settings its mappings
 * read. The provider layer implements it; the rules never see a route, an exchange or an HTTP call.
 */
public interface Carriers {

    /** The flow that sends this operation to this provider, when the provider carries it now. */
    Optional<String> flow(String provider, String operation);

    /** The flow that asks the provider for a payment's status, when it offers one. */
    Optional<String> statusFlow(String provider, String operation);

    /**
     * When an unpaid payment of this operation is given up, and the flow that closes it at the provider: for a
     * payment the operation's declared {@code expire} applies to ({@code input}: the call input, as mappings
     * see it), when that flow runs; empty otherwise.
     */
    Optional<Expiry> expiry(String provider, String operation,
                            java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> input);

    /** @param after how long after its creation; @param flow the route that closes it at the provider */
    record Expiry(java.time.Duration after, String flow) {
    }

    /** The canonical status for a provider's status; anything not listed stays PENDING. */
    StatusRule status(String provider, String providerStatus);

    /** The provider's settings that its mappings may read ({@code .config}); no secrets. */
    ObjectNode settings(String provider);

    /**
     * The reference the provider knows the payment by: what its mappings send and its status query asks for
     * (our provider reference, unless the declaration's {@code reference} says otherwise, e.g. the payment id).
     */
    String referenceAt(String provider, String paymentId, String providerReference);

    /**
     * Whether a send of this operation is a chain: calls made for this payment alone (a resource of scope
     * {@code payment} or {@code call} it needs) before its own request. Such a send records each step before it
     * goes, and starts as "nothing of its request has left" (PREPARING).
     */
    boolean chain(String provider, String operation);

    /** What the provider's declaration says about sending a payment again with the same reference. */
    ResendRule resend(String provider);

    /**
     * Whether the provider takes calls now: false while its circuit breaker is open (a payment claimed now
     * would certainly not be sent, so it is left ACCEPTED).
     */
    boolean accepting(String provider);

    /**
     * @param rejectsDuplicates the provider refuses a second request with a reference it has seen
     * @param maxHoldTime       the longest it may hold a request unseen by its status query, or null
     * @param confirmQueries    status queries that must all find nothing before a resend that rests on an
     *                          assumed refusal of duplicates (0: none needed, the refusal is documented)
     * @param confirmOver       ... spread over at least this long after the send ended (null with 0 queries)
     * @param evidence          what the refusal of duplicates rests on, as the declaration says (or null)
     */
    record ResendRule(boolean rejectsDuplicates, java.time.Duration maxHoldTime, int confirmQueries,
                      java.time.Duration confirmOver, String evidence) {
        public ResendRule(boolean rejectsDuplicates, java.time.Duration maxHoldTime) {
            this(rejectsDuplicates, maxHoldTime, 0, null, null);
        }
    }

    /**
     * A canonical status for a provider status, with an optional reason code and text; {@code notify} (notifyClient): a
     * PENDING payment that comes to this reason is called back although its status stays; {@code keepReason}:
     * a provider status that says nothing new (still waiting) leaves a PENDING payment's reason as it is
     * (e.g. waiting for an OTP the hub asked for), where an unlisted status would clear it.
     */
    record StatusRule(PaymentStatus status, String reasonCode, String reason, boolean notifyClient, boolean keepReason) {
        public StatusRule(PaymentStatus status, String reasonCode, String reason) {
            this(status, reasonCode, reason, false, false);
        }
    }
}
