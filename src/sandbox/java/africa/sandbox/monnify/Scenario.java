package africa.sandbox.monnify;

import java.util.Arrays;

/**
 * What the Monnify simulator does with a transfer, chosen by the destination account number (like a test
 * card number). Any other account number succeeds at once (or, with {@code async: true}, by webhook).
 */
public enum Scenario {
    SUCCESS(null, "immediate SUCCESS"),
    PENDING_THEN_SUCCESS("1000000001", "PENDING, then a SUCCESSFUL_DISBURSEMENT webhook"),
    PENDING_THEN_FAILED("1000000002", "PENDING, then a FAILED_DISBURSEMENT webhook"),
    PENDING_POLL_ONLY("1000000003", "PENDING with no webhook; the status query turns SUCCESS after settle-delay"),
    UNAVAILABLE_THEN_SUCCESS("1000000004", "first request per reference answers 503 (Retry-After: 1) unprocessed, then SUCCESS"),
    RESPONSE_LOST("1000000005", "transfer made (SUCCESS), answer held past the hub's read timeout"),
    INVALID_ACCOUNT("1000000006", "400: invalid destination account"),
    DUPLICATE_WEBHOOKS("1000000007", "PENDING, then the SUCCESSFUL_DISBURSEMENT webhook three times"),
    OUT_OF_ORDER_WEBHOOKS("1000000008", "PENDING, then REVERSED_DISBURSEMENT, then a late SUCCESSFUL_DISBURSEMENT"),
    DUPLICATE_REQUEST_D07("1000000009", "400 D07 duplicate request; no transfer"),
    SERVER_ERROR_AFTER_COMMIT("1000000010", "transfer made (SUCCESS), then HTTP 500"),
    AWAITING_OTP("1000000011", "PENDING_AUTHORIZATION (OTP) that never completes"),
    INSUFFICIENT_FUNDS("1000000012", "400: insufficient balance"),
    SUCCESS_THEN_REVERSED("1000000013", "SUCCESS, then a REVERSED_DISBURSEMENT webhook");

    private final String account;
    private final String description;

    Scenario(String account, String description) {
        this.account = account;
        this.description = description;
    }

    public String account() {
        return account;
    }

    public String description() {
        return description;
    }

    public static Scenario forAccount(String accountNumber) {
        return Arrays.stream(values()).filter(s -> s.account != null && s.account.equals(accountNumber))
                .findFirst().orElse(SUCCESS);
    }
}
