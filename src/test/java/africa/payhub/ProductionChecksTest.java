package africa.payhub;

import java.util.List;
import java.util.stream.Stream;

import africa.payhub.config.ProductionChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The prod profile refuses to start without an external database, credentials and a client, and on any weak
 * setting, naming it: each weak setting is tried alone on an otherwise sound production configuration.
 */
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
        MockEnvironment env = sound();
        assertThat(ProductionChecks.check(env)).isEmpty();

        env.setProperty("hub.clients.acme-erp.callback-secret", "");
        env.setProperty("hub.sandbox.enabled", "true");
        List<String> problems = ProductionChecks.check(env);
        assertThat(problems).anyMatch(p -> p.contains("hub.clients.acme-erp.callback-secret"))
                .anyMatch(p -> p.contains("hub.sandbox.enabled"));
    }

    /** Each weak setting, the one change to a sound configuration, and what the refusal says. */
    static Stream<Arguments> weakSettings() {
        return Stream.of(
                // provider and partner passwords
                Arguments.of("hub.providers.connect.password", "x", "hub.providers.connect.password is shorter than 8 characters"),
                Arguments.of("hub.providers.connect.partner-password", "x",
                        "hub.providers.connect.partner-password is shorter than 32 characters"),
                Arguments.of("hub.providers.dollr.passcode", "0000", "hub.providers.dollr.passcode repeats a shorter string"),
                Arguments.of("hub.providers.monnify.secret-key", "ABCDABCDABCDABCDABCDABCDABCDABCD",
                        "hub.providers.monnify.secret-key repeats a shorter string"),
                // client, callback and operator secrets: length, repetition, a simple entropy estimate
                Arguments.of("hub.clients.acme-erp.secret", "a".repeat(32), "hub.clients.acme-erp.secret repeats a shorter string"),
                Arguments.of("hub.clients.acme-erp.secret", "short-secret", "hub.clients.acme-erp.secret is shorter than 32 characters"),
                Arguments.of("hub.clients.acme-erp.next-secret", "a".repeat(31) + "b",
                        "hub.clients.acme-erp.next-secret looks too simple"),
                Arguments.of("hub.clients.acme-erp.callback-secret", "0101010101010101010101010101010123",
                        "hub.clients.acme-erp.callback-secret looks too simple"),
                Arguments.of("hub.operators.root.secret", "x", "hub.operators.root.secret is shorter than 32 characters"),
                // an HMAC key is never a hash
                Arguments.of("hub.clients.acme-erp.callback-secret", "{bcrypt}x",
                        "hub.clients.acme-erp.callback-secret must be the secret itself, not a {bcrypt} hash"),
                // BCrypt: a cost floor for configured hashes and for the hub's own
                Arguments.of("hub.operators.root.secret", "{bcrypt}$2a$04$ngCGVrJFsEKtOLgiatdfSOGxi3Bj6RrwjirQO/M.zhEF/4R3MkZze",
                        "hub.operators.root.secret is a BCrypt hash of cost 4; production needs a cost of at least 10"),
                Arguments.of("hub.clients.acme-erp.secret", "{bcrypt}$2a$10$tooShort",
                        "hub.clients.acme-erp.secret is not a BCrypt hash"),
                Arguments.of("hub.security.bcrypt-strength", "4", "hub.security.bcrypt-strength is 4; production needs at least 10"),
                // failed logins that never lock out
                Arguments.of("hub.limits.failed-logins", "1000000", "hub.limits.failed-logins is 1000000; production needs 1 to 100"),
                Arguments.of("hub.limits.failed-logins-per-address", "0", "hub.limits.failed-logins-per-address is 0"),
                // protections that stay on
                Arguments.of("hub.callbacks.require-https", "false", "hub.callbacks.require-https cannot be switched off in production"),
                Arguments.of("hub.clients.acme-erp.callback-allow-private", "true",
                        "hub.clients.acme-erp.callback-allow-private cannot be switched on in production"),
                Arguments.of("hub.database.require-durable", "false", "hub.database.require-durable cannot be switched off in production"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("weakSettings")
    void eachWeakSettingAloneIsRefusedByName(String key, String value, String refusal) {
        MockEnvironment env = sound();
        env.setProperty(key, value);
        List<String> problems = ProductionChecks.check(env);
        assertThat(problems).as("the refusals of " + key + "=" + value).hasSize(1);
        assertThat(problems.get(0)).startsWith(refusal);
        if (key.matches(".*(secret|password|passcode).*")) {
            // the refusal names the setting, never its value (nor any piece of it longer than a character)
            assertThat(problems.get(0).substring(key.length())).doesNotContain(value.length() > 1 ? value.substring(1) : "=" + value);
        }
    }

    @Test
    void weakSettingsStopTheStartNamingEach() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(HubApplication.class).profiles("prod")
                .properties("server.port=0").run("--hub.demo.enabled=true", "--hub.clients.acme-erp.secret=" + "a".repeat(32),
                        "--hub.clients.acme-erp.callback-secret={bcrypt}x", "--hub.security.bcrypt-strength=4",
                        "--hub.limits.failed-logins=1000000", "--hub.callbacks.require-https=false",
                        "--hub.clients.acme-erp.callback-allow-private=true", "--hub.database.require-durable=false",
                        "--hub.providers.connect.password=x", "--hub.providers.connect.partner-password=x",
                        "--hub.operators.root.secret={bcrypt}$2a$04$ngCGVrJFsEKtOLgiatdfSOGxi3Bj6RrwjirQO/M.zhEF/4R3MkZze"))
                .hasMessageContaining("The prod profile refuses to start")
                .hasMessageContaining("hub.demo.enabled must be false")
                .hasMessageContaining("hub.clients.acme-erp.secret repeats a shorter string")
                .hasMessageContaining("hub.clients.acme-erp.callback-secret must be the secret itself")
                .hasMessageContaining("hub.security.bcrypt-strength is 4")
                .hasMessageContaining("hub.limits.failed-logins is 1000000")
                .hasMessageContaining("hub.callbacks.require-https cannot be switched off")
                .hasMessageContaining("hub.clients.acme-erp.callback-allow-private cannot be switched on")
                .hasMessageContaining("hub.database.require-durable cannot be switched off")
                .hasMessageContaining("hub.providers.connect.password is shorter than 8 characters")
                .hasMessageContaining("hub.providers.connect.partner-password is shorter than 32 characters")
                .hasMessageContaining("hub.operators.root.secret is a BCrypt hash of cost 4")
                .hasMessageNotContaining("a".repeat(32))
                .hasMessageNotContaining("ngCGVrJFsEKtOLgiatdf");
    }

    @Test
    void prodRefusesTheDemoShortSecretsAndAMissingWebhookAllowList() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/hub")
                .withProperty("hub.demo.enabled", "true")
                .withProperty("hub.clients.acme-erp.secret", "x")
                .withProperty("hub.clients.acme-erp.next-secret",
                        "{bcrypt}$2a$10$eHSYvscR/0rW5fW84klhuO6f0SPKoCPnuYjl4SUZubTJA7KpO46pC")
                .withProperty("hub.clients.acme-erp.callback-secret", "short-callback-secret")
                .withProperty("hub.clients.acme-erp.callback-url", "http://erp.example.com/hooks")
                .withProperty("hub.operators.root.secret", "ops")
                .withProperty("hub.providers.monnify.base-url", "https://api.monnify.com")
                .withProperty("hub.providers.monnify.api-key", "MK_PROD_WTZLS10MX6")
                .withProperty("hub.providers.monnify.secret-key", "4SY6TNL8CK3VDRSBKYHTVJJZR7PV5A5C")
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

    /** A production configuration with every provider on and nothing weak. */
    private static MockEnvironment sound() {
        return new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://db:5432/hub")
                .withProperty("hub.database.embedded", "false")
                .withProperty("hub.sandbox.enabled", "false")
                .withProperty("hub.clients.acme-erp.secret", "s3cret-from-vault-0123456789abcdef")
                .withProperty("hub.clients.acme-erp.callback-secret", "another-s3cret-0123456789abcdefgh")
                .withProperty("hub.operators.root.secret",
                        "{bcrypt}$2a$10$eHSYvscR/0rW5fW84klhuO6f0SPKoCPnuYjl4SUZubTJA7KpO46pC")
                .withProperty("hub.webhooks.monnify.allowed-ips", "35.242.133.146")
                .withProperty("hub.providers.monnify.base-url", "https://api.monnify.com")
                .withProperty("hub.providers.monnify.api-key", "MK_PROD_WTZLS10MX6")
                .withProperty("hub.providers.monnify.secret-key", "4SY6TNL8CK3VDRSBKYHTVJJZR7PV5A5C")
                .withProperty("hub.providers.monnify.contract-code", "123")
                .withProperty("hub.providers.monnify.source-account-number", "3934178936")
                .withProperty("hub.providers.waas.base-url", "https://wallets.example.com")
                .withProperty("hub.providers.waas.username", "hub")
                .withProperty("hub.providers.waas.password", "Wq7-pL2x9Rt")
                .withProperty("hub.providers.connect.base-url", "https://connect.example.com")
                .withProperty("hub.providers.connect.username", "hub")
                .withProperty("hub.providers.connect.password", "c0nnect-Issued-77")
                .withProperty("hub.providers.connect.partner-username", "connect-partner")
                .withProperty("hub.providers.connect.partner-password", "Zt4q9wXk2LmN7vBr8sJd3FhY6cGp1aQe")
                .withProperty("hub.providers.dollr.base-url", "https://api.heydollr.app")
                .withProperty("hub.providers.dollr.client-id", "hub-client")
                .withProperty("hub.providers.dollr.client-secret", "dollr-issued-S3cr3t")
                .withProperty("hub.providers.dollr.passcode", "482913")
                .withProperty("hub.providers.dollr.passcode-phone", "231770009999")
                .withProperty("hub.providers.stub.base-url", "https://connect.stub.example.com")
                .withProperty("hub.providers.stub.apikey", "sk_live_4f9a8b7c6d")
                .withProperty("hub.providers.stub.appid", "app-9f8e7d6c")
                .withProperty("hub.providers.stub.webhook-url", "https://hub.example.com/webhooks/stub");
    }
}
