package africa.payhub.payment;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Group commit of the two writes around every provider call: the claim before it (ACCEPTED -> SUBMITTED)
 * and the outcome after it. The provider threads each hand over their payment; one writer per kind claims,
 * or applies the outcomes of, up to {@code hub.dispatch.max-group} payments in one transaction, their rows
 * locked in one statement, and answers each after the commit. So a claim is still durable before its call
 * and an outcome with its timeline and callback before the thread moves on, and under load one commit
 * carries many payments. {@code hub.dispatch.writers} writers of each kind run at once, each with a
 * connection: the provider threads ({@code hub.dispatch.concurrency} per provider) hold none while they wait.
 */
@Service
public class SendGroups implements SmartLifecycle {

    private final GroupCommit<String, Optional<Call>> claims;
    private final GroupCommit<OutcomeRules.Applied, Decision> outcomes;

    public SendGroups(SendRules sends, OutcomeRules rules, PlatformTransactionManager transactions,
                      @Value("${hub.dispatch.writers:4}") int writers,
                      @Value("${hub.dispatch.max-group:32}") int maxGroup,
                      @Value("${hub.dispatch.group-wait:5ms}") Duration gather) {
        // a caller waits for its answer however long the writer takes: a claim or an outcome given up on
        // while its commit may yet happen would leave the payment to the poller for no reason
        this.claims = new GroupCommit<>("claim-writer", transactions, writers, maxGroup, gather, 4096, null, sends::claimAll);
        this.outcomes = new GroupCommit<>("outcome-writer", transactions, writers, maxGroup, gather, 4096, null, rules::applyAll);
    }

    /** As {@link SendRules#claimAll} for one payment, committed together with concurrent claims. */
    public Optional<Call> claimForSend(String id) {
        return claims.submit(id);
    }

    /**
     * As {@link OutcomeRules#applyOutcome(String, Phase, Outcome, List)}, committed together with concurrent outcomes;
     * {@code attempt}: the send it answers (see {@code Call.attempt}), 0 when not fenced.
     */
    public Decision applyOutcome(String id, Phase phase, Outcome outcome, List<Timeline.Entry> callEvents, int attempt) {
        return outcomes.submit(new OutcomeRules.Applied(id, phase, outcome, callEvents, attempt));
    }

    @Override
    public void start() {
        claims.start();
        outcomes.start();
    }

    @Override
    public void stop() {
        claims.stop();
        outcomes.stop();
    }

    @Override
    public boolean isRunning() {
        return claims.isRunning();
    }

    /** Starts before and stops after the routes that call it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
