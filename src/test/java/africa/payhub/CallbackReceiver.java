package africa.payhub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * An enterprise system's callback endpoint, over real HTTP: it records every callback (raw bytes and
 * headers) and answers 200, or a failure status for the first N calls to a path, as configured.
 */
public final class CallbackReceiver {

    private static final CallbackReceiver INSTANCE = new CallbackReceiver();

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Map<String, Integer> failureStatus = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    /** A receiver that hangs: requests under a path prefix wait until released (at most 10 s). */
    public static final class Hold {
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        private final AtomicInteger held = new AtomicInteger();
        private final AtomicInteger maxHeld = new AtomicInteger();

        public int held() {
            return held.get();
        }

        /** The most requests held at once. */
        public int maxHeld() {
            return maxHeld.get();
        }

        public void release() {
            released.countDown();
        }
    }

    public Hold hold(String pathPrefix) {
        return holds.computeIfAbsent(pathPrefix, p -> new Hold());
    }

    /** Callbacks to {@code path} are answered with a redirect to {@code location}. */
    public void redirect(String path, String location) {
        redirects.put(path, location);
    }

    private CallbackReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
            received.add(new Received(path, body, headers));
            String redirect = redirects.get(path);
            if (redirect != null) {
                exchange.getResponseHeaders().add("Location", redirect);
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            Hold hold = holds.entrySet().stream().filter(e -> path.startsWith(e.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
            if (hold != null) {
                hold.maxHeld.accumulateAndGet(hold.held.incrementAndGet(), Math::max);
                try {
                    hold.released.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    hold.held.decrementAndGet();
                }
            }
            AtomicInteger left = failuresLeft.get(path);
            int status = left != null && left.getAndDecrement() > 0 ? failureStatus.getOrDefault(path, 500) : 200;
            byte[] answer = (status == 200 ? "ok" : "nope").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    public static CallbackReceiver get() {
        return INSTANCE;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The first {@code times} callbacks to {@code path} answer {@code status}. */
    public void failFirst(String path, int times, int status) {
        failuresLeft.put(path, new AtomicInteger(times));
        failureStatus.put(path, status);
    }

    public List<Received> receivedAt(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** One callback as it arrived. */
    public record Received(String path, byte[] body, Map<String, String> headers) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
