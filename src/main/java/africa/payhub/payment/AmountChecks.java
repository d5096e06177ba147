package africa.payhub.payment;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an amount a provider reports says of a payment, in plain values: whether it names the amount and currency
 * the payment expects, and how it differs when it does not.
 */
final class AmountChecks {

    private AmountChecks() {
    }

    /**
     * Whether a webhook or a partner's confirmation names the amount and the currency the payment expects (a
     * different one is {@link #amountMismatch}). A payment made without an amount (opening a wallet) expects
     * none; one the provider reported (money into a reserved account) expects the amount it was made of.
     */
    static boolean confirmsAmount(Payment p, JsonNode amount) {
        boolean expects = p.amountValue() != null || p.lastSentAt() == null;
        return !expects || (amount != null && amount.isObject() && amount.path("value").isValueNode()
                && !amount.path("value").asText("").isBlank() && amount.path("currency").isTextual()
                && !amount.path("currency").asText().isBlank());
    }

    /** Null when the provider's amount matches the payment (or is absent); otherwise the discrepancy. */
    static String amountMismatch(Payment p, JsonNode amount) {
        if (amount == null || amount.isNull() || p.amountValue() == null) {
            return null;
        }
        JsonNode value = amount.isObject() ? amount.get("value") : amount;
        if (value == null || value.isNull()) {
            return null;
        }
        BigDecimal reported;
        try {
            reported = new BigDecimal(value.asText());
        } catch (NumberFormatException e) {
            return "provider reported an unreadable amount '" + value.asText() + "'";
        }
        String currency = amount.isObject() && amount.hasNonNull("currency") ? amount.get("currency").asText() : null;
        if (reported.compareTo(p.amountValue()) != 0 || (currency != null && !currency.equals(p.amountCurrency()))) {
            return "provider reported " + reported.toPlainString() + (currency == null ? "" : " " + currency)
                    + " but the payment is " + p.amountValue().toPlainString() + " " + p.amountCurrency();
        }
        return null;
    }
}
