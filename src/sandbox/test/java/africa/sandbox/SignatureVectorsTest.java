package africa.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.List;

import africa.sandbox.monnify.MonnifySignature;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulators' own signing and credential checks against published vectors. Monnify publishes no sample
 * signature (provider-facts A1), so its HMAC-SHA512 is checked against RFC 4231 test case 2; that the hub
 * accepts what the simulator signs is shown over HTTP by MonnifyPayoutTest's webhook scenarios.
 */
class SignatureVectorsTest {

    private static final byte[] RFC4231_DATA = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);

    @Test
    void monnifySignatureIsLowercaseHexHmacSha512() {
        assertThat(MonnifySignature.sign(RFC4231_DATA, "Jefe")).isEqualTo(
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                        + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
        assertThat(MonnifySignature.HEADER).isEqualTo("monnify-signature");
    }

    @Test
    void callbackInboxChecksHubSignaturesAsHmacSha256() {
        String rfc4231 = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assertThat(CallbackInbox.verifies(RFC4231_DATA, rfc4231, List.of("other", "Jefe"))).isTrue();
        assertThat(CallbackInbox.verifies(RFC4231_DATA, rfc4231, List.of("other"))).isFalse();
        assertThat(CallbackInbox.verifies(RFC4231_DATA, rfc4231.substring(7), List.of("Jefe"))).isFalse();
        assertThat(CallbackInbox.verifies("what do ya want for nothing!".getBytes(StandardCharsets.US_ASCII), rfc4231,
                List.of("Jefe"))).isFalse();
        assertThat(CallbackInbox.verifies(RFC4231_DATA, null, List.of("Jefe"))).isFalse();
    }

    @Test
    void basicCredentialsFollowRfc7617() {
        // RFC 7617 section 2's example
        assertThat(Credentials.basicHeader("Aladdin", "open sesame")).isEqualTo("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assertThat(Credentials.basicMatches("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame")).isTrue();
        assertThat(Credentials.basicMatches("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame")).isTrue();
        assertThat(Credentials.basicMatches("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame!")).isFalse();
        assertThat(Credentials.basicMatches("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame")).isFalse();
        assertThat(Credentials.basicMatches("Basic not-base64!", "Aladdin", "open sesame")).isFalse();
        assertThat(Credentials.basicMatches(null, "Aladdin", "open sesame")).isFalse();
        // the password may hold colons: the user-id ends at the first one (RFC 7617: a user-id has none)
        assertThat(Credentials.basicMatches(Credentials.basicHeader("u", "p:q"), "u", "p:q")).isTrue();
    }
}
