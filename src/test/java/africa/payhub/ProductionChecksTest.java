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
                .withProperty("hub.clients.acme-erp.secret", "s3cret-from-vault")
                .withProperty("hub.clients.acme-erp.callback-secret", "another-s3cret")
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
}
