package africa.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** What each delivery attempt of a traced webhook was answered (0: no answer), by its trace key. */
    private final Map<String, List<Integer>> answers = new ConcurrentHashMap<>();

    /** Sends {@code body} (exact bytes) to {@code url} after {@code delay}, with the given headers. */
    public void send(String url, byte[] body, Map<String, String> headers, Duration delay) {
        send(url, body, headers, delay, null);
    }

    /** As {@link #send(String, byte[], Map, Duration)}, keeping each attempt's answer under {@code trace}. */
    public void send(String url, byte[] body, Map<String, String> headers, Duration delay, String trace) {
        scheduler.schedule(() -> attempt(url, body, headers, 1, trace), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** The answers the deliveries traced as {@code trace} got so far, in order (0: no answer). */
    public List<Integer> answers(String trace) {
        return List.copyOf(answers.getOrDefault(trace, List.of()));
    }

    private void attempt(String url, byte[] body, Map<String, String> headers, int attempt, String trace) {
        int answered = 0;
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(req::header);
            answered = http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (answered / 100 == 2) {
                return;
            }
            LOG.info("Sandbox webhook to {} answered {} (attempt {})", url, answered, attempt);
        } catch (Exception e) {
            LOG.info("Sandbox webhook to {} failed: {} (attempt {})", url, e.toString(), attempt);
        } finally {
            if (trace != null) {
                answers.computeIfAbsent(trace, k -> new CopyOnWriteArrayList<>()).add(answered);
            }
        }
        if (attempt < 3) {
            scheduler.schedule(() -> attempt(url, body, headers, attempt + 1, trace), 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
