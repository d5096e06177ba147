package africa.payhub;

import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.BlockingQueue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A payment whose provider's work queue is full when it is accepted is neither lost nor left for the accepted
 * grace: it is held in memory, with nothing written, and handed to the queue, oldest first, when the queue has
 * room; past hub.dispatch.held-max (2 here) it is due for the poller in hub.dispatch.queue-full-retry. Each is
 * sent once, and the operators' summary shows what waits.
 */
class QueueFullTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @Test
    void paymentsThatFindTheirProvidersQueueFullWaitInLineAndAreSentOnce() throws Exception {
        var routes = camelContext.getRouteController();
        BlockingQueue<Exchange> queue = camelContext.getEndpoint("seda:monnify-work", SedaEndpoint.class).getQueue();
        String first, second, pastMax, late;
        // nothing takes work from Monnify's queue, the poller does not run, and nothing refills the queue while
        // it is full (of status queries for no payment: nothing, had they run)
        routes.stopRoute("polling");
        routes.stopRoute("monnify-work");
        routes.stopRoute("dispatch-refill");
        try {
            while (queue.remainingCapacity() > 0) {
                Exchange nothing = new DefaultExchange(camelContext);
                nothing.getMessage().setHeader("hubWork", "RESOLVE");
                nothing.getMessage().setBody("no-such-payment");
                queue.offer(nothing);
            }
            first = submit(payout(messageId("queue-full"), "2085886393", "12.00")).path("paymentId").asText();
            await().until(() -> held() == 1);
            second = submit(payout(messageId("queue-full"), "2085886393", "13.00")).path("paymentId").asText();
            await().until(() -> held() == 2);
            pastMax = submit(payout(messageId("queue-full"), "2085886393", "14.00")).path("paymentId").asText();
            await().untilAsserted(() -> assertThat(dueAfterMs(pastMax)).isLessThan(1000));

            // the queue has room now, but two payments were there first: a new one waits behind them (here, with
            // two held already, due for the poller) and does not pass them
            queue.clear();
            late = submit(payout(messageId("queue-full"), "2085886393", "15.00")).path("paymentId").asText();
            await().untilAsserted(() -> assertThat(dueAfterMs(late)).isLessThan(1000));
            assertThat(queue).isEmpty();
            assertThat(held()).isEqualTo(2);
            // an operator sees them waiting
            JsonNode monnify = waiting();
            assertThat(monnify.path("held").asInt()).isEqualTo(2);
            assertThat(monnify.path("queued").asInt()).isZero();
            // nothing was written for the held ones: still ACCEPTED, due after the accepted grace (2 s here)
            for (String id : List.of(first, second)) {
                assertThat(status(id)).isEqualTo("ACCEPTED");
                assertThat(dueAfterMs(id)).isGreaterThanOrEqualTo(1500);
            }

            routes.startRoute("dispatch-refill");
            await().until(() -> queue.size() == 2);
            assertThat(queue.stream().map(e -> e.getMessage().getBody(String.class))).containsExactly(first, second);
            assertThat(held()).isZero();
            assertThat(waiting().path("queued").asInt()).isEqualTo(2);
            assertThat(waiting().path("held").asInt()).isZero();
        } finally {
            queue.removeIf(e -> "no-such-payment".equals(e.getMessage().getBody(String.class)));
            routes.startRoute("dispatch-refill");
            routes.startRoute("monnify-work");
            routes.startRoute("polling");
        }
        for (String id : List.of(first, second, pastMax, late)) {
            JsonNode done = awaitStatus(id, "SUCCEEDED");
            assertThat(monnify(done.path("providerReference").asText()).path("executions").asInt()).isEqualTo(1);
        }
    }

    /** Monnify's entry in the operators' summary. */
    private JsonNode waiting() {
        for (JsonNode p : get("/api/v1/ops/summary", OPERATOR).json().path("providers")) {
            if (p.path("provider").asText().equals("monnify")) {
                return p;
            }
        }
        throw new AssertionError("monnify is not in the summary");
    }

    private double held() {
        var gauge = meters.find("hub.dispatch.held").tag("provider", "monnify").gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private String status(String id) {
        return jdbc.sql("SELECT status FROM payments WHERE id = :id").param("id", id).query(String.class).single();
    }

    /** How long after its acceptance the payment is due for the poller. */
    private long dueAfterMs(String id) {
        var row = jdbc.sql("SELECT created_at, next_poll_at FROM payments WHERE id = :id").param("id", id)
                .query((rs, n) -> new Timestamp[] {rs.getTimestamp(1), rs.getTimestamp(2)}).single();
        return row[1].getTime() - row[0].getTime();
    }
}
