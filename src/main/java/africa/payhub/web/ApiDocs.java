package africa.payhub.web;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import africa.payhub.canonical.CanonicalValidator;
import africa.payhub.canonical.Json;
import africa.payhub.config.DeclarationSchema;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Serves the OpenAPI document (written as YAML in the repo, served as JSON) and the JSON Schemas of the message, the
 * data request and the provider declaration.
 */
@Component("apiDocs")
public class ApiDocs {

    public static final String OPENAPI_RESOURCE = "/openapi/payment-hub.yaml";

    private final String openApi;
    private final String schema;
    private final String dataRequestSchema;

    public ApiDocs() throws IOException {
        try (InputStream in = getClass().getResourceAsStream(OPENAPI_RESOURCE)) {
            JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(in);
            this.openApi = Json.write(doc);
        }
        try (InputStream in = getClass().getResourceAsStream(CanonicalValidator.SCHEMA_RESOURCE)) {
            this.schema = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        try (InputStream in = getClass().getResourceAsStream(DataRequestApi.SCHEMA_RESOURCE)) {
            this.dataRequestSchema = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public void openApi(Exchange exchange) {
        write(exchange, openApi, "application/json");
    }

    /** As {@code application/schema+json}, or as {@code application/json} to a caller that asks only for that. */
    public void paymentMessageSchema(Exchange exchange) {
        String accept = exchange.getMessage().getHeader("Accept", String.class);
        boolean plainJson = accept != null && accept.contains("application/json") && !accept.contains("schema+json");
        write(exchange, schema, plainJson ? "application/json" : "application/schema+json");
    }

    public void dataRequestSchema(Exchange exchange) {
        write(exchange, dataRequestSchema, "application/schema+json");
    }

    /** The provider declaration language's schema, as in the repository ({@link DeclarationSchema#RESOURCE}). */
    public void providerDeclarationSchema(Exchange exchange) {
        write(exchange, DeclarationSchema.text(), "application/schema+json");
    }

    private static void write(Exchange exchange, String body, String type) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, type);
        exchange.getMessage().setBody(body);
    }
}
