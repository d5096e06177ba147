package africa.payhub;

import java.sql.Timestamp;
import java.util.concurrent.BlockingQueue;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A payment whose provider's work queue is full when it is accepted is neither lost nor left for the accepted
 * grace: it is due for the poller in hub.dispatch.queue-full-retry, and sent once when the queue has room.
 */
class QueueFullTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aPaymentThatFindsItsProvidersQueueFullIsDueAgainSoonAndSentOnce() throws Exception {
        var routes = camelContext.getRouteController();
        BlockingQueue<Exchange> queue = camelContext.getEndpoint("seda:monnify-work", SedaEndpoint.class).getQueue();
        String id;
        // nothing takes work from Monnify's queue, and the poller does not run, while the queue is full (of
        // status queries for no payment: nothing, had they run)
        routes.stopRoute("polling");
        routes.stopRoute("monnify-work");
        try {
            while (queue.remainingCapacity() > 0) {
                Exchange nothing = new DefaultExchange(camelContext);
                nothing.getMessage().setHeader("hubWork", "RESOLVE");
                nothing.getMessage().setBody("no-such-payment");
                queue.offer(nothing);
            }
            id = submit(payout(messageId("queue-full"), "2085886393", "12.00")).path("paymentId").asText();
            org.awaitility.Awaitility.await().untilAsserted(() -> {
                var row = jdbc.sql("SELECT status, created_at, next_poll_at FROM payments WHERE id = :id")
                        .param("id", id).query((rs, n) -> new Object[] {rs.getString(1), rs.getTimestamp(2), rs.getTimestamp(3)})
                        .single();
                assertThat(row[0]).isEqualTo("ACCEPTED");
                // due after hub.dispatch.queue-full-retry (200 ms here), not after the accepted grace (2 s here)
                long dueAfterMs = ((Timestamp) row[2]).getTime() - ((Timestamp) row[1]).getTime();
                assertThat(dueAfterMs).isLessThan(1000);
            });
        } finally {
            queue.clear();
            routes.startRoute("monnify-work");
            routes.startRoute("polling");
        }
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(monnify(done.path("providerReference").asText()).path("executions").asInt()).isEqualTo(1);
    }
}
