package africa.sandbox.dollr;

import java.math.BigDecimal;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Dollr simulator ({@code sandbox.dollr.*}): the API client it accepts, the merchant's payout passcode
 * and wallet, how long its tokens live (in minutes, as Dollr counts them) and how fast executions move.
 */
@ConfigurationProperties("sandbox.dollr")
public record DollrSandboxProperties(
        @DefaultValue("dollr-sandbox-client") String clientId,
        @DefaultValue("dollr-sandbox-secret-0001") String clientSecret,
        @DefaultValue("60") int tokenTtlMinutes,              // expires_in of a token, in minutes
        @DefaultValue("482913") String passcode,              // the payout passcode's token code
        @DefaultValue("231770009999") String passcodePhone,   // the phone the passcode belongs to
        @DefaultValue("true") boolean verified,               // false: payouts answer 403 (KYB not done)
        @DefaultValue("5000.00") BigDecimal walletBalance,    // the merchant wallet payouts are debited from
        @DefaultValue("1s") Duration processingDelay,         // an execution is PENDING this long, then PROCESSING
        @DefaultValue("4s") Duration settleDelay,             // ... and COMPLETED (or FAILED) this long after it was made
        @DefaultValue("60s") Duration slowSettleDelay,        // the slow scenario's PROCESSING lasts until this
        @DefaultValue("35s") Duration lostResponseDelay,      // the lost-answer scenario holds its answer this long
        @DefaultValue("15m") Duration sessionTtl) {           // sessions are short-lived
}
