package africa.payhub.payment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Group commit of the two writes around every provider call: the claim before it (ACCEPTED -> SUBMITTED)
 * and the outcome after it. The provider threads each hand over their payment; a writer takes up to
 * {@code hub.dispatch.max-group} claims and outcomes together, locks their rows in one statement, claims in one
 * more, writes the outcomes' call events in one more and applies each outcome's rules, all in one transaction,
 * and answers each after that commit. So a claim is still durable before its call and an outcome with its
 * timeline and callback before the thread moves on, and under load one commit carries many payments, the claims
 * of some and the outcomes of others. {@code hub.dispatch.writers} writers run at once, each with a connection:
 * the provider threads ({@code hub.dispatch.concurrency} per provider) hold none while they wait.
 *
 * <p>Claims and outcomes of different payments touch different rows, so a group does its claims first, then its
 * outcomes. A payment that has both in one group (a second dispatch of it while its first send ends) is done in
 * the order they came.
 */
@Service
public class SendGroups implements SmartLifecycle {

    /** A piece of a group: a claim or an outcome. */
    public sealed interface Write {
        String paymentId();
    }

    /** A claim before a send: answered with the call to make, or empty. */
    public record Claim(String paymentId) implements Write {
    }

    /** An outcome to apply: answered with its decision. */
    public record Done(OutcomeRules.Applied applied) implements Write {
        @Override
        public String paymentId() {
            return applied.paymentId();
        }
    }

    private final SendRules sends;
    private final OutcomeRules rules;
    private final PaymentStore store;
    private final GroupCommit<Write, Object> writes;

    public SendGroups(SendRules sends, OutcomeRules rules, PaymentStore store, PlatformTransactionManager transactions,
                      @Value("${hub.dispatch.writers:4}") int writers,
                      @Value("${hub.dispatch.max-group:32}") int maxGroup,
                      @Value("${hub.dispatch.group-wait:5ms}") Duration gather) {
        this.sends = sends;
        this.rules = rules;
        this.store = store;
        // a caller waits for its answer however long the writer takes: a claim or an outcome given up on
        // while its commit may yet happen would leave the payment to the poller for no reason
        this.writes = new GroupCommit<>("send-writer", transactions, writers, maxGroup, gather, 8192, null, this::writeAll);
    }

    /** As {@link SendRules#claimAll} for one payment, committed together with concurrent claims and outcomes. */
    @SuppressWarnings("unchecked")
    public Optional<Call> claimForSend(String id) {
        return (Optional<Call>) writes.submit(new Claim(id));
    }

    /**
     * As {@link OutcomeRules#applyOutcome(String, Phase, Outcome, List)}, committed together with concurrent claims and
     * outcomes; {@code attempt}: the send it answers (see {@code Call.attempt}), 0 when not fenced.
     */
    public Decision applyOutcome(String id, Phase phase, Outcome outcome, List<Timeline.Entry> callEvents, int attempt) {
        return (Decision) writes.submit(new Done(new OutcomeRules.Applied(id, phase, outcome, callEvents, attempt)));
    }

    /**
     * A group's claims and outcomes in the caller's transaction (the writer's): for each, in order, its answer, an
     * {@code Optional<Call>} for a claim and a {@link Decision} for an outcome.
     */
    public List<Object> writeAll(List<GroupCommit.Piece<Write>> pieces) {
        Map<Boolean, Set<String>> idsByKind = pieces.stream().map(GroupCommit.Piece::item)
                .collect(Collectors.partitioningBy(w -> w instanceof Claim, Collectors.mapping(Write::paymentId, Collectors.toSet())));
        if (!Collections.disjoint(idsByKind.get(true), idsByKind.get(false))) {
            return inOrder(pieces);
        }
        Map<String, Payment> locked = store.lockAll(pieces.stream().map(piece -> piece.item().paymentId()).toList());
        List<GroupCommit.Piece<String>> claims = new ArrayList<>();
        List<GroupCommit.Piece<OutcomeRules.Applied>> outcomes = new ArrayList<>();
        for (GroupCommit.Piece<Write> piece : pieces) {
            if (piece.item() instanceof Done d) {
                outcomes.add(new GroupCommit.Piece<>(d.applied(), piece.logContext()));
            } else {
                claims.add(new GroupCommit.Piece<>(piece.item().paymentId(), piece.logContext()));
            }
        }
        Iterator<Optional<Call>> claimed = (claims.isEmpty() ? List.<Optional<Call>>of() : sends.claimAll(claims, locked)).iterator();
        Iterator<Decision> decided = (outcomes.isEmpty() ? List.<Decision>of() : rules.applyAll(outcomes, locked)).iterator();
        return pieces.stream().map(piece -> (Object) (piece.item() instanceof Claim ? claimed.next() : decided.next())).toList();
    }

    /** Pieces in the order they came, each run of one kind together. */
    private List<Object> inOrder(List<GroupCommit.Piece<Write>> pieces) {
        List<Object> answers = new ArrayList<>(pieces.size());
        for (int from = 0; from < pieces.size(); ) {
            boolean claim = pieces.get(from).item() instanceof Claim;
            int to = from;
            while (to < pieces.size() && (pieces.get(to).item() instanceof Claim) == claim) {
                to++;
            }
            List<GroupCommit.Piece<Write>> run = pieces.subList(from, to);
            if (claim) {
                answers.addAll(sends.claimAll(run.stream().map(p -> new GroupCommit.Piece<>(p.item().paymentId(), p.logContext())).toList()));
            } else {
                answers.addAll(rules.applyAll(run.stream().map(p -> new GroupCommit.Piece<>(((Done) p.item()).applied(), p.logContext())).toList()));
            }
            from = to;
        }
        return answers;
    }

    @Override
    public void start() {
        writes.start();
    }

    @Override
    public void stop() {
        writes.stop();
    }

    @Override
    public boolean isRunning() {
        return writes.isRunning();
    }

    /** Starts before and stops after the routes that call it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
