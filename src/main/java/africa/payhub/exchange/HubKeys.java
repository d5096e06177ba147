package africa.payhub.exchange;

/**
 * Every name the hub's steps hand each other on a Camel exchange (properties, and the one header), in one
 * place: Java uses these constants and route files write the same names. A payout's own state between its
 * steps travels as one typed object ({@link #PAYMENT_WORK}); the rest are what the shared provider, webhook
 * and callback templates read. Used by every layer that speaks to Camel; imports nothing of the hub.
 */
public final class HubKeys {

    // a payment on its way to its provider
    /** The payment a call, an event or a log line is for (read by every provider call's timeline records). */
    public static final String PAYMENT_ID = "hubPaymentId";
    /** The provider whose work queue, credentials and routes a call uses. */
    public static final String PROVIDER = "hubProvider";
    /** A payout's state between its steps: the provider.PaymentWork the dispatch and polling routes read. */
    public static final String PAYMENT_WORK = "hubPaymentWork";
    /** Header on a provider's work queue: SEND (a payment just accepted) or RESOLVE (found due by the poller). */
    public static final String WORK = "hubWork";
    /** An accepted batch to dispatch (payments-create to dispatch-batch). */
    public static final String BATCH_ID = "hubBatchId";
    /** true: a payment or data request just accepted, to dispatch now. */
    public static final String DISPATCH = "hubDispatch";
    /** true: a batch just accepted, to dispatch now. */
    public static final String DISPATCH_BATCH = "hubDispatchBatch";
    /** The poller's count of payments its last claim returned (a full batch means more is due). */
    public static final String POLLED = "hubPolled";

    // a provider call (the provider-call, provider-http and provider-login templates)
    /** The client whose message a provider operation carries, for the resources its result records. */
    public static final String CLIENT = "hubClientId";
    /** An operation's call input once its declared steps ran, read again with its result. */
    public static final String CALL_INPUT = "hubCallInput";
    /** The request as first mapped, which a redelivery sends again. */
    public static final String HTTP_REQUEST = "hubHttpRequest";
    /** When the HTTP request left (System.nanoTime). */
    public static final String HTTP_STARTED = "hubHttpStarted";
    /** The request path after placeholders are filled, for the provider route's toD. */
    public static final String HTTP_PATH = "hubHttpPath";
    /** A provider's refusal, raised after the circuit breaker (a refusal is not a sign of ill health). */
    public static final String HTTP_VERDICT = "hubHttpVerdict";
    /** The exception of a request that got no answer, raised after the circuit breaker. */
    public static final String HTTP_NO_ANSWER = "hubHttpNoAnswer";
    /** How many times a throttled call was retried by its own thread. */
    public static final String THROTTLED_RETRIES = "hubThrottledRetries";
    /** The login endpoint of provider-login. */
    public static final String LOGIN_URL = "hubLoginUrl";
    /** The auth of a call that authenticates differently from the provider's others (an operator call's own). */
    public static final String AUTH_OVERRIDE = "hubAuthOverride";
    /** Values handed to one call and never kept (a card posted to a payment), as a JSON object. */
    public static final String TRANSIENT = "hubTransient";
    /** The token a request was sent with, to drop exactly that one on 401. */
    public static final String TOKEN_USED = "hubTokenUsed";

    // a data request
    /** The data request a call or a webhook is for. */
    public static final String DATA_REQUEST_ID = "hubDataRequestId";
    /** The token the hub sends with a data request, which its webhook echoes. */
    public static final String ECHOED_TOKEN = "hubEchoedToken";
    /** true: the data request was claimed for sending. */
    public static final String DATA_CLAIMED = "hubClaimed";
    /** The data flow to call, e.g. stub-data-statement. */
    public static final String DATA_ROUTE = "hubRoute";
    /** true: the data request was leased by the poller (its claim accepts the lease). */
    public static final String DATA_LEASED = "hubDataLeased";
    /** The flow that uploads a data request's file first. */
    public static final String UPLOAD_ROUTE = "hubUploadRoute";
    /** true: the data request was not sent (its outcome is the body). */
    public static final String DATA_NOT_SENT = "hubDataNotSent";

    // a webhook and a callback
    /** A provider webhook on its way through the hub: the provider.InboundWebhook its steps read and fill. */
    public static final String WEBHOOK = "hubWebhook";
    /** The outbox row a callback delivery is sending; absent when there is nothing to send. */
    public static final String CALLBACK_EVENT = "hubCallbackEvent";

    private HubKeys() {
    }
}
