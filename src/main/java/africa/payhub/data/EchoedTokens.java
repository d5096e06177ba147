package africa.payhub.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import org.springframework.stereotype.Component;

/**
 * Tokens a provider echoes back in its webhook (webhook verification {@code echoed-token}): one fresh token
 * per send, {@code <request id>.<32 random bytes, base64url>}, of which only the SHA-256 is stored. A
 * presented token is hashed and compared in constant time with the stored hash of the request it names.
 */
@Component
public class EchoedTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataRequestStore store;

    public EchoedTokens(DataRequestStore store) {
        this.store = store;
    }

    /** A fresh token for the request. */
    static String issue(String requestId) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return requestId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** What a presented token proves: the request it is for, and whether a webhook already settled it. */
    public record Claim(String dataRequestId, boolean used, String webhookSha256) {
    }

    /** The request the token belongs to, when it is exactly the token last issued for it by this provider. */
    public Optional<Claim> verify(String provider, String presented) {
        if (presented == null || presented.length() > 200) {
            return Optional.empty();
        }
        int dot = presented.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        Optional<DataRequest> request = store.find(presented.substring(0, dot)).filter(r -> r.provider().equals(provider));
        if (request.isEmpty() || request.get().tokenSha256() == null) {
            return Optional.empty();
        }
        DataRequest r = request.get();
        byte[] stored = HexFormat.of().parseHex(r.tokenSha256());
        if (!MessageDigest.isEqual(stored, sha256(presented))) {
            return Optional.empty();
        }
        return Optional.of(new Claim(r.id(), r.status().isFinal(), r.webhookSha256()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
