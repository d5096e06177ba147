import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chaos suite's client (scripts/chaos.sh): posts canonical messages as an enterprise system would, keeps
 * what the hub acknowledged, resends what it did not (same messageId), and at the end asks the hub about every
 * acknowledged message. Plain JDK, run as a source file: {@code java scripts/ChaosLoad.java <command> ...}.
 *
 * <pre>
 *   post   HUB FROM TO PARALLEL ACKS PROVIDER...  messages FROM..TO of each provider; one line per message in ACKS:
 *                                               "messageId paymentId" when acknowledged (202/200), "messageId -" if not
 *   resend HUB PARALLEL ACKS                      every message never acknowledged, once more, same messageId
 *   open   HUB ACKS SAMPLE                        how many of SAMPLE random acknowledged payments are still in flight
 *   verify HUB PARALLEL ACKS                      per acknowledged message: lost (an acknowledged payment id the hub
 *                                               no longer knows, or two ids for one message) / in flight / review / final
 * </pre>
 * Environment: CLIENT (user:secret), WAAS_WALLET (the wallet WALLET_CREDITs go to).
 */
public final class ChaosLoad {

    private static final Pattern PAYMENT_ID = Pattern.compile("\"paymentId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern REASON = Pattern.compile("\"reasonCode\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final List<String> IN_FLIGHT = List.of("ACCEPTED", "SUBMITTED", "PENDING");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString(
            System.getenv().getOrDefault("CLIENT", "demo-erp:demo-erp-secret").getBytes(StandardCharsets.UTF_8));

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "post" -> post(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Path.of(args[5]), List.of(args).subList(6, args.length));
            case "resend" -> resend(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
            case "open" -> open(args[1], Path.of(args[2]), Integer.parseInt(args[3]));
            case "verify" -> verify(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
            default -> throw new IllegalArgumentException("post, resend, open or verify");
        }
    }

    // ---------------------------------------------------------------- sending

    static void post(String hub, int from, int to, int parallel, Path acks, List<String> providers) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            for (String p : providers) {
                ids.add("chaos-" + p + "-" + n);
            }
        }
        send(hub, parallel, acks, ids);
    }

    static void resend(String hub, int parallel, Path acks) throws Exception {
        Map<String, String> latest = acknowledgements(acks);
        List<String> ids = latest.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList();
        System.out.println("resending " + ids.size() + " messages never acknowledged");
        send(hub, parallel, acks, ids);
    }

    private static void send(String hub, int parallel, Path acks, List<String> ids) throws Exception {
        AtomicInteger acked = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        for (String id : ids) {
            pool.execute(() -> {
                String paymentId = null;
                try {
                    HttpResponse<String> r = politely(HttpRequest.newBuilder(URI.create(hub + "/api/v1/payments"))
                            .timeout(Duration.ofSeconds(15)).header("Authorization", AUTH)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(message(id))).build());
                    if (r.statusCode() == 202 || r.statusCode() == 200) {
                        paymentId = first(PAYMENT_ID, r.body());
                        acked.incrementAndGet();
                    } else {
                        System.err.println(id + ": " + r.statusCode() + " " + r.body().replaceAll("\\s+", " "));
                    }
                } catch (IOException | RuntimeException e) {
                    // no answer: the client does not know, so it will resend the same messageId
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                append(acks, id + " " + (paymentId == null ? "-" : paymentId));
            });
        }
        pool.shutdown();
        pool.awaitTermination(2, TimeUnit.HOURS);
        System.out.println(acked.get() + " of " + ids.size() + " acknowledged");
    }

    /** One message of a provider: an amount of its own per message number, the messageId as narration. */
    static String message(String id) {
        String[] part = id.split("-");
        String provider = part[1];
        int n = Integer.parseInt(part[2]);
        String amount = (n % 900 + 100) + ".00";
        return switch (provider) {
            case "monnify" -> """
                    {"messageId":"%s","operation":"PAYOUT","provider":"monnify","amount":{"value":"%s","currency":"NGN"},
                     "destination":{"type":"BANK_ACCOUNT","accountNumber":"2085886393","bankCode":"057","accountName":"Ada Obi"},
                     "customer":{"name":"Ada Obi","email":"ada@example.com","phone":"2348012345678"},"narration":"%s"}"""
                    .formatted(id, amount, id);
            case "connect" -> """
                    {"messageId":"%s","operation":"PAYOUT","provider":"connect","amount":{"value":"%s","currency":"ETB"},
                     "destination":{"type":"BANK_ACCOUNT","accountNumber":"1000123456","bankCode":"CBE"},"narration":"%s"}"""
                    .formatted(id, amount, id);
            case "waas" -> """
                    {"messageId":"%s","operation":"WALLET_CREDIT","provider":"waas","amount":{"value":"%s","currency":"KES"},
                     "destination":{"type":"WALLET","accountNumber":"%s"},"narration":"%s"}"""
                    .formatted(id, amount, System.getenv("WAAS_WALLET"), id);
            // Dollr's payout carries no narration: each message has an amount of its own (1.01 .. 101.00 for
            // messages 1 .. 10,000), which is what identifies it in the simulator's list of executions
            case "dollr" -> """
                    {"messageId":"%s","operation":"PAYOUT","provider":"dollr","amount":{"value":"%d.%02d","currency":"USD"},
                     "destination":{"type":"MOBILE_MONEY","phone":"231880000001","accountName":"Jallah Kamara"}}"""
                    .formatted(id, 1 + n / 100, n % 100);
            default -> throw new IllegalArgumentException("no message for " + provider);
        };
    }

    // ---------------------------------------------------------------- checking

    static void open(String hub, Path acks, int sample) throws Exception {
        List<String> ids = new ArrayList<>();
        acknowledgements(acks).forEach((id, paymentId) -> {
            if (paymentId != null) {
                ids.add(id);
            }
        });
        Collections.shuffle(ids);
        int open = 0;
        for (String id : ids.subList(0, Math.min(sample, ids.size()))) {
            if (IN_FLIGHT.contains(statusOf(hub, "/api/v1/payments?messageId=" + URLEncoder.encode(id, StandardCharsets.UTF_8)))) {
                open++;
            }
        }
        System.out.println(open);
    }

    static void verify(String hub, int parallel, Path acks) throws Exception {
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        List<String> lost = Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> review = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        Map<String, List<String>> acknowledged = everyAcknowledgement(acks);
        acknowledged.forEach((id, paymentIds) -> {
            if (paymentIds.size() > 1) {
                lost.add(id + " was acknowledged as " + paymentIds.size() + " payments " + paymentIds);
            }
            pool.execute(() -> {
                String status;
                try {
                    status = "LOST";
                    for (String paymentId : paymentIds) {
                        HttpResponse<String> r = ask(hub, "/api/v1/payments/" + paymentId);
                        status = statusIn(r);
                        if ("LOST".equals(status)) {
                            lost.add(id + " (" + paymentId + ")");
                            break;
                        }
                        if ("NEEDS_REVIEW".equals(status)) {
                            // why, per provider: what an operator would look at first
                            review.computeIfAbsent(id.split("-")[1] + " " + first(REASON, r.body()), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    status = "UNANSWERED";
                }
                counts.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
            });
        });
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        lost.forEach(l -> System.err.println("lost: " + l));
        review.forEach((k, v) -> System.err.println("in review: " + k + ": " + v.get()));
        Map<String, Integer> sorted = new TreeMap<>();
        counts.forEach((k, v) -> sorted.put(k, v.get()));
        // one line the script reads: acknowledged lost open review, then the statuses
        int open = IN_FLIGHT.stream().mapToInt(s -> sorted.getOrDefault(s, 0)).sum() + sorted.getOrDefault("UNANSWERED", 0);
        System.out.println(acknowledged.size() + " " + lost.size() + " " + open + " "
                + sorted.getOrDefault("NEEDS_REVIEW", 0) + " " + sorted);
    }

    /** The status in the hub's answer at a path; LOST when the hub answers 404 or has no payment there. */
    private static String statusOf(String hub, String path) throws IOException, InterruptedException {
        return statusIn(ask(hub, path));
    }

    private static HttpResponse<String> ask(String hub, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = politely(HttpRequest.newBuilder(URI.create(hub + path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", AUTH).GET().build());
        if (r.statusCode() != 200 && r.statusCode() != 404) {
            throw new IOException("HTTP " + r.statusCode());
        }
        return r;
    }

    private static String statusIn(HttpResponse<String> r) {
        String status = r.statusCode() == 404 ? null : first(STATUS, r.body());
        return status == null ? "LOST" : status;
    }

    /** messageId -> every distinct payment id the hub acknowledged it with (one, unless the hub lost one). */
    private static Map<String, List<String>> everyAcknowledgement(Path acks) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(acks)) {
            String[] f = line.trim().split(" ");
            if (f.length == 2 && !"-".equals(f[1])) {
                List<String> ids = out.computeIfAbsent(f[0], k -> new ArrayList<>());
                if (!ids.contains(f[1])) {
                    ids.add(f[1]);
                }
            }
        }
        return out;
    }

    /** messageId -> the payment id it was last acknowledged with (null: never acknowledged). */
    private static Map<String, String> acknowledgements(Path acks) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(acks)) {
            String[] f = line.trim().split(" ");
            if (f.length == 2) {
                String earlier = out.get(f[0]);
                out.put(f[0], "-".equals(f[1]) ? earlier : f[1]);
            }
        }
        return out;
    }

    /** As a well-behaved client: a 429 or 503 is tried again after its Retry-After, a few times. */
    private static HttpResponse<String> politely(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        for (int attempt = 1; attempt < 5 && (r.statusCode() == 429 || r.statusCode() == 503); attempt++) {
            long seconds = r.headers().firstValue("Retry-After").filter(v -> v.matches("\\d{1,3}")).map(Long::parseLong).orElse(1L);
            Thread.sleep(Math.min(seconds, 5) * 1000);
            r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }
        return r;
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static synchronized void append(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
