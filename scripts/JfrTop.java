import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a flight recording's CPU samples go (jdk.ExecutionSample), a single-file program:
 * {@code java scripts/JfrTop.java target/bench/hub.jfr [--from <epoch ms> --to <epoch ms>] [--top 25] [--match africa.payhub.]}.
 * Prints the samples by thread kind (a thread's name without its numbers), the methods on top of the stack
 * (self), and the methods anywhere on it whose class starts with one of the {@code --match} prefixes
 * (inclusive: a sample counts once per method), each as a share of all samples in the window.
 * scripts/bench.sh writes each run's span to target/bench/runs.txt ({@code <run> <from> <to>}).
 */
public class JfrTop {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long from = Long.MIN_VALUE, to = Long.MAX_VALUE;
        int top = 25;
        List<String> match = new java.util.ArrayList<>();
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--from" -> from = Long.parseLong(args[i + 1]);
                case "--to" -> to = Long.parseLong(args[i + 1]);
                case "--top" -> top = Integer.parseInt(args[i + 1]);
                case "--match" -> match.add(args[i + 1]);
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        if (match.isEmpty()) {
            match.add("africa.payhub.");
        }
        Map<String, Integer> threads = new HashMap<>(), self = new HashMap<>(), inclusive = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            long at = e.getStartTime().toEpochMilli();
            if (at < from || at > to || e.getStackTrace() == null) {
                continue;
            }
            total++;
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : thread.replaceAll("[0-9]+", "#"), 1, Integer::sum);
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (match.stream().anyMatch(n::startsWith) && seen.add(n)) {
                    inclusive.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.printf("%d CPU samples%s%n", total,
                from == Long.MIN_VALUE ? "" : " from " + Instant.ofEpochMilli(from) + " to " + Instant.ofEpochMilli(to));
        print("by thread", threads, total, top);
        print("self (top of the stack)", self, total, top);
        print("inclusive, " + match, inclusive, total, top);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int total, int top) {
        System.out.println();
        System.out.println("## " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(c -> System.out.printf("%5.1f%%  %6d  %s%n", 100.0 * c.getValue() / Math.max(total, 1), c.getValue(), c.getKey()));
    }
}
