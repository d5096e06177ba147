package africa.sandbox.connect;

import java.util.List;
import java.util.Optional;

/**
 * The Connect simulator's accounts, and what a transaction to each does. The account picks the scenario,
 * as a test card number would; any other account is unknown (404).
 */
public final class Directory {

    /** How a transaction to an account goes. */
    public enum Behaviour {
        SUCCEEDS("PENDING, then SUCCESS after settle-delay"),
        FAILS("PENDING, then FAILED after settle-delay"),
        UNAVAILABLE_FIRST("503 unprocessed to the first request for a reference, then succeeds"),
        RESPONSE_LOST("accepted (then succeeds), answer held past the hub's read timeout"),
        SERVER_ERROR("accepted (then succeeds), answered 500");

        final String description;

        Behaviour(String description) {
            this.description = description;
        }
    }

    /** One account: a bank account (number + bank code) or a wallet (phone and/or email). */
    public record Entry(String kind, String id, String bankCode, String phone, String email, String holder, String status,
                        Behaviour behaviour) {
    }

    public static final List<Entry> ENTRIES = List.of(
            new Entry("bank", "1000123456", "CBE", null, null, "ABEBE KEBEDE", "ACTIVE", Behaviour.SUCCEEDS),
            new Entry("bank", "1000123457", "CBE", null, null, "ALMAZ TADESSE", "ACTIVE", Behaviour.FAILS),
            new Entry("bank", "1000123458", "CBE", null, null, "DAWIT HAILE", "INACTIVE", Behaviour.SUCCEEDS),
            new Entry("bank", "1000123459", "CBE", null, null, "HANA GIRMA", "ACTIVE", Behaviour.UNAVAILABLE_FIRST),
            new Entry("bank", "1000123460", "CBE", null, null, "MERON BEKELE", "ACTIVE", Behaviour.RESPONSE_LOST),
            new Entry("bank", "1000123461", "CBE", null, null, "YONAS ALEMU", "ACTIVE", Behaviour.SERVER_ERROR),
            new Entry("wallet", "W-251911000001", null, "251911000001", "tigist@example.com", "TIGIST ALEMU", "ACTIVE", Behaviour.SUCCEEDS),
            new Entry("wallet", "W-251911000002", null, "251911000002", null, "KEBEDE WORKU", "INACTIVE", Behaviour.SUCCEEDS),
            new Entry("wallet", "W-251911000003", null, "251911000003", null, "SELAM YOHANNES", "ACTIVE", Behaviour.FAILS),
            new Entry("wallet", "W-251911000004", null, "251911000004", null, "BETHLEHEM ASSEFA", "ACTIVE", Behaviour.UNAVAILABLE_FIRST),
            new Entry("wallet", "W-251911000005", null, "251911000005", null, "FIKRU DEMISSIE", "ACTIVE", Behaviour.RESPONSE_LOST));

    private Directory() {
    }

    public static Optional<Entry> bank(String number, String bankCode) {
        return ENTRIES.stream().filter(e -> e.kind().equals("bank") && e.id().equals(number) && e.bankCode().equalsIgnoreCase(bankCode))
                .findFirst();
    }

    public static Optional<Entry> wallet(String phone, String email) {
        return ENTRIES.stream().filter(e -> e.kind().equals("wallet"))
                .filter(e -> (phone != null && phone.equals(e.phone())) || (email != null && email.equalsIgnoreCase(e.email())))
                .findFirst();
    }

    public static Optional<Entry> walletById(String id) {
        return ENTRIES.stream().filter(e -> e.kind().equals("wallet") && e.id().equals(id)).findFirst();
    }
}
