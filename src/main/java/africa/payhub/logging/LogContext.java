package africa.payhub.logging;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.MDC;

/**
 * The names a log line carries in its context (SLF4J's MDC), so that a payment's lines can be found by
 * field in structured logs: {@code paymentId}, {@code messageId}, {@code clientId} and the HTTP
 * {@code requestId}. Opened in a try-with-resources block; closing puts back what was there before, so a
 * pooled thread never keeps another payment's context.
 */
public final class LogContext implements AutoCloseable {

    public static final String PAYMENT_ID = "paymentId";
    public static final String MESSAGE_ID = "messageId";
    public static final String CLIENT_ID = "clientId";
    public static final String REQUEST_ID = "requestId";

    private final Map<String, String> previous = new LinkedHashMap<>();

    private LogContext() {
    }

    /** Puts {@code key, value, key, value, ...} into the context; a null value leaves that key as it is. */
    public static LogContext with(String... keysAndValues) {
        LogContext c = new LogContext();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            String key = keysAndValues[i];
            String value = keysAndValues[i + 1];
            if (value != null) {
                c.previous.putIfAbsent(key, MDC.get(key));
                MDC.put(key, value);
            }
        }
        return c;
    }

    /** A payment's context: its id, message id and client. */
    public static LogContext payment(String paymentId, String messageId, String clientId) {
        return with(PAYMENT_ID, paymentId, MESSAGE_ID, messageId, CLIENT_ID, clientId);
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
