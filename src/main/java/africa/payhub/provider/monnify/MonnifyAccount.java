package africa.payhub.provider.monnify;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.MonnifyProperties;
import africa.payhub.provider.ProviderAccount;
import africa.payhub.security.BasicCredentials;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Monnify: login with HTTP Basic apiKey:secretKey, webhooks signed with {@code monnify-signature} =
 * lowercase hex HMAC-SHA512 of the raw body keyed with the secret key (provider-facts A1).
 */
@Component
public class MonnifyAccount implements ProviderAccount {

    public static final String SIGNATURE_HEADER = "monnify-signature";

    private final MonnifyProperties properties;

    public MonnifyAccount(MonnifyProperties properties) {
        this.properties = properties;
    }

    @Override
    public String name() {
        return "monnify";
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
    }

    @Override
    public String accountKey() {
        return properties.accountKey();
    }

    @Override
    public ObjectNode publicSettings() {
        return Json.object()
                .put("sourceAccountNumber", properties.sourceAccountNumber())
                .put("contractCode", properties.contractCode())
                .put("async", properties.async());
    }

    @Override
    public void applyLoginCredentials(Exchange exchange) {
        exchange.getMessage().setHeader("Authorization",
                BasicCredentials.header(properties.apiKey().reveal(), properties.secretKey()));
    }

    @Override
    public boolean verifyWebhook(byte[] body, Map<String, String> headers) {
        String presented = headers.get(SIGNATURE_HEADER);
        if (presented == null || presented.isBlank()) {
            return false;
        }
        byte[] expected = sign(body, properties.secretKey().bytes());
        byte[] given;
        try {
            given = HexFormat.of().parseHex(presented.trim().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given);
    }

    /** HMAC-SHA512 of the bytes with the key: what Monnify sends, and what the sandbox signs with. */
    public static byte[] sign(byte[] body, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(key, "HmacSHA512"));
            return mac.doFinal(body);
        } catch (Exception e) {
            throw new IllegalStateException("HMAC-SHA512 unavailable", e);
        }
    }
}
