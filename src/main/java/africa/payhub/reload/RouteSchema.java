package africa.payhub.reload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import africa.payhub.config.SchemaCheck;

/**
 * Checks a route file against Camel's own YAML DSL JSON Schema ({@code schema/camelYamlDsl.json} in
 * camel-yaml-dsl, the schema Kaoto and the IDE plugins use), and reports each violation with its line, so
 * an integrator can fix a file from the log alone.
 */
public final class RouteSchema {

    public static final String RESOURCE = "/schema/camelYamlDsl.json";

    private RouteSchema() {
    }

    /** The problems in a route file's text, by line: YAML that does not parse, then schema violations. */
    public static List<SchemaCheck.Violation> check(String yaml) {
        return SchemaCheck.check(Schema.INSTANCE, yaml);
    }

    /** Camel's schema, read once when first needed (about a second: it describes every EIP and component). */
    private static final class Schema {
        static final JsonSchema INSTANCE = load();

        private static JsonSchema load() {
            // the schema annotates deprecated options; that is documentation, not a rule
            JsonMetaSchema draft4 = JsonMetaSchema.builder(JsonMetaSchema.getV4())
                    .keyword(new NonValidationKeyword("deprecated")).build();
            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
                    b -> b.metaSchema(draft4));
            try (InputStream in = RouteSchema.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " not found: is camel-yaml-dsl on the class path?");
                }
                JsonSchema schema = factory.getSchema(in, SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build());
                schema.initializeValidators();
                return schema;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
