package africa.payhub.data;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Data requests ({@code hub.data-requests.*}). {@code expire-after}: a REQUESTED request with no answer
 * this long after it was taken becomes EXPIRED (longer than the provider's whole webhook retry schedule);
 * {@code accepted-grace}: an ACCEPTED request older than this was left behind and is sent by the poller;
 * {@code resend-delay}: after a send that certainly never reached the provider, the next try is this much
 * later per attempt, at most {@code max-send-attempts} times; results are served {@code page-size} items a
 * page, and inlined in the callback up to {@code inline-result-bytes}; a request (with its settlements
 * file) may be {@code max-body-bytes} long. {@code interval-ms} and
 * {@code batch-size} are read by the route {@code data-requests-poll}.
 */
@ConfigurationProperties("hub.data-requests")
public record DataRequestProperties(
        @DefaultValue("7h") Duration expireAfter,
        @DefaultValue("30s") Duration acceptedGrace,
        @DefaultValue("10s") Duration resendDelay,
        @DefaultValue("5") int maxSendAttempts,
        @DefaultValue("2m") Duration lease,
        @DefaultValue("100") int pageSize,
        @DefaultValue("16384") int inlineResultBytes,
        @DefaultValue("50") int batchSize,
        @DefaultValue("1048576") int maxBodyBytes) {
}
