package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The wallet demo of docs/providers/waas.md, pasted as a newcomer would: its bash block run as it is (curl and jq) against
 * the hub. Skipped where bash, curl or jq are missing.
 */
class ReadmeDemoTest extends HubTestSupport {

    @Test
    void theWalletDemoWorksWhenPastedStepByStep() throws Exception {
        for (String tool : new String[] {"bash", "curl", "jq"}) {
            assumeTrue(new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0, tool + " is not installed");
        }
        // the provider-side resources made once (the hub's profile and client service) exist first, as on a
        // hub that has run before: the demo is about the wallets
        var open = africa.payhub.canonical.Json.object().put("messageId", messageId("demo-warm")).put("operation", "WALLET_OPEN")
                .put("provider", "waas").put("currency", "KES");
        open.set("customer", africa.payhub.canonical.Json.object().put("name", "Warm Up").put("email", "warm@example.com")
                .put("phone", "254700000001"));
        awaitStatus(submit(open).path("paymentId").asText(), "SUCCEEDED");
        String readme = Files.readString(Path.of("docs/providers/waas.md"));
        int start = readme.indexOf("HUB=http://localhost:8080; AUTH=demo-erp:demo-erp-secret");
        assertThat(start).as("the wallet demo's first line").isPositive();
        String script = readme.substring(start, readme.indexOf("```", start)).replace("http://localhost:8080", BASE);

        Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true).start();
        assertThat(bash.waitFor(120, TimeUnit.SECONDS)).as("the demo finished").isTrue();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.exitValue()).as(out).isZero();

        assertThat(out).doesNotContain("\"status\":\"FAILED\"").doesNotContain("NEEDS_REVIEW");
        assertThat(out.lines().filter(l -> l.contains("\"status\":\"SUCCEEDED\""))).hasSize(7);
        assertThat(out.lines().filter(l -> l.contains("\"status\":\"REVERSED\""))).hasSize(1);
        assertThat(out).containsPattern("Ama: \\S+, Kofi: \\S+");
        assertThat(out).contains("700.0000").contains("49.5000");
    }
}
