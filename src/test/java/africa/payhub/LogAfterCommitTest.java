package africa.payhub;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import africa.payhub.payment.Payment;
import africa.payhub.payment.PaymentAcceptance;
import africa.payhub.payment.PaymentLog;
import africa.payhub.payment.StatusChanges;
import africa.payhub.payment.PaymentStatus;
import africa.payhub.payment.PaymentStore;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Operators reconcile from the log: what a line says happened, happened. An acceptance and a status move
 * whose transaction is lost (a crash, a failed commit) leave no "accepted" and no "A -> B" line, only a line
 * saying they rolled back; every "accepted" and "->" line names a payment and a move the database kept.
 */
class LogAfterCommitTest extends HubTestSupport {

    private static final Pattern ACCEPTED = Pattern.compile("^Payment (\\S+) accepted: ");
    private static final Pattern MOVED = Pattern.compile("^Payment (\\S+) ([A-Z_]+) -> ([A-Z_]+) ");

    @Autowired
    PaymentAcceptance payments;

    @Autowired
    StatusChanges statusChanges;

    @Autowired
    PaymentStore store;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    JdbcClient jdbc;

    /** The transaction dies after its writes, as a killed database or a lost commit leaves it. */
    static final class Crash extends RuntimeException {
        Crash() {
            super("the database went away before the commit");
        }
    }

    @Test
    void aLogLineAboutAPaymentSaysWhatTheDatabaseKept() {
        Logger logger = (Logger) LoggerFactory.getLogger(PaymentLog.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        TransactionTemplate tx = new TransactionTemplate(transactions);
        String[] lostAcceptance = new String[1];
        String moved;
        try {
            // an acceptance whose transaction is lost after the row was written
            assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
                lostAcceptance[0] = payments.accept("demo-erp", payout(messageId("lost-accept"), "2085886393", "4.00"))
                        .payment().id();
                throw new Crash();
            })).isInstanceOf(Crash.class);

            // a stored payment whose move is lost after it was written, then a move that commits
            moved = payments.accept("demo-erp", payout(messageId("lost-move"), "2085886393", "5.00")).payment().id();
            assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
                Payment locked = store.lock(moved).orElseThrow();
                assertThat(statusChanges.changeStatus(locked, PaymentStatus.FAILED, "a move that will be lost", "TEST",
                        "test", null)).isTrue();
                throw new Crash();
            })).isInstanceOf(Crash.class);
            tx.executeWithoutResult(status -> statusChanges.changeStatus(store.lock(moved).orElseThrow(),
                    PaymentStatus.NEEDS_REVIEW, "a move that commits", "TEST", "test", null));
        } finally {
            logger.detachAppender(log);
        }

        List<String> lines = new ArrayList<>();
        log.list.forEach(e -> lines.add(e.getFormattedMessage()));
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE id = :id").param("id", lostAcceptance[0])
                .query(Integer.class).single()).as("the lost acceptance left no payment").isZero();
        assertThat(lines).as("nothing says the lost payment was accepted").noneMatch(l -> l.startsWith(
                "Payment " + lostAcceptance[0] + " accepted"));
        assertThat(lines).anyMatch(l -> l.startsWith("Payment " + lostAcceptance[0] + " rolled back"));
        assertThat(lines).as("nothing says the lost move happened").noneMatch(l -> l.startsWith(
                "Payment " + moved + " ACCEPTED -> FAILED"));
        assertThat(lines).anyMatch(l -> l.startsWith("Payment " + moved + " rolled back: its move from ACCEPTED to FAILED"));
        assertThat(lines).anyMatch(l -> l.startsWith("Payment " + moved + " ACCEPTED -> NEEDS_REVIEW"));

        // every line that says something happened, compared with the database
        for (String line : lines) {
            Matcher accepted = ACCEPTED.matcher(line);
            if (accepted.find()) {
                assertThat(store.find(accepted.group(1))).as(line).isPresent();
            }
            Matcher move = MOVED.matcher(line);
            if (move.find()) {
                assertThat(jdbc.sql("""
                                SELECT count(*) FROM payment_events WHERE payment_id = :id AND type = 'STATUS_CHANGED'
                                  AND status_from = :from AND status_to = :to""")
                        .param("id", move.group(1)).param("from", move.group(2)).param("to", move.group(3))
                        .query(Integer.class).single()).as(line).isEqualTo(1);
            }
        }
    }
}
