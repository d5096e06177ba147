import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import africa.payhub.HubApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Where the hub's start goes, by Spring's own startup steps: starts the hub (its arguments as given) with a
 * {@link BufferingApplicationStartup}, then prints the time to a started application, the slowest steps by their
 * own time (a step's duration less its sub-steps': a bean's creation without the beans it made on the way) and by
 * their whole duration, and exits. Run by {@code STEPS=1 scripts/startup.sh}, with the extracted jar's classes:
 * {@code java -cp app/payment-hub.jar:app/lib/* scripts/StartupSteps.java --hub.home=...}.
 */
public final class StartupSteps {

    public static void main(String[] args) {
        long began = System.nanoTime();
        BufferingApplicationStartup steps = new BufferingApplicationStartup(100_000);
        SpringApplication app = new SpringApplication(HubApplication.class);
        app.setApplicationStartup(steps);
        ConfigurableApplicationContext context = app.run(args);
        long startedMs = (System.nanoTime() - began) / 1_000_000;
        List<TimelineEvent> events = steps.getBufferedTimeline().getEvents();

        Map<Long, Long> childNanos = new HashMap<>();
        for (TimelineEvent e : events) {
            Long parent = e.getStartupStep().getParentId();
            if (parent != null) {
                childNanos.merge(parent, e.getDuration().toNanos(), Long::sum);
            }
        }
        System.out.printf("started (SpringApplication.run returned) after %d ms in this JVM, %d steps%n%n", startedMs,
                events.size());
        System.out.println("slowest steps by their own time (ms own / ms whole, step, tags):");
        events.stream()
                .sorted(Comparator.comparingLong((TimelineEvent e) -> own(e, childNanos)).reversed())
                .limit(40)
                .forEach(e -> System.out.printf("%6d / %6d  %s  %s%n", own(e, childNanos) / 1_000_000,
                        e.getDuration().toMillis(), e.getStartupStep().getName(), tags(e)));
        System.out.println();
        System.out.println("own time by step name (ms, count):");
        events.stream()
                .collect(Collectors.groupingBy(e -> e.getStartupStep().getName(),
                        Collectors.summingLong(e -> own(e, childNanos))))
                .entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("%6d  %s (%d)%n", e.getValue() / 1_000_000, e.getKey(),
                        events.stream().filter(x -> x.getStartupStep().getName().equals(e.getKey())).count()));
        context.close();
    }

    private static long own(TimelineEvent e, Map<Long, Long> childNanos) {
        return e.getDuration().toNanos() - childNanos.getOrDefault(e.getStartupStep().getId(), 0L);
    }

    private static String tags(TimelineEvent e) {
        StringBuilder b = new StringBuilder();
        e.getStartupStep().getTags().forEach(t -> b.append(t.getKey()).append('=').append(t.getValue()).append(' '));
        return b.toString().trim();
    }
}
