import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's load generator (run by scripts/bench.sh as a single-file program: {@code java
 * scripts/OpenLoad.java ...}). It posts canonical Monnify PAYOUTs, each with its own messageId.
 *
 * <ul>
 *   <li>{@code --rate R}: open loop. Request i is due at start + i/R whatever the answers do; its latency is
 *       counted from that due time, so a server that stalls sees its queue in the figures (no coordinated
 *       omission). wrk has no constant rate, and hey posts one body (one messageId) for every request.</li>
 *   <li>{@code --rate 0 --concurrency C}: saturation, a closed loop: C requests in flight, each answer
 *       sends the next.</li>
 * </ul>
 * Prints one line: {@code sent=.. accepted=.. other=.. seconds=.. p50=.. p95=.. p99=.. hub_p50=.. hub_p99=..}
 * (milliseconds; hub_* from the Server-Timing header, the hub's own time). With {@code --serve} it stays up and
 * runs one line of stdin after another ({@code <rate> <concurrency> <seconds> <prefix>}), so the generator is
 * measured warm, like the hub: a fresh JVM spends its first seconds compiling its own HTTP client.
 */
public class OpenLoad {

    private static final java.util.regex.Pattern SERVER_TIMING = java.util.regex.Pattern.compile("dur=([0-9.]+)");

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            boolean flag = i + 1 == args.length || args[i + 1].startsWith("--");
            a.put(args[i].replaceFirst("^--", ""), flag ? "true" : args[++i]);
        }
        OpenLoad load = new OpenLoad(URI.create(a.getOrDefault("url", "http://localhost:18080/api/v1/payments")),
                a.getOrDefault("user", "demo-erp:demo-erp-secret"), a.getOrDefault("account", "2085886393"));
        if (a.containsKey("serve")) {
            // one warm generator for a whole benchmark: a line "<rate> <concurrency> <seconds> <prefix>" on stdin
            // runs once and answers one result line; end of input ends it
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 4) {
                    System.out.println(load.run(Double.parseDouble(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]), f[3]));
                    System.out.flush();
                }
            }
        } else {
            System.out.println(load.run(Double.parseDouble(a.getOrDefault("rate", "100")),
                    Integer.parseInt(a.getOrDefault("concurrency", "32")), Double.parseDouble(a.getOrDefault("duration", "20")),
                    a.getOrDefault("prefix", "bench")));
        }
        System.exit(0);
    }

    private final URI url;
    private final String auth;
    private final String account;
    private final HttpClient http;

    private OpenLoad(URI url, String user, String account) {
        this.url = url;
        this.auth = "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
        this.account = account;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
    }

    /** One run: open loop at {@code rate}, or {@code concurrency} in flight when the rate is 0; the result line. */
    private String run(double rate, int concurrency, double seconds, String prefix) throws InterruptedException {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Double> hubTimes = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
        AtomicLong sequence = new AtomicLong();
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);

        java.util.function.BiFunction<Long, Runnable, Void> post = (due, next) -> {
            long n = sequence.incrementAndGet();
            String id = prefix + "-" + n;
            String body = "{\"messageId\":\"" + id + "\",\"operation\":\"PAYOUT\",\"provider\":\"monnify\","
                    + "\"amount\":{\"value\":\"" + (100 + n % 900) + ".00\",\"currency\":\"NGN\"},"
                    + "\"destination\":{\"type\":\"BANK_ACCOUNT\",\"accountNumber\":\"" + account + "\",\"bankCode\":\"057\","
                    // not the message id: its digits ("run1234567890-12345") can pass the card-number check
                    + "\"accountName\":\"Ada Obi\"},\"narration\":\"Bench payout " + n + "\"}";
            HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                    .header("Authorization", auth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((res, err) -> {
                latencies.add(System.nanoTime() - due);
                int code = err != null ? -1 : res.statusCode();
                codes.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
                if (res != null) {
                    res.headers().firstValue("Server-Timing").ifPresent(h -> {
                        java.util.regex.Matcher m = SERVER_TIMING.matcher(h);
                        if (m.find()) {
                            hubTimes.add(Double.parseDouble(m.group(1)));
                        }
                    });
                }
                if (next != null) {
                    next.run();
                }
            });
            return null;
        };

        long sent;
        if (rate > 0) {
            long period = (long) (1e9 / rate);
            long i = 0;
            for (long due = t0; due < end; due = t0 + (++i) * period) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                post.apply(due, null);
            }
            sent = i;
        } else {
            CountDownLatch done = new CountDownLatch(concurrency);
            AtomicLong started = new AtomicLong();
            for (int c = 0; c < concurrency; c++) {
                Runnable[] loop = new Runnable[1];
                loop[0] = () -> {
                    if (System.nanoTime() >= end) {
                        done.countDown();
                        return;
                    }
                    started.incrementAndGet();
                    post.apply(System.nanoTime(), loop[0]);
                };
                loop[0].run();
            }
            done.await(Math.round(seconds) + 60, TimeUnit.SECONDS);
            sent = started.get();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (latencies.size() < sent && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        List<Long> l = new ArrayList<>(latencies);
        Collections.sort(l);
        List<Double> h = new ArrayList<>(hubTimes);
        Collections.sort(h);
        int accepted = codes.getOrDefault(202, new AtomicInteger()).get();
        StringBuilder other = new StringBuilder();
        codes.forEach((c, k) -> {
            if (c != 202) {
                other.append(c).append(':').append(k.get()).append(',');
            }
        });
        return String.format(java.util.Locale.ROOT, "sent=%d accepted=%d other=%s seconds=%.2f p50=%.1f p95=%.1f p99=%.1f hub_p50=%.1f hub_p99=%.1f",
                sent, accepted, other.length() == 0 ? "-" : other.toString(), elapsed,
                pct(l, 50) / 1e6, pct(l, 95) / 1e6, pct(l, 99) / 1e6, pctD(h, 50), pctD(h, 99));
    }

    private static double pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1));
    }

    private static double pctD(List<Double> sorted, int p) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1));
    }
}
