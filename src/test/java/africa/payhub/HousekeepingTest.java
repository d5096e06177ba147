package africa.payhub;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tables anonymous callers can grow stay bounded: housekeeping (nightly; here run at once) drops
 * unverified webhook records after hub.housekeeping.forged-webhooks-days and webhook de-duplication keys
 * after hub.housekeeping.webhook-keys-days, and keeps the verified webhooks, the payments' evidence.
 */
class HousekeepingTest extends HubTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Test
    void oldForgedWebhooksAndOldKeysGoVerifiedOnesStay() {
        String mark = "housekeeping-" + UUID.randomUUID();
        insertWebhook(mark + "-forged-old", false, "10 days");
        insertWebhook(mark + "-forged-new", false, "1 hour");
        insertWebhook(mark + "-verified-old", true, "400 days");
        jdbc.sql("""
                        INSERT INTO camel_messageprocessed (processorname, messageid, createdat)
                        VALUES ('provider-webhooks', :key, now() - interval '40 days')""")
                .param("key", mark + "-key").update();

        camelContext.createProducerTemplate().sendBody("direct:housekeeping", "");

        assertThat(webhooks(mark + "-forged-old")).isZero();
        assertThat(webhooks(mark + "-forged-new")).isEqualTo(1);
        assertThat(webhooks(mark + "-verified-old")).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM camel_messageprocessed WHERE messageid = :key")
                .param("key", mark + "-key").query(Integer.class).single()).isZero();
    }

    private void insertWebhook(String sha, boolean valid, String age) {
        jdbc.sql("""
                        INSERT INTO provider_webhooks (provider, signature_valid, outcome, body_sha256, received_at)
                        VALUES ('monnify', :valid, :outcome, :sha, now() - CAST(:age AS interval))""")
                .param("valid", valid).param("outcome", valid ? "APPLIED" : "REJECTED_SIGNATURE").param("sha", sha)
                .param("age", age).update();
    }

    private int webhooks(String sha) {
        return jdbc.sql("SELECT count(*) FROM provider_webhooks WHERE body_sha256 = :sha").param("sha", sha)
                .query(Integer.class).single();
    }
}
