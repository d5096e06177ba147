package africa.payhub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README is the front door and docs/ the house: every relative link in README.md and docs/ leads to a file
 * that exists, and every #anchor to a heading of that file (as GitHub makes anchors of headings).
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]*)(#[^)\\s]*)?\\)");
    private static final Pattern HEADING = Pattern.compile("^#+\\s+(.*)$");

    @Test
    void everyLinkOfReadmeAndDocsLeadsToAFileAndHeadingThatExist() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                String anchor = m.group(2);
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                Path file = target.isEmpty() ? page : page.resolveSibling(target).normalize();
                if (!Files.exists(file)) {
                    broken.add(page + ": no file " + target);
                } else if (anchor != null && file.toString().endsWith(".md") && !anchors(file).contains(anchor.substring(1))) {
                    broken.add(page + ": no heading " + target + anchor);
                }
            }
        }
        assertThat(broken).isEmpty();
        assertThat(Files.readAllLines(Path.of("README.md"))).as("README stays a front door").hasSizeLessThan(400);
    }

    private static Set<String> anchors(Path file) {
        Set<String> anchors = new HashSet<>();
        boolean fence = false;
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("```")) {
                    fence = !fence;
                }
                Matcher h = HEADING.matcher(line);
                if (!fence && h.matches()) {
                    anchors.add(h.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return anchors;
    }
}
