package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import africa.payhub.reload.HubCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline check ({@code scripts/check.sh}, run by CI before the tests) passes on the repository and, on a
 * copy of it with a broken declaration, route file, mapping and fixture, names each with its file and line.
 */
class HubCheckTest {

    @Test
    void theRepositoryPassesAndABrokenDeclarationRouteMappingAndFixtureAreEachFoundWithFileAndLine(@TempDir Path home)
            throws Exception {
        DeclarationSchemaTest.copyTree(Path.of("routes"), home.resolve("routes"));
        DeclarationSchemaTest.copyTree(Path.of("mappings"), home.resolve("mappings"));
        HubCheck clean = HubCheck.run(home);
        assertThat(clean.findings()).isEmpty();
        assertThat(clean.summary()).startsWith("5 declarations, ").endsWith("no problems");

        edit(home.resolve("routes/providers/connect/connect.provider.yaml"), "    lookupFirst: true", "    lookupFirst: yes please");
        edit(home.resolve("routes/core/housekeeping.camel.yaml"), "        - to: direct:housekeeping", "        - too: direct:housekeeping");
        edit(home.resolve("mappings/connect/lookup.response.jslt"), "  \"accountStatus\": .status,", "  \"accountStatus\": .status +,");
        edit(home.resolve("mappings/connect/fixtures/lookup/provider-request.json"), "}", "  , \"extra\": 1 }");

        HubCheck check = HubCheck.run(home);
        List<String> findings = check.findings();
        assertThat(findings).as(String.join("\n", findings))
                .anySatisfy(f -> assertThat(f).startsWith("routes/providers/connect/connect.provider.yaml:" + line(home,
                        "routes/providers/connect/connect.provider.yaml", "    lookupFirst: yes please") + ": /operations/PAYOUT/lookupFirst: string found, boolean expected"))
                .anySatisfy(f -> assertThat(f).startsWith("routes/core/housekeeping.camel.yaml:" + line(home,
                        "routes/core/housekeeping.camel.yaml", "        - too: direct:housekeeping") + ": ").contains("too"))
                .anySatisfy(f -> assertThat(f).startsWith("mappings/connect/lookup.response.jslt:" + line(home,
                        "mappings/connect/lookup.response.jslt", "  \"accountStatus\": .status +,") + ": Parse error: "))
                .anySatisfy(f -> assertThat(f).startsWith("mappings/connect/fixtures/lookup/provider-request.json:1: "
                        + "mappings/connect/lookup.request.jslt on canonical-in.json gives "));
        assertThat(check.summary()).endsWith(findings.size() + " problems");
    }

    /** In a checkout, the providers the tests define by files (src/test/resources/hub-home) are checked as well. */
    @Test
    void theCheckoutsTestProvidersAreCheckedToo() {
        HubCheck checkout = HubCheck.run(Path.of("."));
        assertThat(checkout.findings()).as(String.join("\n", checkout.findings())).isEmpty();
        assertThat(checkout.summary()).startsWith("6 declarations, ").endsWith("no problems");
    }

    private static void edit(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        assertThat(text).as(file + " has " + from).contains(from);
        int at = text.lastIndexOf(from);
        Files.writeString(file, text.substring(0, at) + to + text.substring(at + from.length()));
    }

    private static int line(Path home, String file, String line) throws Exception {
        return Files.readAllLines(home.resolve(file)).indexOf(line) + 1;
    }
}
