package africa.payhub.provider;

/**
 * A provider webhook (or a partner's confirmation) on its way through the hub, in one exchange property
 * ({@code hubWebhook}): where it came from and the digest of its bytes, set when it arrives; the data request
 * its echoed token names; its event key; and what it did, as {@link Webhooks#apply} records it.
 */
public final class InboundWebhook {

    private final String remote;
    private final String sha256;
    private String dataRequestId;
    private String eventKey;
    private String result;
    private String paymentId;

    InboundWebhook(String remote, String sha256) {
        this.remote = remote;
        this.sha256 = sha256;
    }

    /** The address it came from; null for a partner's confirmation. */
    String remote() {
        return remote;
    }

    /** The SHA-256 of the bytes received. */
    String sha256() {
        return sha256;
    }

    /** The data request its echoed token named, if any. */
    String dataRequestId() {
        return dataRequestId;
    }

    void dataRequestId(String id) {
        this.dataRequestId = id;
    }

    /** Its key for de-duplication: {@code <provider>:<the mapping's eventKey, or the body's hash>}. */
    String eventKey() {
        return eventKey;
    }

    void eventKey(String key) {
        this.eventKey = key;
    }

    /** What applying it did (APPLIED, UNMATCHED, ...); null until applied, and for a duplicate. */
    String result() {
        return result;
    }

    void result(String result) {
        this.result = result;
    }

    /** The payment it changed, if any. */
    String paymentId() {
        return paymentId;
    }

    void paymentId(String id) {
        this.paymentId = id;
    }
}
