package africa.payhub.config;

import java.math.BigDecimal;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Wallet-as-a-Service account (Lipad). In sandbox mode the simulator reads the same keys.
 *
 * @param clientServiceCode an existing client service to use; when blank the hub creates one from
 *                          {@code clientService} at first use and records it
 * @param hubProfile        the hub's own client profile at the provider, which owns the client service
 */
@ConfigurationProperties("hub.providers.waas")
public record WaasProperties(
        boolean enabled,
        String baseUrl,
        String username,
        Secret password,
        String clientServiceCode,
        ClientService clientService,
        HubProfile hubProfile,
        Wallets wallets,
        Customers customers) {

    /** The rules of a client service the hub creates: fees and limits. */
    public record ClientService(String name, String serviceCode, boolean hasTransactionFee, String transactionFeeType,
                                BigDecimal transactionFee, BigDecimal minimumAmount, BigDecimal maximumAmount) {
    }

    public record HubProfile(String name, String email, String phone, String country, String businessPin) {
    }

    /** How customer wallets are opened. */
    public record Wallets(String accountTypeCode, BigDecimal minimumBalance, boolean canOverdraw) {
    }

    /** Values the provider requires for a customer's client profile that the canonical message does not carry. */
    public record Customers(String country, String businessPin) {
    }

    public String accountKey() {
        return "waas:" + Integer.toHexString((baseUrl + "|" + username).hashCode());
    }
}
