package africa.payhub.provider;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import africa.payhub.config.ProviderDeclaration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A declaration lists its resources (the steps of a chain) in the order they run, so the file reads as the
 * chain does: an operation's needs are made in the order it lists them, each after its own needs, once
 * (as {@link Steps} makes them).
 */
class StepOrderTest {

    @Test
    void everyDeclarationListsItsStepsInTheOrderTheyRun() {
        List<String> wrong = new ArrayList<>();
        ProviderDeclaration.readAll(Path.of("").toAbsolutePath()).forEach((name, d) -> {
            List<String> listed = List.copyOf(d.resources().keySet());
            d.operations().forEach((operation, op) -> {
                Set<String> runs = new LinkedHashSet<>();
                op.needs().forEach(need -> run(d, need, runs));
                List<String> inFile = listed.stream().filter(runs::contains).toList();
                if (!inFile.equals(List.copyOf(runs))) {
                    wrong.add(name + " " + operation + " runs " + runs + " but lists them as " + inFile);
                }
            });
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void dollrsCollectionDetectsTheOperatorFirst() {
        ProviderDeclaration dollr = ProviderDeclaration.readAll(Path.of("").toAbsolutePath()).get("dollr");
        Set<String> runs = new LinkedHashSet<>();
        dollr.operations().get("COLLECTION").needs().forEach(need -> run(dollr, need, runs));
        assertThat(runs).containsExactly("operator", "party", "counterparty", "invoice", "invoice-items",
                "invoice-publish", "fees", "checkout-session", "collection-account");
    }

    private static void run(ProviderDeclaration d, String name, Set<String> runs) {
        if (runs.contains(name)) {
            return;
        }
        d.resources().get(name).needs().forEach(need -> run(d, need, runs));
        runs.add(name);
    }
}
