package africa.payhub.payment;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the money rules decided for a payment: nothing more to do, or a provider call to make now.
 *
 * @param action NONE; SEND (a payment left ACCEPTED: claim and send it); RESEND (send the prepared call
 *               again, same reference); QUERY (ask the provider with the prepared call)
 * @param call   the provider call, for RESEND and QUERY
 */
public record Decision(Action action, String paymentId, Call call, String batchId) {

    /** SEND_BATCH: a batch item left ACCEPTED: its batch is claimed and sent (items not sent yet only). */
    public enum Action { NONE, SEND, RESEND, QUERY, SEND_BATCH }

    /**
     * Phases of a provider interaction, recorded in the timeline. RECHECK: what the provider lists about a
     * payment after it was final (a reversal found by the scheduled recheck). AUTHORIZE: the provider's answer to
     * an authorization code (an OTP) a client or an operator submitted; otherwise applied as a status query's.
     * EXPIRE: the answer to the call that closes, at the provider, a payment nobody paid in its declared time.
     */
    public enum Phase { SEND, POLL, WEBHOOK, RECHECK, AUTHORIZE, EXPIRE }

    /**
     * A provider call: which payment, which provider, which flow, in which phase, with the input every
     * provider mapping receives ({@code payment}, {@code message}, {@code config}, and {@code original}
     * for a reversal). {@code attempt}: for a send, the payment's send it is (its {@code send_attempts} once
     * claimed), which fences it: a send another one superseded writes nothing more; 0 otherwise.
     */
    public record Call(String paymentId, String provider, String flow, Phase phase, ObjectNode input, int attempt) {
        public Call(String paymentId, String provider, String flow, Phase phase, ObjectNode input) {
            this(paymentId, provider, flow, phase, input, 0);
        }
    }

    public static Decision none(String paymentId) {
        return new Decision(Action.NONE, paymentId, null, null);
    }

    public static Decision send(String paymentId) {
        return new Decision(Action.SEND, paymentId, null, null);
    }

    public static Decision sendBatch(String paymentId, String batchId) {
        return new Decision(Action.SEND_BATCH, paymentId, null, batchId);
    }

    public static Decision resend(Call call) {
        return new Decision(Action.RESEND, call.paymentId(), call, null);
    }

    public static Decision query(Call call) {
        return new Decision(Action.QUERY, call.paymentId(), call, null);
    }

    /**
     * A batch claimed for sending: either one provider call carrying every claimed item ({@code call}, its
     * input holding {@code batch} and {@code items}), or, for a provider without a bulk API, the items to
     * send one by one ({@code individually}).
     */
    public record BatchSend(String batchId, Call call, java.util.List<String> items, java.util.List<String> individually) {
    }
}
