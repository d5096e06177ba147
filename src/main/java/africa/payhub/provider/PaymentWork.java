package africa.payhub.provider;

import java.util.List;

import africa.payhub.payment.Decision;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Timeline;

/**
 * A payout's state between its steps, in one exchange property ({@code hubPaymentWork}, set by
 * {@link PaymentSteps}): what the money rules decided and the provider call under way. The dispatch and
 * polling routes read it with Simple ({@code ${exchangeProperty.hubPaymentWork.action}}); the provider flow,
 * running on a copy of the exchange, reads the send it is ({@link #getAttempt}) and notes its requests in
 * {@link #getPending}. Its own exchange's alone: made anew for each claim, decision and call. (Simple reads a
 * name as a method of that name first: the factories are named so that none is a property's name.)
 */
public final class PaymentWork {

    private final String action;
    private final String paymentId;
    private final boolean claimed;
    private final Call call;
    private final String batchId;
    private final List<String> batchItems;
    private final List<String> individually;
    private final long started = System.nanoTime();
    private final Timeline.Pending pending;

    private PaymentWork(String action, String paymentId, boolean claimed, Call call, String batchId,
                        List<String> batchItems, List<String> individually) {
        this.action = action;
        this.paymentId = paymentId;
        this.claimed = claimed;
        this.call = call;
        this.batchId = batchId;
        this.batchItems = batchItems;
        this.individually = individually;
        this.pending = call == null ? null : new Timeline.Pending(call.paymentId());
    }

    /** A payment claimed for sending (its call), or not claimed (null). */
    static PaymentWork ofClaim(Call call) {
        return new PaymentWork(Decision.Action.NONE.name(), call == null ? null : call.paymentId(), call != null, call,
                null, List.of(), List.of());
    }

    /** A batch claimed for sending: its bulk call (or none), the items it carries, the items to send one by one. */
    static PaymentWork ofBatch(Decision.BatchSend send) {
        return new PaymentWork(Decision.Action.NONE.name(), null, send.call() != null, send.call(), send.batchId(),
                send.items(), send.individually());
    }

    /** What the money rules decided: the action, and the call to make for RESEND and QUERY. */
    static PaymentWork ofDecision(Decision decision) {
        return new PaymentWork(decision.action().name(), decision.paymentId(), false, decision.call(), decision.batchId(),
                List.of(), List.of());
    }

    /** NONE, SEND, RESEND, QUERY or SEND_BATCH: what the route does next. */
    public String getAction() {
        return action;
    }

    /** Whether the claim took the payment (or the batch's bulk call). */
    public boolean isClaimed() {
        return claimed;
    }

    /** The flow to call, e.g. monnify-payout; null when there is no call. */
    public String getRoute() {
        return call == null ? null : call.flow();
    }

    /** The payment the decision or call is for; none for a batch's bulk call, which is no one payment's. */
    public String getPaymentId() {
        return paymentId;
    }

    /** The batch to send (SEND_BATCH), or the batch claimed. */
    public String getBatchId() {
        return batchId;
    }

    /** A claimed batch's items to send one by one (its provider has no bulk call). */
    public List<String> getIndividually() {
        return individually;
    }

    /** The send a call is ({@code Call.attempt}), which fences it when another send supersedes it; 0 otherwise. */
    public int getAttempt() {
        return call == null ? 0 : call.attempt();
    }

    /** The events of the call under way, written with its outcome. */
    public Timeline.Pending getPending() {
        return pending;
    }

    Call call() {
        return call;
    }

    List<String> batchItems() {
        return batchItems;
    }

    /** When the call was prepared (System.nanoTime), for its timer. */
    long started() {
        return started;
    }
}
