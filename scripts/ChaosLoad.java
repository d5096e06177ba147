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
import java.util.HashMap;
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
 * acknowledged message and the simulators about what they executed. Plain JDK, run as a source file:
 * {@code java scripts/ChaosLoad.java <command> ...}.
 *
 * <pre>
 *   post   HUB FROM TO PARALLEL ACKS PROVIDER...  messages FROM..TO of each provider; one line per message in ACKS:
 *                                               "messageId id" when acknowledged (202/200), "messageId -" if not
 *   resend HUB PARALLEL ACKS                      every message never acknowledged, once more, same messageId
 *   open   HUB ACKS SAMPLE                        how many of SAMPLE random acknowledged messages are still in flight
 *   verify HUB SANDBOX PARALLEL ACKS REPORT PROVIDER...
 *                                               per acknowledged message: lost (an acknowledged id the hub no longer
 *                                               knows, or two ids for one message) / in flight / review / final; from
 *                                               the simulators' own records: executions, messages executed twice, and
 *                                               whether the money of each payment in review moved; the report (Markdown)
 *                                               to REPORT, one line on stdout: "acknowledged lost open review duplicated"
 * </pre>
 * The messages: Monnify payouts (every 25th to the account Monnify reverses after it succeeded), Connect bank
 * transfers, WaaS wallet credits, Dollr invoice collections (odd numbers) and mobile-money payouts (even), stub
 * data requests (expenses of a business). Environment: CLIENT (user:secret), WAAS_WALLET (the wallet
 * WALLET_CREDITs go to).
 */
public final class ChaosLoad {

    private static final Pattern PAYMENT_ID = Pattern.compile("\"(?:paymentId|dataRequestId)\"\\s*:\\s*\"([^\"]+)\"");
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
            case "verify" -> verify(args[1], args[2], Integer.parseInt(args[3]), Path.of(args[4]), Path.of(args[5]),
                    List.of(args).subList(6, args.length));
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
                    HttpResponse<String> r = politely(HttpRequest.newBuilder(URI.create(hub + collection(id)))
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

    private static String provider(String id) {
        return id.split("-")[1];
    }

    private static int number(String id) {
        String[] part = id.split("-");
        return Integer.parseInt(part[part.length - 1]);
    }

    /** Where a message goes: payments, or (stub) data requests. */
    private static String collection(String id) {
        return "stub".equals(provider(id)) ? "/api/v1/data-requests" : "/api/v1/payments";
    }

    /** Monnify's account that pays, then reverses the transfer with a REVERSED_DISBURSEMENT webhook. */
    static final String REVERSED_LATER = "1000000013";

    /** Every 25th Monnify payout goes to {@link #REVERSED_LATER}: the hub must end up REVERSED for it. */
    static boolean reversedLater(String id) {
        return "monnify".equals(provider(id)) && number(id) % 25 == 0;
    }

    /** Dollr: an invoice collection for odd message numbers, a mobile-money payout for even ones. */
    static boolean dollrCollection(String id) {
        return "dollr".equals(provider(id)) && number(id) % 2 == 1;
    }

    /**
     * One message: an amount of its own per message number (Dollr's 1.01 .. 101.00 for messages 1 .. 10,000, since
     * its executions carry no narration), the messageId as narration elsewhere.
     */
    static String message(String id) {
        String provider = provider(id);
        int n = number(id);
        String amount = (n % 900 + 100) + ".00";
        String dollrAmount = String.format("%d.%02d", 1 + n / 100, n % 100);
        return switch (provider) {
            case "monnify" -> """
                    {"messageId":"%s","operation":"PAYOUT","provider":"monnify","amount":{"value":"%s","currency":"NGN"},
                     "destination":{"type":"BANK_ACCOUNT","accountNumber":"%s","bankCode":"057","accountName":"Ada Obi"},
                     "customer":{"name":"Ada Obi","email":"ada@example.com","phone":"2348012345678"},"narration":"%s"}"""
                    .formatted(id, amount, reversedLater(id) ? REVERSED_LATER : "2085886393", id);
            case "connect" -> """
                    {"messageId":"%s","operation":"PAYOUT","provider":"connect","amount":{"value":"%s","currency":"ETB"},
                     "destination":{"type":"BANK_ACCOUNT","accountNumber":"1000123456","bankCode":"CBE"},"narration":"%s"}"""
                    .formatted(id, amount, id);
            case "waas" -> """
                    {"messageId":"%s","operation":"WALLET_CREDIT","provider":"waas","amount":{"value":"%s","currency":"KES"},
                     "destination":{"type":"WALLET","accountNumber":"%s"},"narration":"%s"}"""
                    .formatted(id, amount, System.getenv("WAAS_WALLET"), id);
            case "dollr" -> dollrCollection(id) ? """
                    {"messageId":"%s","operation":"COLLECTION","provider":"dollr","method":"INVOICE",
                     "amount":{"value":"%s","currency":"USD"},
                     "customer":{"name":"Musu Kollie","email":"musu@example.com","phone":"+231770000001"},"narration":"%s"}"""
                    .formatted(id, dollrAmount, id) : """
                    {"messageId":"%s","operation":"PAYOUT","provider":"dollr","amount":{"value":"%s","currency":"USD"},
                     "destination":{"type":"MOBILE_MONEY","phone":"231880000001","accountName":"Jallah Kamara"}}"""
                    .formatted(id, dollrAmount);
            case "stub" -> """
                    {"requestId":"%s","kind":"EXPENSES","provider":"stub","businessId":"biz_7Hq2"}""".formatted(id);
            default -> throw new IllegalArgumentException("no message for " + provider);
        };
    }

    // ---------------------------------------------------------------- checking

    private static final List<String> DATA_IN_FLIGHT = List.of("ACCEPTED", "REQUESTED");

    /** The path the hub answers an acknowledged message's state at. */
    private static String state(String messageId, String id) {
        return ("stub".equals(provider(messageId)) ? "/api/v1/data-requests/" : "/api/v1/payments/") + id;
    }

    private static boolean inFlight(String status) {
        return IN_FLIGHT.contains(status) || DATA_IN_FLIGHT.contains(status);
    }

    static void open(String hub, Path acks, int sample) throws Exception {
        List<Map.Entry<String, String>> acked = new ArrayList<>();
        acknowledgements(acks).entrySet().stream().filter(e -> e.getValue() != null).forEach(acked::add);
        Collections.shuffle(acked);
        int open = 0;
        for (Map.Entry<String, String> e : acked.subList(0, Math.min(sample, acked.size()))) {
            if (inFlight(statusOf(hub, state(e.getKey(), e.getValue())))) {
                open++;
            }
        }
        System.out.println(open);
    }

    /** What the simulators executed, read once: per provider, the key each execution carries -> how many. */
    private static Map<String, Map<String, Integer>> executions(String sandbox, List<String> providers) throws Exception {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        Pattern row = Pattern.compile("\\{[^{}]*\\}");
        for (String p : providers) {
            if ("stub".equals(p)) {
                continue;
            }
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sandbox + "/" + p + "/_control/executed"))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Integer> keys = new HashMap<>();
            Matcher m = row.matcher(r.body());
            while (m.find()) {
                String one = m.group();
                if ("waas".equals(p) && !one.contains("\"type\":\"CREDIT\"")) {
                    continue; // the settlement leg of a credit
                }
                String key = field(one, "dollr".equals(p) ? "amount" : "narration");
                keys.merge(key, 1, Integer::sum);
            }
            out.put(p, keys);
        }
        return out;
    }

    /** The key a message's execution carries at its provider: its narration (the messageId), or Dollr's amount. */
    private static String executionKey(String messageId) {
        if (!"dollr".equals(provider(messageId))) {
            return messageId;
        }
        int n = number(messageId);
        return new java.math.BigDecimal(String.format("%d.%02d", 1 + n / 100, n % 100)).toPlainString();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** Per provider: what the proof counts. */
    private static final class Tally {
        final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final AtomicInteger acked = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger reviewMoved = new AtomicInteger();
        final AtomicInteger reviewNotMoved = new AtomicInteger();
        final AtomicInteger reversalsMissed = new AtomicInteger();
        final Map<String, AtomicInteger> reasons = new ConcurrentHashMap<>();
        int executed;
        int duplicated;
    }

    static void verify(String hub, String sandbox, int parallel, Path acks, Path report, List<String> providers) throws Exception {
        Map<String, Tally> tallies = new TreeMap<>();
        providers.forEach(p -> tallies.put(p, new Tally()));
        Map<String, Map<String, Integer>> executed = executions(sandbox, providers);
        List<String> lost = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        Map<String, List<String>> acknowledged = everyAcknowledgement(acks);
        acknowledged.forEach((messageId, ids) -> {
            Tally t = tallies.get(provider(messageId));
            if (t == null) {
                return;
            }
            t.acked.incrementAndGet();
            if (ids.size() > 1) {
                lost.add(messageId + " was acknowledged as " + ids.size() + " different ids " + ids);
                t.lost.incrementAndGet();
            }
            pool.execute(() -> {
                String status = "LOST";
                try {
                    for (String id : ids) {
                        HttpResponse<String> r = ask(hub, state(messageId, id));
                        status = statusIn(r);
                        if ("LOST".equals(status)) {
                            lost.add(messageId + " (" + id + ")");
                            t.lost.incrementAndGet();
                            break;
                        }
                        if ("NEEDS_REVIEW".equals(status)) {
                            // did the money move? the provider's own record says
                            Map<String, Integer> done = executed.getOrDefault(provider(messageId), Map.of());
                            (done.containsKey(executionKey(messageId)) ? t.reviewMoved : t.reviewNotMoved).incrementAndGet();
                            t.reasons.computeIfAbsent(first(REASON, r.body()) + (done.containsKey(executionKey(messageId))
                                    ? " (money moved)" : " (no money moved)"), k -> new AtomicInteger()).incrementAndGet();
                        }
                        if (reversedLater(messageId) && "SUCCEEDED".equals(status)) {
                            // Monnify reversed it: its webhook, or the recheck, must have said so
                            t.reversalsMissed.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    status = "UNANSWERED";
                }
                if (inFlight(status) || "UNANSWERED".equals(status)) {
                    t.open.incrementAndGet();
                }
                t.statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
            });
        });
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        lost.forEach(l -> System.err.println("lost: " + l));
        int acked = 0;
        int lostCount = 0;
        int open = 0;
        int review = 0;
        int moved = 0;
        int duplicated = 0;
        int executions = 0;
        int missed = 0;
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            Map<String, Integer> done = executed.getOrDefault(e.getKey(), Map.of());
            t.executed = done.values().stream().mapToInt(Integer::intValue).sum();
            t.duplicated = (int) done.values().stream().filter(c -> c > 1).count();
            Map<String, Integer> statuses = new TreeMap<>();
            t.statuses.forEach((k, v) -> statuses.put(k, v.get()));
            Map<String, Integer> reasons = new TreeMap<>();
            t.reasons.forEach((k, v) -> reasons.put(k, v.get()));
            rows.append("| ").append(e.getKey()).append(" | ").append(t.acked.get()).append(" | ")
                    .append("stub".equals(e.getKey()) ? "-" : String.valueOf(t.executed)).append(" | ").append(t.lost.get())
                    .append(" | ").append("stub".equals(e.getKey()) ? "-" : String.valueOf(t.duplicated)).append(" | ")
                    .append(t.open.get()).append(" | ").append(t.reviewMoved.get()).append(" | ").append(t.reviewNotMoved.get())
                    .append(" | ").append(statuses).append(" | ").append(reasons.isEmpty() ? "" : reasons).append(" |\n");
            acked += t.acked.get();
            lostCount += t.lost.get();
            open += t.open.get();
            review += t.reviewMoved.get() + t.reviewNotMoved.get();
            moved += t.reviewMoved.get();
            duplicated += t.duplicated;
            executions += t.executed;
            missed += t.reversalsMissed.get();
        }
        String text = "| acknowledged | executed at providers | lost | duplicated | still open | in review | in review, money moved"
                + " | in review, no money moved | late reversals missed |\n|---|---|---|---|---|---|---|---|---|\n"
                + "| " + acked + " | " + executions + " | " + lostCount + " | " + duplicated + " | " + open + " | " + review
                + " | " + moved + " | " + (review - moved) + " | " + missed + " |\n\n"
                + "| provider | acknowledged | executed | lost | duplicated | open | review, money moved | review, no money moved"
                + " | final statuses | review reasons |\n|---|---|---|---|---|---|---|---|---|---|\n" + rows;
        Files.writeString(report, text);
        System.out.println(acked + " " + lostCount + " " + open + " " + review + " " + duplicated + " " + missed);
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
