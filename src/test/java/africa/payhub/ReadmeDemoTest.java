package africa.payhub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import africa.payhub.canonical.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The documents' shell examples pasted as a newcomer would: README's tour (every bash block of "A payout, end
 * to end" after the run command, in order, in one shell) and the wallet demo of docs/providers/waas.md, run as
 * they are (curl and jq) against the hub, with only the hub's address changed. Where bash, curl or jq are
 * missing the tests are skipped, except in CI, which installs them.
 */
class ReadmeDemoTest extends HubTestSupport {

    private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

    @BeforeEach
    void toolsArePresent() throws Exception {
        for (String tool : new String[] {"bash", "curl", "jq"}) {
            boolean present = new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
            if (System.getenv("CI") != null) {
                assertTrue(present, tool + " is not installed: CI installs it");
            }
            assumeTrue(present, tool + " is not installed");
        }
    }

    @Test
    void theReadmeTourWorksAsPasted() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("## A payout, end to end");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("the tour's heading").isPositive();
        List<String> blocks = new ArrayList<>();
        Matcher m = BASH_BLOCK.matcher(readme.substring(start, end));
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks.get(0)).as("the tour starts with how to run the hub").startsWith("./mvnw spring-boot:run");
        String script = String.join("\n", blocks.subList(1, blocks.size()));

        // as at Monnify, the sandbox holds transfers for an OTP (the suite turns that off; the tour shows it)
        post("/sandbox/monnify/_control/otp", "{\"required\": true}", null);
        String out;
        try {
            out = run("readme-tour", script);
        } finally {
            post("/sandbox/monnify/_control/otp", "{\"required\": false}", null);
        }
        List<String> lines = out.lines().toList();
        // held for the OTP, then released by it
        assertThat(lines).anyMatch(l -> l.contains("\"status\":\"PENDING\",\"reasonCode\":\"AWAITING_AUTHORIZATION\""));
        assertThat(lines).contains("{\"status\":\"SUCCEEDED\",\"reasonCode\":null}");
        assertThat(lines).contains("{\"signatureValid\":true,\"status\":\"SUCCEEDED\"}").noneMatch(l -> l.contains("\"signatureValid\":false"));
        // replay, conflict, then the broken message's every problem, and later the redelivery
        assertThat(lines.stream().filter(l -> l.matches("\\d{3}"))).containsExactly("200", "422", "202");
        assertThat(lines).anyMatch(l -> l.contains("\"field\":\"messageId\"")).anyMatch(l -> l.contains("\"field\":\"amount.value\""));
        // the webhook and the lost answer settled, the OTP nobody gave went to review and an operator failed it
        assertThat(lines.stream().filter(l -> l.startsWith("{\"paymentId\"") && l.contains("\"status\":\"SUCCEEDED\",\"reasonCode\":null"))).hasSize(2);
        assertThat(lines).anyMatch(l -> l.startsWith("{\"paymentId\"") && l.contains("\"status\":\"NEEDS_REVIEW\""));
        assertThat(lines).contains("{\"status\":\"FAILED\",\"reasonCode\":\"OPERATOR_DECISION\"}");
        // a receiver that is down: refused to the end of the ladder, then redelivered once it is back
        assertThat(lines).contains("{\"answered\":503,\"redelivery\":null,\"currentStatus\":null}")
                .contains("{\"answered\":200,\"redelivery\":true,\"currentStatus\":\"FAILED\"}");
    }

    @Test
    void theWalletDemoWorksWhenPastedStepByStep() throws Exception {
        // the provider-side resources made once (the hub's profile and client service) exist first, as on a
        // hub that has run before: the demo is about the wallets
        var open = Json.object().put("messageId", messageId("demo-warm")).put("operation", "WALLET_OPEN")
                .put("provider", "waas").put("currency", "KES");
        open.set("customer", Json.object().put("name", "Warm Up").put("email", "warm@example.com")
                .put("phone", "254700000001"));
        awaitStatus(submit(open).path("paymentId").asText(), "SUCCEEDED");
        String page = Files.readString(Path.of("docs/providers/waas.md"));
        int start = page.indexOf("HUB=http://localhost:8080; AUTH=demo-erp:demo-erp-secret");
        assertThat(start).as("the wallet demo's first line").isPositive();
        String out = run("wallet-demo", page.substring(start, page.indexOf("```", start)));

        assertThat(out).doesNotContain("\"status\":\"FAILED\"").doesNotContain("NEEDS_REVIEW");
        assertThat(out.lines().filter(l -> l.contains("\"status\":\"SUCCEEDED\""))).hasSize(7);
        assertThat(out.lines().filter(l -> l.contains("\"status\":\"REVERSED\""))).hasSize(1);
        assertThat(out).containsPattern("Ama: \\S+, Kofi: \\S+");
        assertThat(out).contains("700.0000").contains("49.5000");
    }

    /** Runs a pasted script in bash (-euo pipefail) against this hub; its output, stdout and stderr together (kept in target/). */
    private static String run(String name, String script) throws Exception {
        Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script.replace("http://localhost:8080", BASE))
                .redirectErrorStream(true).start();
        boolean finished = bash.waitFor(120, TimeUnit.SECONDS);
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            bash.destroyForcibly();
        }
        Files.writeString(Path.of("target", name + ".out"), out);
        assertThat(finished).as("the script finished: " + out).isTrue();
        assertThat(bash.exitValue()).as(out).isZero();
        return out;
    }
}
