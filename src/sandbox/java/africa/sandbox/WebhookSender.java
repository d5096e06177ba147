package africa.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Sends the simulators' webhooks to the hub over real HTTP, later, as providers do; a non-2xx answer or no
 * answer is retried a few times, as Monnify retries.
 */
public class WebhookSender implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "sandbox-webhooks");
        t.setDaemon(true);
        return t;
    });

    /** Sends {@code body} (exact bytes) to {@code url} after {@code delay}, with the given headers. */
    public void send(String url, byte[] body, Map<String, String> headers, Duration delay) {
        scheduler.schedule(() -> attempt(url, body, headers, 1), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void attempt(String url, byte[] body, Map<String, String> headers, int attempt) {
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(req::header);
            int status = http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                return;
            }
            LOG.info("Sandbox webhook to {} answered {} (attempt {})", url, status, attempt);
        } catch (Exception e) {
            LOG.info("Sandbox webhook to {} failed: {} (attempt {})", url, e.toString(), attempt);
        }
        if (attempt < 3) {
            scheduler.schedule(() -> attempt(url, body, headers, attempt + 1), 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
