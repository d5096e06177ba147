package africa.payhub.provider;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import africa.payhub.config.ProviderDeclaration;
import africa.payhub.config.Secret;
import org.junit.jupiter.api.Test;

import static africa.payhub.provider.HmacSignature.Verdict.INVALID;
import static africa.payhub.provider.HmacSignature.Verdict.STALE;
import static africa.payhub.provider.HmacSignature.Verdict.VALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A declared webhook HMAC over a message built from headers and the raw body, with a timestamp window, checked
 * against RFC 4231's published vectors (test case 2: key "Jefe", data "what do ya want for nothing?").
 */
class HmacSignatureTest {

    private static final Secret JEFE = Secret.of("Jefe");
    private static final byte[] BODY = "do ya want for nothing?".getBytes(StandardCharsets.UTF_8);
    private static final String RFC4231_SHA256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    private static final String RFC4231_SHA512 = "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737";

    @Test
    void aMessageOfAHeaderAndTheBodyMatchesThePublishedVectors() {
        ProviderDeclaration.Hmac sha256 = new ProviderDeclaration.Hmac("HmacSHA256", "X-Sig", "hex", "key", "v1=",
                "{header.X-Word} {body}", null);
        assertThat(HmacSignature.check(sha256, JEFE, BODY, Map.of("x-word", "what", "x-sig", "v1=" + RFC4231_SHA256),
                Instant.now())).isEqualTo(VALID);
        ProviderDeclaration.Hmac sha512 = new ProviderDeclaration.Hmac("HmacSHA512", "X-Sig", "base64", "key", null,
                "{header.X-Word} {body}", null);
        String base64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(RFC4231_SHA512));
        assertThat(HmacSignature.check(sha512, JEFE, BODY, Map.of("x-word", "what", "x-sig", base64), Instant.now()))
                .isEqualTo(VALID);
        // one byte of the body, the header it covers, or a missing header: not the provider's signature
        assertThat(HmacSignature.check(sha256, JEFE, "do ya want for nothing!".getBytes(StandardCharsets.UTF_8),
                Map.of("x-word", "what", "x-sig", "v1=" + RFC4231_SHA256), Instant.now())).isEqualTo(INVALID);
        assertThat(HmacSignature.check(sha256, JEFE, BODY, Map.of("x-word", "What", "x-sig", "v1=" + RFC4231_SHA256),
                Instant.now())).isEqualTo(INVALID);
        assertThat(HmacSignature.check(sha256, JEFE, BODY, Map.of("x-sig", "v1=" + RFC4231_SHA256), Instant.now()))
                .isEqualTo(INVALID);
        assertThat(HmacSignature.check(sha256, Secret.of(""), BODY, Map.of("x-word", "what", "x-sig", "v1=" + RFC4231_SHA256),
                Instant.now())).isEqualTo(INVALID);
    }

    @Test
    void aSignatureOutsideTheTimestampWindowIsStaleAndItsTimestampCannotBeMoved() {
        ProviderDeclaration.Hmac h = new ProviderDeclaration.Hmac("HmacSHA256", "X-Sig", "hex", "key", null,
                "{header.X-Timestamp}.{body}", new ProviderDeclaration.Timestamp("X-Timestamp", null, "300s"));
        Instant signedAt = Instant.parse("2026-12-06T12:00:00Z");
        String ts = String.valueOf(signedAt.getEpochSecond());
        String sig = HexFormat.of().formatHex(HmacSignature.hmac("HmacSHA256", JEFE.bytes(),
                (ts + ".").concat(new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        Map<String, String> headers = Map.of("x-timestamp", ts, "x-sig", sig);
        assertThat(HmacSignature.check(h, JEFE, BODY, headers, signedAt.plusSeconds(300))).isEqualTo(VALID);
        assertThat(HmacSignature.check(h, JEFE, BODY, headers, signedAt.minusSeconds(300))).isEqualTo(VALID);
        assertThat(HmacSignature.check(h, JEFE, BODY, headers, signedAt.plusSeconds(301))).isEqualTo(STALE);
        assertThat(HmacSignature.check(h, JEFE, BODY, headers, signedAt.minusSeconds(301))).isEqualTo(STALE);
        // a replay with a fresh timestamp no longer matches its signature
        assertThat(HmacSignature.check(h, JEFE, BODY, Map.of("x-timestamp", String.valueOf(signedAt.getEpochSecond() + 600),
                "x-sig", sig), signedAt.plusSeconds(600))).isEqualTo(INVALID);
    }

    @Test
    void aDeclaredTimestampMustBeSignedAndTheMessageSaysOnlyBodyAndHeaders() {
        assertThatThrownBy(() -> new ProviderDeclaration.Hmac("HmacSHA256", "X-Sig", "hex", "key", null, "{body}",
                new ProviderDeclaration.Timestamp("X-Timestamp", null, "300s"))).hasMessageContaining("must cover {header.X-Timestamp}");
        assertThatThrownBy(() -> new ProviderDeclaration.Hmac("HmacSHA256", "X-Sig", "hex", "key", null, "{query.a}{body}",
                null)).hasMessageContaining("neither {body} nor {header.<name>}");
        assertThatThrownBy(() -> new ProviderDeclaration.Hmac("HmacMD7", "X-Sig", "hex", "key", null, null, null))
                .hasMessageContaining("not an HMAC");
    }
}
