package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import africa.payhub.payment.SendRules;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The payments that found their provider's work queue ({@code seda:<provider>-work}) full, held here in
 * memory, oldest first, and handed to the queue by {@link #refill} as it drains. A payment handed over while
 * others of its provider are held waits behind them ({@link #anyHeld}), so an overload delays each payment by
 * about the backlog and none is passed over for as long as new ones keep coming.
 * <p>
 * Nothing is written for a held payment: under overload the database does no extra work for it. It is safe to
 * lose what is held (a stop, a crash): its row still says what it needs, so the poller finds it after the
 * accepted grace (a new payment, still ACCEPTED) or its lease (one the poller brought). A payment held and found
 * by the poller meanwhile is held once; one taken by both paths is still sent once, by the first claim.
 * <p>
 * Past {@code hub.dispatch.held-max} payments for one provider, a payment is not held but made due for the
 * poller in {@code hub.dispatch.queue-full-retry} ({@link SendRules#queueFull}).
 */
@Component("workQueues")
public class WorkQueues {

    private static final Logger LOG = LoggerFactory.getLogger(WorkQueues.class);

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final SendRules rules;
    private final CamelContext camel;
    private final int heldMax;
    private final int queueSize;
    private final ProducerTemplate template;

    public WorkQueues(SendRules rules, CamelContext camel, ProducerTemplate template,
                      @Value("${hub.dispatch.held-max:20000}") int heldMax,
                      @Value("${hub.dispatch.queue-size:2000}") int queueSize) {
        this.rules = rules;
        this.camel = camel;
        this.template = template;
        this.heldMax = heldMax;
        this.queueSize = queueSize;
    }

    /** Property {@code hubProvider}: whether payments of that provider are held, waiting for room. */
    public boolean anyHeld(Exchange exchange) {
        Held h = held.get(exchange.getProperty(HubKeys.PROVIDER, String.class));
        return h != null && h.size > 0;
    }

    /** On this instance: payments in the provider's work queue, and payments held until it has room. */
    public record Waiting(int queued, int held) {
    }

    /** What waits for the provider's threads on this instance (the operators' summary shows it). */
    public Waiting waiting(String provider) {
        return new Waiting(endpoint(provider).getQueue().size(), held(provider));
    }

    /** The provider's payments held on this instance (the gauge {@code hub.dispatch.held}). */
    public int held(String provider) {
        Held h = held.get(provider);
        return h == null ? 0 : h.size;
    }

    /**
     * Body: a payment id; header {@code hubWork}: SEND or RESOLVE; property {@code hubProvider}. Held behind the
     * provider's other held payments, or, past {@code hub.dispatch.held-max}, due for the poller soon.
     */
    public void hold(Exchange exchange) {
        String provider = exchange.getProperty(HubKeys.PROVIDER, String.class);
        String id = exchange.getMessage().getBody(String.class);
        String work = exchange.getMessage().getHeader(HubKeys.WORK, String.class);
        if (!held.computeIfAbsent(provider, p -> new Held()).add(id, work, heldMax)) {
            rules.queueFull(id, "SEND".equals(work));
        }
    }

    /**
     * Hands held payments to their providers' work queues while the queues have room, oldest first. Called by
     * the {@code dispatch-refill} route, often enough that a queue does not run dry between calls.
     */
    public void refill() {
        held.forEach((provider, h) -> {
            if (h.size > 0) {
                refill(provider, h);
            }
        });
    }

    private void refill(String provider, Held h) {
        SedaEndpoint endpoint = endpoint(provider);
        int handed = 0;
        // the oldest stays held until the queue took it, so meanwhile a new payment still waits behind it
        while (endpoint.getQueue().remainingCapacity() > 0) {
            Map.Entry<String, String> work = h.oldest();
            if (work == null) {
                break;
            }
            Exchange sent = template.send(endpoint, e -> {
                e.getMessage().setBody(work.getKey());
                e.getMessage().setHeader(HubKeys.WORK, work.getValue());
            });
            if (sent.getException() != null) {
                break; // full again (a hand-over that found none held got in first): it waits, first in line
            }
            h.handed();
            handed++;
        }
        if (handed > 0) {
            LOG.debug("{} held payments handed to {}'s work queue; {} still held", handed, provider, h.size);
        }
    }

    /** The provider's work queue, as the hand-over names it. */
    private SedaEndpoint endpoint(String provider) {
        return camel.getEndpoint("seda:" + provider + "-work?size=" + queueSize, SedaEndpoint.class);
    }

    /** One provider's held payments, oldest first: id and SEND or RESOLVE; each id once. */
    private static final class Held {
        private final ArrayDeque<Map.Entry<String, String>> work = new ArrayDeque<>();
        private final Set<String> ids = new HashSet<>();
        /** Read without the lock by {@link #anyHeld} and the gauge. */
        private volatile int size;

        synchronized boolean add(String id, String kind, int max) {
            if (ids.contains(id)) {
                return true;
            }
            if (ids.size() >= max) {
                return false;
            }
            ids.add(id);
            work.addLast(Map.entry(id, kind));
            size = ids.size();
            return true;
        }

        /** The oldest, still held; null when none is. */
        synchronized Map.Entry<String, String> oldest() {
            return work.peekFirst();
        }

        /** The oldest is in its work queue now. */
        synchronized void handed() {
            ids.remove(work.pollFirst().getKey());
            size = ids.size();
        }
    }
}
