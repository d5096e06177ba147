package africa.payhub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.reload.RouteSchema;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The integrator's surface: every route file in the repository loads and is named after its file, and
 * edits to routes and mappings take effect without a restart, while a broken file never takes a flow down.
 */
class RouteFilesTest extends HubTestSupport {

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate template;

    @Test
    void everyRouteFileLoadsAndItsRoutesAreNamedAfterIt() throws Exception {
        List<Path> files = routeFiles();
        List<Path> templates = new ArrayList<>();
        for (Path f : files) {
            if (Files.readString(f).contains("- routeTemplate:")) {
                templates.add(f);
            }
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString().replace(".camel.yaml", "");
            try (DefaultCamelContext scratch = new DefaultCamelContext()) {
                for (Path t : templates) {
                    if (!t.equals(file)) {
                        PluginHelper.getRoutesLoader(scratch).loadRoutes(ResourceHelper.fromString("file:" + t, Files.readString(t)));
                    }
                }
                int before = ((ModelCamelContext) scratch).getRouteDefinitions().size();
                PluginHelper.getRoutesLoader(scratch).loadRoutes(ResourceHelper.fromString("file:" + file, Files.readString(file)));
                List<RouteDefinition> routes = ((ModelCamelContext) scratch).getRouteDefinitions().stream()
                        .skip(before).filter(r -> !Boolean.TRUE.equals(r.isRest())).toList();
                for (RouteDefinition r : routes) {
                    boolean named = routes.size() == 1 ? name.equals(r.getRouteId()) : r.getRouteId().startsWith(name);
                    if (!named) {
                        problems.add(file + ": route id '" + r.getRouteId() + "' should be (or start with) '" + name + "'");
                    }
                }
            } catch (Exception e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * What Kaoto and the IDE plugins check: every route file matches Camel's own YAML DSL JSON Schema. A failure
     * lists every violation as {@code routes/<file> line N: <where>: <what> (schema <rule>)}.
     */
    @Test
    void everyRouteFileMatchesCamelsYamlDslSchema() throws Exception {
        List<Path> files = routeFiles();
        List<String> violations = new ArrayList<>();
        for (Path file : files) {
            RouteSchema.check(Files.readString(file)).forEach(v -> violations.add(file + " " + v));
        }
        assertThat(violations).as("route files that do not match Camel's YAML DSL schema").isEmpty();
    }

    @Test
    void aBrokenFileIsReportedWithItsLineWhenSavedAndTheHubIsDegradedUntilItIsFixed() throws Exception {
        // neither file is used by a payment while this runs: the report comes from the save alone
        Path mapping = HOME.resolve("mappings/connect/lookup.response.jslt");
        String original = Files.readString(mapping);
        Path route = HOME.resolve("routes/core/health-probe.camel.yaml");
        assertThat(health().path("status").asText()).isEqualTo("UP");
        try {
            Files.writeString(mapping, "// line 1\n{\n  \"name\": .accountName,\n  \"bank\": .bank +\n}\n");
            Files.writeString(route, """
                    - route:
                        id: health-probe
                        from:
                          uri: direct:health-probe
                          steps:
                            - setBodyTypo:
                                constant: "broken"
                    """);
            await().untilAsserted(() -> {
                Response r = get("/actuator/health", OPERATOR);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json().path("status").asText()).isEqualTo("DEGRADED");
                assertThat(r.json().path("components").path("hubFiles").path("status").asText()).isEqualTo("DEGRADED");
                assertThat(brokenFiles()).hasEntrySatisfying("mappings/connect/lookup.response.jslt",
                                e -> assertThat(e).startsWith("line 5,"))
                        .hasEntrySatisfying("routes/core/health-probe.camel.yaml",
                                e -> assertThat(e).startsWith("line 6: ").contains("setBodyTypo"));
            });
        } finally {
            Files.writeString(mapping, original);
            Files.writeString(route, probeRoute("v1").replace("reload-probe", "health-probe"));
        }
        await().untilAsserted(() -> {
            assertThat(brokenFiles()).isEmpty();
            assertThat(health().path("status").asText()).isEqualTo("UP");
        });
        Files.delete(route);
    }

    @Test
    void anEditedRouteTakesEffectWithoutARestartAndABrokenOneKeepsThePreviousVersion() throws Exception {
        Path probe = HOME.resolve("routes/core/reload-probe.camel.yaml");
        try {
            Files.writeString(probe, probeRoute("v1"));
            await().untilAsserted(() -> assertThat(callProbe()).isEqualTo("v1"));

            Files.writeString(probe, probeRoute("v2"));
            await().untilAsserted(() -> assertThat(callProbe()).isEqualTo("v2"));

            Files.writeString(probe, probeRoute("v3").replace("setBody", "setBodyTypo"));
            await().untilAsserted(() -> assertThat(brokenFiles()).containsKey("routes/core/reload-probe.camel.yaml"));
            assertThat(callProbe()).isEqualTo("v2");

            Files.writeString(probe, probeRoute("v4"));
            await().untilAsserted(() -> assertThat(callProbe()).isEqualTo("v4"));
            assertThat(brokenFiles()).doesNotContainKey("routes/core/reload-probe.camel.yaml");
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    @Test
    void anEditedMappingTakesEffectWithoutARestartAndABrokenOneKeepsThePreviousVersion() throws Exception {
        Path mapping = HOME.resolve("mappings/monnify/payout.request.jslt");
        String original = Files.readString(mapping);
        try {
            Files.writeString(mapping, original.replace("\"narration\": if (.message.narration) .message.narration",
                    "\"narration\": if (.message.narration) \"[edited] \" + .message.narration"));
            await().untilAsserted(() -> assertThat(narrationSent()).startsWith("[edited] "));

            Files.writeString(mapping, original + "\n this is not JSLT {{{");
            await().untilAsserted(() -> {
                // payments keep flowing on the previous version while the broken file is reported
                assertThat(narrationSent()).startsWith("[edited] ");
                assertThat(brokenFiles()).containsKey("mappings/monnify/payout.request.jslt");
            });
        } finally {
            Files.writeString(mapping, original);
        }
        await().untilAsserted(() -> assertThat(narrationSent()).isEqualTo("November salary"));
        assertThat(brokenFiles()).doesNotContainKey("mappings/monnify/payout.request.jslt");
    }

    private String narrationSent() {
        String id = submitPayout();
        awaitStatus(id, "SUCCEEDED");
        return requestBody(id).path("narration").asText();
    }

    private static String submitPayout() {
        return submit(payout(messageId("mapping"), "2085886393", "1.00")).path("paymentId").asText();
    }

    private static JsonNode requestBody(String id) {
        for (JsonNode e : timeline(id).path("events")) {
            if (e.path("type").asText().equals("PROVIDER_REQUEST") && e.path("detail").path("method").asText().equals("POST")) {
                return e.path("detail").path("body");
            }
        }
        throw new AssertionError("no request for " + id);
    }

    private String callProbe() {
        try {
            return template.requestBody("direct:reload-probe", "", String.class);
        } catch (Exception e) {
            return "not loaded: " + e.getMessage();
        }
    }

    /**
     * A provider declaration is checked and compiled when saved: a broken one is reported with its file, line and
     * rule, the hub is DEGRADED and the previous version keeps carrying payments; a good one takes effect without
     * a restart (here: a status query taken out of the declaration takes its route away, and put back, back).
     */
    @Test
    void aDeclarationBrokenOnSaveIsReportedWithItsLineThePreviousServesAndAFixedOneTakesEffect() throws Exception {
        Path declaration = HOME.resolve("routes/providers/acme/acme.provider.yaml");
        String file = "routes/providers/acme/acme.provider.yaml";
        String original = Files.readString(declaration);
        List<String> lines = original.lines().toList();
        int keyLine = lines.indexOf("    key: .result.accountReference") + 1;
        assertThat(keyLine).isPositive();
        String status = "    status:\n      request: payout-status.request\n      response: payout-status.response\n";
        assertThat(original).contains(status);
        assertThat(camel.getRoute("acme-payout-status")).isNotNull();
        try {
            Files.writeString(declaration, original.replace("    key: .result.accountReference", "    key: .result.accountReference +")
                    .replaceFirst("    scope: payment\n", "    scope: payments\n"));
            await().untilAsserted(() -> {
                assertThat(health().path("status").asText()).isEqualTo("DEGRADED");
                assertThat(brokenFiles()).hasEntrySatisfying(file, e -> assertThat(e)
                        .contains("/resources/transaction/scope: does not have a value in the enumeration")
                        .contains("(schema /properties/resources/additionalProperties/$ref/properties/scope/enum)"));
            });
            Files.writeString(declaration, original.replace("    key: .result.accountReference", "    key: .result.accountReference +"));
            await().untilAsserted(() -> assertThat(brokenFiles()).hasEntrySatisfying(file, e -> assertThat(e)
                    .startsWith("line " + keyLine + ": /records/reserved-account/key: the JSLT expression '.result.accountReference +'"
                            + " does not compile, line 1, column ")));
            // the previous version serves: a payout through acme is carried as before
            ObjectNode message = payout(messageId("acme-broken"), "2085886393", "75.00");
            message.put("provider", "acme");
            awaitStatus(submit(message).path("paymentId").asText(), "SUCCEEDED");

            Files.writeString(declaration, original.replaceFirst(java.util.regex.Pattern.quote(status), ""));
            await().untilAsserted(() -> assertThat(camel.getRoute("acme-payout-status")).isNull());
            assertThat(brokenFiles()).doesNotContainKey(file);
            assertThat(camel.getRoute("acme-payout")).as("the routes that did not change keep running").isNotNull();
        } finally {
            Files.writeString(declaration, original);
        }
        await().untilAsserted(() -> assertThat(camel.getRoute("acme-payout-status")).isNotNull());
        await().untilAsserted(() -> assertThat(health().path("status").asText()).isEqualTo("UP"));
    }

    /** The route files in the repository (not the scratch copy the hub runs on). */
    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("routes"))) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
            assertThat(files).isNotEmpty();
            return files;
        }
    }

    private static JsonNode health() {
        return get("/actuator/health", OPERATOR).json();
    }

    private static java.util.Map<String, String> brokenFiles() {
        JsonNode broken = health().path("components").path("hubFiles").path("details").path("brokenFiles");
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        broken.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String probeRoute(String answer) {
        return """
                - route:
                    id: reload-probe
                    from:
                      uri: direct:reload-probe
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(answer);
    }

}
