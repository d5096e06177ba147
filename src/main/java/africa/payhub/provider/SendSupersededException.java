package africa.payhub.provider;

/**
 * A send found, before its next call, that it is no longer the payment's latest send: its hub stalled (or was
 * frozen) past the resend guard and another send of the payment took over. It sends nothing more, and what it
 * comes to changes nothing (an IGNORED outcome).
 */
public class SendSupersededException extends ProviderException {

    public SendSupersededException(String provider, String paymentId, int attempt, String step) {
        super(provider, "send " + attempt + " of payment " + paymentId + " was superseded by a later send before step "
                + step + "; nothing more was sent by it");
    }
}
