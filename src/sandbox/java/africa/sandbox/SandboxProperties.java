package africa.sandbox;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What all simulators share ({@code sandbox.*}): where the hub is (webhooks, partner calls), where state
 * that outlives a restart is kept, and the callback secrets the demo inbox checks signatures with.
 */
@ConfigurationProperties("sandbox")
public record SandboxProperties(
        @DefaultValue("http://localhost:8080") String hubBaseUrl,
        @DefaultValue("data/sandbox") String dataDirectory,
        @DefaultValue("demo-erp-callback-secret") List<String> callbackSecrets) {
}
