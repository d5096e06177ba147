package africa.sandbox.monnify;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Monnify simulator's account and timing ({@code sandbox.monnify.*}). The defaults are the sandbox
 * account the hub's development profile is configured with.
 */
@ConfigurationProperties("sandbox.monnify")
public record MonnifySandboxProperties(
        @DefaultValue("MK_TEST_SANDBOX0001") String apiKey,
        @DefaultValue("SANDBOXSECRETKEY00000000000000001") String secretKey,
        @DefaultValue("3934178936") String sourceAccountNumber,
        @DefaultValue("3600s") Duration tokenTtl,
        @DefaultValue("2s") Duration webhookDelay,         // a pending transfer's webhook arrives this long after the request
        @DefaultValue("5s") Duration settleDelay,          // a poll-only transfer turns SUCCESS this long after the request
        @DefaultValue("35s") Duration lostResponseDelay,   // "response lost" holds the answer past the hub's read timeout
        @DefaultValue("true") boolean otpRequired,         // as at Monnify: transfers wait for an OTP unless it is turned off
        @DefaultValue("5000000.00") java.math.BigDecimal walletBalance) { // the source wallet's available balance
}
