package africa.payhub.payment;

import java.util.Map;

import org.slf4j.MDC;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What is said about a write (a log line, a count) once its transaction has ended, so that it says what
 * happened: {@code committed} after the commit, {@code notStored} when the transaction rolled back (or its
 * end is unknown: a commit whose answer was lost). Outside a transaction the write has happened already, and
 * {@code committed} runs at once. The log context of the moment the write was made (the request's, the
 * payment's) is the one the words are said in, whichever thread ends the transaction (a group commit's writer).
 */
final class AfterCommit {

    private AfterCommit() {
    }

    static void say(Runnable committed, Runnable notStored) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            committed.run();
            return;
        }
        Map<String, String> context = MDC.getCopyOfContextMap();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                Map<String, String> saved = MDC.getCopyOfContextMap();
                if (context != null) {
                    MDC.setContextMap(context);
                } else {
                    MDC.clear();
                }
                try {
                    (status == STATUS_COMMITTED ? committed : notStored).run();
                } finally {
                    if (saved != null) {
                        MDC.setContextMap(saved);
                    } else {
                        MDC.clear();
                    }
                }
            }
        });
    }
}
