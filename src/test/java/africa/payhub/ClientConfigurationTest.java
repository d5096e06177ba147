package africa.payhub;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client's configuration is whole or the hub does not start: settings given for the built-in demo client
 * are laid over its own (the test profile sets only {@code hub.clients.demo-erp.callback-allow-private}, and
 * every test logs in as demo-erp with its built-in secret), and a client left without a secret refuses the
 * start, naming it, rather than being dropped with a warning.
 */
class ClientConfigurationTest extends HubTestSupport {

    @Autowired
    Environment environment;

    @Test
    void aPartialConfigurationOfTheDemoClientKeepsItsBuiltInSecret() {
        assertThat(environment.getProperty("hub.clients.demo-erp.callback-allow-private")).isEqualTo("true");
        assertThat(environment.getProperty("hub.clients.demo-erp.secret")).isNull();
        Response r = get("/api/v1/payments?messageId=x", CLIENT);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(get("/api/v1/payments?messageId=x", "demo-erp:anything-else").status()).isEqualTo(401);
    }

    @Test
    void aClientOrOperatorWithoutASecretRefusesTheStartNamingIt() {
        assertThatThrownBy(() -> start("--hub.clients.half-erp.callback-allow-private=true"))
                .hasMessageContaining("The hub refuses to start")
                .hasMessageContaining("hub.clients.half-erp.secret is not set");
        assertThatThrownBy(() -> start("--hub.clients.list-erp.source-accounts=3934178936"))
                .hasMessageContaining("hub.clients.list-erp.secret is not set");
        // without the demo, a partial demo client is such a client
        assertThatThrownBy(() -> start("--hub.demo.enabled=false", "--hub.clients.demo-erp.callback-allow-private=true",
                "--hub.clients.acme-erp.secret=acme-erp-secret"))
                .hasMessageContaining("hub.clients.demo-erp.secret is not set")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("acme-erp"));
        assertThatThrownBy(() -> start("--hub.operators.night-shift.secret="))
                .hasMessageContaining("hub.operators.night-shift.secret is not set");
        // a callback secret is the key of an HMAC, used as written: never a hash
        assertThatThrownBy(() -> start("--hub.clients.hash-erp.secret=hash-erp-secret",
                "--hub.clients.hash-erp.callback-secret={bcrypt}x"))
                .hasMessageContaining("hub.clients.hash-erp.callback-secret must be the secret itself, not a {bcrypt} hash");
    }

    private static void start(String... args) {
        new SpringApplicationBuilder(HubApplication.class).properties("server.port=0").run(args).close();
    }
}
