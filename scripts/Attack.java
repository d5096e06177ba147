import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another client's latency while a handful of addresses attack the hub: the pieces scripts/attack.sh runs as
 * processes of their own (compiled once; or {@code java scripts/Attack.java --mode ...} against any running hub).
 *
 * <ul>
 *   <li>{@code --mode victim}: {@code --victim-rate} requests a second (20; under the client limit, 50 by default),
 *       each a GET of a payment list with the victim's own login, one after another on a kept-alive connection,
 *       each due at its time and timed from then (a stalled request delays the next, and both show it), for
 *       {@code --seconds}. Prints requests, p50, p95, max (ms), failed (not 200, or no answer within 10 s) and the
 *       hub's CPU in cores over the run (from /proc/&lt;hub-pid&gt;/stat, with {@code --hub-pid}).</li>
 *   <li>{@code --mode slow-bodies}: {@code --connections} anonymous connections spread over {@code --addresses}
 *       loopback addresses (127.0.0.2 and on), each posting to {@code --path} a body announced as 1,000 bytes and
 *       sent a byte every {@code --every-ms}; a connection the hub closes is opened again at once.</li>
 *   <li>{@code --mode login-flood}: {@code --logins} requests at once, each with a random unknown name, from
 *       {@code --addresses} loopback addresses (127.0.0.102 and on), each answer sending the next.</li>
 * </ul>
 * An attack runs for {@code --seconds} and prints what its requests got back.
 */
public class Attack {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        URI base = URI.create(a.getOrDefault("url", "http://localhost:18280"));
        String victimPath = a.getOrDefault("victim-path", "/api/v1/payments?messageId=attack-victim");
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "20"));
        int addresses = Integer.parseInt(a.getOrDefault("addresses", "20"));
        String mode = a.getOrDefault("mode", "victim");
        switch (mode) {
            case "victim" -> {
                Victim v = new Victim(base, victimPath, a.getOrDefault("victim", "demo-erp:demo-erp-secret"),
                        Double.parseDouble(a.getOrDefault("victim-rate", "20")));
                if (Boolean.parseBoolean(a.getOrDefault("warm", "false"))) {
                    v.run(Duration.ofSeconds(3)); // the victim's login verified once, the JIT of both sides
                }
                Cpu cpu = new Cpu(Long.parseLong(a.getOrDefault("hub-pid", "0")), Integer.parseInt(a.getOrDefault("clk-tck", "100")));
                Latencies l = v.run(Duration.ofSeconds(seconds));
                double cores = cpu.cores();
                System.out.println(String.format(Locale.ROOT, "requests=%d p50=%.1f p95=%.1f max=%.1f failed=%d hub_cpu_cores=%s",
                        l.millis.length, l.p50(), l.p95(), l.max(), l.failures,
                        Double.isNaN(cores) ? "-" : String.format(Locale.ROOT, "%.2f", cores)));
            }
            case "slow-bodies" -> {
                try (SlowBodies attacker = new SlowBodies(base, a.getOrDefault("path", "/webhooks/monnify"),
                        Integer.parseInt(a.getOrDefault("connections", "120")), addresses,
                        Long.parseLong(a.getOrDefault("every-ms", "4000")))) {
                    Thread.sleep(seconds * 1000L);
                    System.out.println(attacker.summary());
                }
            }
            case "login-flood" -> {
                try (LoginFlood attacker = new LoginFlood(base, victimPath, Integer.parseInt(a.getOrDefault("logins", "64")),
                        addresses)) {
                    Thread.sleep(seconds * 1000L);
                    System.out.println(attacker.summary());
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    /** The client being measured: one request after another at a steady rate, on a kept-alive connection. */
    static final class Victim {

        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private final HttpRequest request;
        private final double rate;

        Victim(URI base, String path, String credentials, double rate) {
            this.rate = rate;
            this.request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .GET().build();
        }

        Latencies run(Duration during) throws InterruptedException {
            List<Double> millis = new ArrayList<>();
            int failures = 0;
            long start = System.nanoTime();
            long end = start + during.toNanos();
            for (long i = 0; ; i++) {
                // request i is due at start + i/rate; its latency counts from then, so a stall shows in full
                long started = start + (long) (i * 1e9 / rate);
                if (started >= end) {
                    break;
                }
                long wait = started - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                try {
                    if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                        failures++;
                    }
                } catch (IOException e) {
                    failures++;
                }
                millis.add((System.nanoTime() - started) / 1e6);
            }
            return new Latencies(millis.stream().mapToDouble(Double::doubleValue).sorted().toArray(), failures);
        }
    }

    record Latencies(double[] millis, int failures) {

        double p50() {
            return at(0.50);
        }

        double p95() {
            return at(0.95);
        }

        double max() {
            return millis.length == 0 ? Double.NaN : millis[millis.length - 1];
        }

        double at(double q) {
            return millis.length == 0 ? Double.NaN : millis[Math.min(millis.length - 1, (int) Math.ceil(q * millis.length) - 1)];
        }
    }

    /** The hub's CPU since the last call, in cores (NaN without a pid). */
    static final class Cpu {

        private final Path stat;
        private final int clkTck;
        private long ticks;
        private long at;

        Cpu(long pid, int clkTck) {
            this.stat = pid > 0 ? Path.of("/proc/" + pid + "/stat") : null;
            this.clkTck = clkTck;
            cores();
        }

        double cores() {
            if (stat == null) {
                return Double.NaN;
            }
            try {
                String s = Files.readString(stat);
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                long now = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
                long t = System.nanoTime();
                double cores = at == 0 ? Double.NaN : (now - ticks) / (double) clkTck / ((t - at) / 1e9);
                ticks = now;
                at = t;
                return cores;
            } catch (IOException e) {
                return Double.NaN;
            }
        }
    }

    /** A socket bound to a loopback address of its own (all of 127/8 is this machine). */
    static Socket connect(String from, URI base) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        return s;
    }

    /** Anonymous connections trickling bodies that never end. */
    static final class SlowBodies implements AutoCloseable {

        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicInteger opened = new AtomicInteger();
        private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();

        SlowBodies(URI base, String path, int connections, int addresses, long everyMillis) {
            for (int i = 0; i < connections; i++) {
                String from = "127.0.0." + (2 + i % addresses);
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try (Socket s = connect(from, base)) {
                            opened.incrementAndGet();
                            OutputStream out = s.getOutputStream();
                            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            for (int b = 0; b < 999 && !stop.get(); b++) {
                                Thread.sleep(everyMillis);
                                out.write(' ');
                                out.flush();
                            }
                        } catch (IOException e) {
                            answers.computeIfAbsent("closed", k -> new AtomicInteger()).incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "slow-body-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        String summary() {
            return "attack_connections_opened=" + opened.get() + " attack_connections_closed_by_hub="
                    + answers.getOrDefault("closed", new AtomicInteger()).get();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            threads.forEach(Thread::interrupt);
            for (Thread t : threads) {
                t.join(5_000);
            }
        }
    }

    /** Logins under random unknown names, as many at once as asked, each answer sending the next. */
    static final class LoginFlood implements AutoCloseable {

        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

        LoginFlood(URI base, String path, int concurrent, int addresses) {
            for (int i = 0; i < concurrent; i++) {
                String from = "127.0.0." + (102 + i % addresses);
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        String credentials = "intruder-" + UUID.randomUUID() + ":guess";
                        int status;
                        try (Socket s = connect(from, base)) {
                            s.setSoTimeout(30_000);
                            OutputStream out = s.getOutputStream();
                            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + base.getHost() + "\r\nAuthorization: Basic "
                                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            status = status(s.getInputStream());
                        } catch (IOException e) {
                            status = 0;
                        }
                        statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                    }
                }, "login-flood-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        private static int status(InputStream in) throws IOException {
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String[] first = all.split("\r\n", 2)[0].split(" ");
            return first.length > 1 ? Integer.parseInt(first[1]) : 0;
        }

        String summary() {
            StringBuilder s = new StringBuilder();
            statuses.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> s.append(s.length() == 0 ? "" : " ").append("attack_").append(e.getKey() == 0 ? "no_answer" : e.getKey())
                            .append('=').append(e.getValue().get()));
            return s.toString();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(35_000);
            }
        }
    }
}
