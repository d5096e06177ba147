package africa.payhub;

import java.util.List;

import africa.payhub.config.ProductionChecks;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The prod profile refuses to start without an external database, credentials and a client. */
class ProductionChecksTest {

    @Test
    void prodWithoutConfigurationRefusesToStartAndSaysWhy() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(HubApplication.class).profiles("prod")
                .properties("server.port=0").run())
                .hasMessageContaining("The prod profile refuses to start")
                .hasMessageContaining("spring.datasource.url")
                .hasMessageContaining("no enterprise client configured")
                .hasMessageContaining("hub.providers.monnify.secret-key");
    }

    @Test
    void aCompleteProductionConfigurationPasses() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/hub")
                .withProperty("hub.database.embedded", "false")
                .withProperty("hub.sandbox.enabled", "false")
                .withProperty("hub.clients.acme-erp.secret", "s3cret-from-vault-0123456789abcdef")
                .withProperty("hub.clients.acme-erp.callback-secret", "another-s3cret-0123456789abcdefgh")
                .withProperty("hub.webhooks.monnify.allowed-ips", "35.242.133.146")
                .withProperty("hub.providers.monnify.base-url", "https://api.monnify.com")
                .withProperty("hub.providers.monnify.api-key", "MK_PROD_X")
                .withProperty("hub.providers.monnify.secret-key", "secret")
                .withProperty("hub.providers.monnify.contract-code", "123")
                .withProperty("hub.providers.monnify.source-account-number", "3934178936")
                .withProperty("hub.providers.waas.enabled", "false")
                .withProperty("hub.providers.connect.enabled", "false")
                .withProperty("hub.providers.dollr.enabled", "false")
                .withProperty("hub.providers.stub.enabled", "false");
        assertThat(ProductionChecks.check(env)).isEmpty();

        env.setProperty("hub.clients.acme-erp.callback-secret", "");
        env.setProperty("hub.sandbox.enabled", "true");
        List<String> problems = ProductionChecks.check(env);
        assertThat(problems).anyMatch(p -> p.contains("hub.clients.acme-erp.callback-secret"))
                .anyMatch(p -> p.contains("hub.sandbox.enabled"));
    }

    @Test
    void prodRefusesTheDemoShortSecretsAndAMissingWebhookAllowList() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/hub")
                .withProperty("hub.demo.enabled", "true")
                .withProperty("hub.clients.acme-erp.secret", "x")
                .withProperty("hub.clients.acme-erp.next-secret", "{bcrypt}$2a$10$abcdefghijklmnopqrstuv")
                .withProperty("hub.clients.acme-erp.callback-secret", "short-callback-secret")
                .withProperty("hub.clients.acme-erp.callback-url", "http://erp.example.com/hooks")
                .withProperty("hub.operators.root.secret", "ops")
                .withProperty("hub.providers.monnify.base-url", "https://api.monnify.com")
                .withProperty("hub.providers.monnify.api-key", "MK_PROD_X")
                .withProperty("hub.providers.monnify.secret-key", "secret")
                .withProperty("hub.providers.monnify.contract-code", "123")
                .withProperty("hub.providers.monnify.source-account-number", "3934178936")
                .withProperty("hub.providers.waas.enabled", "false")
                .withProperty("hub.providers.connect.enabled", "false");
        List<String> problems = ProductionChecks.check(env);
        assertThat(problems)
                .anyMatch(p -> p.startsWith("hub.demo.enabled must be false"))
                .anyMatch(p -> p.equals("hub.clients.acme-erp.secret is shorter than 32 characters"))
                .anyMatch(p -> p.equals("hub.clients.acme-erp.callback-secret is shorter than 32 characters"))
                .anyMatch(p -> p.equals("hub.operators.root.secret is shorter than 32 characters"))
                .anyMatch(p -> p.equals("hub.clients.acme-erp.callback-url must be https in production"))
                .anyMatch(p -> p.startsWith("hub.webhooks.monnify.allowed-ips is not set"))
                .noneMatch(p -> p.contains("next-secret"));
        // nor does the whole application start that way
        assertThatThrownBy(() -> new SpringApplicationBuilder(HubApplication.class).profiles("prod")
                .properties("server.port=0").run("--hub.demo.enabled=true", "--hub.clients.acme-erp.secret=x"))
                .hasMessageContaining("hub.demo.enabled must be false")
                .hasMessageContaining("hub.clients.acme-erp.secret is shorter than 32 characters");
    }
}
