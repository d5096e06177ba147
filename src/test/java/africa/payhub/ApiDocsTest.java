package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract the hub publishes matches the API it serves. */
class ApiDocsTest extends HubTestSupport {

    @Autowired
    CamelContext camel;

    @Test
    void theOpenApiDocumentDescribesEveryRestOperation() {
        Response r = get("/api/v1/openapi.json", null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        List<String> documented = new ArrayList<>();
        doc.path("paths").forEach(path -> path.forEach(op -> documented.add(op.path("operationId").asText())));

        List<String> served = new ArrayList<>();
        for (RestDefinition rest : camel.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                served.add(verb.getId());
            }
        }
        assertThat(served).isNotEmpty();
        assertThat(documented).containsAll(served);
    }

    @Test
    void theCanonicalMessageSchemaIsServedAsInTheRepository() throws Exception {
        Response r = get("/api/v1/schema/payment-message.json", null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode file = Json.parse(Files.readAllBytes(Path.of("src/main/resources/schema/payment-message.json")));
        assertThat(r.json()).isEqualTo(file);
        assertThat(r.json().at("/$defs/MessageId/pattern").asText()).isEqualTo("^[A-Za-z0-9._:-]{1,64}$");
    }

    @Test
    void theProviderDeclarationSchemaIsServedAsInTheRepository() throws Exception {
        Response r = get("/api/v1/schema/provider-declaration.json", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/schema+json");
        JsonNode file = Json.parse(Files.readAllBytes(Path.of("src/main/resources/schema/provider-declaration.schema.json")));
        assertThat(r.json()).isEqualTo(file);
        assertThat(r.json().at("/$defs/Resource/properties/scope/enum").toString()).isEqualTo("[\"hub\",\"client\",\"payment\",\"call\"]");
    }

    @Test
    void healthIsPublicAndTellsTheDatabaseIsUp() {
        Response r = get("/actuator/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("UP");
        assertThat(r.json().path("components").path("db").path("status").asText()).isEqualTo("UP");
    }
}
