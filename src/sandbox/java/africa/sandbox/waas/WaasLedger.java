package africa.sandbox.waas;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated wallet system's books: clients, client services, accounts with real balances, and every
 * posting. Each transaction has two legs that sum to zero (the other party of an EXTERNAL credit or debit
 * is the settlement account, fees go to the fee account), so the balances of all accounts always add up
 * to zero, which tests check. All methods are synchronized: the ledger is small and exact.
 */
public class WaasLedger {

    public static final String SETTLEMENT_ACCOUNT = "10000002";
    public static final String FEE_ACCOUNT = "10000003";

    private final Map<String, Client> clients = new LinkedHashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Map<String, Posting> postings = new LinkedHashMap<>();
    private long nextClient = 1;
    private long nextAccount = 10000100;
    private long nextTransaction = 7600;

    public WaasLedger() {
        accounts.put(SETTLEMENT_ACCOUNT, new Account("1", SETTLEMENT_ACCOUNT, "SYSTEM", "Settlement", "KES", BigDecimal.ZERO, true));
        accounts.put(FEE_ACCOUNT, new Account("2", FEE_ACCOUNT, "SYSTEM", "Fees", "KES", BigDecimal.ZERO, true));
    }

    /** A refusal, with the error code and HTTP status the simulator answers. */
    public static final class Refused extends RuntimeException {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    public record Client(String clientId, String clientCode, String name, String email, String phone, String country,
                         String businessPin, boolean active) {
    }

    public record Service(String id, String code, String clientCode, String name, String serviceCode, boolean hasFee,
                          String feeType, BigDecimal fee, BigDecimal minimum, BigDecimal maximum, boolean active) {

        BigDecimal feeFor(BigDecimal amount) {
            if (!hasFee || fee == null) {
                return BigDecimal.ZERO;
            }
            return "PERCENTAGE".equalsIgnoreCase(feeType)
                    ? amount.multiply(fee).divide(BigDecimal.valueOf(100), 4, RoundingMode.HALF_UP) : fee;
        }
    }

    public static final class Account {
        final String id;
        final String number;
        final String clientCode;
        final String name;
        final String currency;
        final BigDecimal minimumBalance;
        final boolean canOverdraw;
        final Instant createdAt = Instant.now();
        String status = "ACTIVE";
        BigDecimal balance = BigDecimal.ZERO;

        Account(String id, String number, String clientCode, String name, String currency, BigDecimal minimumBalance,
                boolean canOverdraw) {
            this.id = id;
            this.number = number;
            this.clientCode = clientCode;
            this.name = name;
            this.currency = currency;
            this.minimumBalance = minimumBalance;
            this.canOverdraw = canOverdraw;
        }

        public String number() {
            return number;
        }

        public BigDecimal balance() {
            return balance;
        }

        public String status() {
            return status;
        }

        public String currency() {
            return currency;
        }
    }

    /** One leg of a transaction on one account. */
    public record Posting(String transactionId, String account, String service, String type, String currency,
                          BigDecimal amount, BigDecimal previousBalance, BigDecimal currentBalance, String otherParty,
                          String source, String sourceTransactionId, com.fasterxml.jackson.databind.JsonNode sourceData, String narration,
                          Instant date, String counterLeg) {
    }

    // ------------------------------------------------------------------ set-up

    public synchronized Client createClient(String name, String email, String phone, String country, String pin, boolean active) {
        String id = String.valueOf(nextClient++);
        String prefix = (name.replaceAll("[^A-Za-z]", "") + "XXX").substring(0, 3).toUpperCase(java.util.Locale.ROOT);
        String code = prefix + Long.toString(Math.abs((id + email).hashCode()) % 2176782336L, 36).toUpperCase(java.util.Locale.ROOT);
        code = (code + "0000000").substring(0, 10);
        Client c = new Client(id, code, name, email, phone, country, pin, active);
        clients.put(code, c);
        return c;
    }

    public synchronized Service createService(String clientCode, String name, String serviceCode, boolean hasFee, String feeType,
                                              BigDecimal fee, BigDecimal min, BigDecimal max, boolean active) {
        requireClient(clientCode);
        String id = String.valueOf(services.size() + 1);
        String code = ("SVC" + Long.toString(Math.abs((clientCode + id + name).hashCode()), 36)).toUpperCase(java.util.Locale.ROOT);
        code = (code + "0000000").substring(0, 10);
        Service s = new Service(id, code, clientCode, name, serviceCode, hasFee, feeType, fee, min, max, active);
        services.put(code, s);
        return s;
    }

    public synchronized Account openAccount(String clientCode, String name, String currency, BigDecimal minimumBalance,
                                            boolean canOverdraw, String status) {
        requireClient(clientCode);
        String number = String.valueOf(nextAccount++);
        Account a = new Account(String.valueOf(accounts.size() + 1), number, clientCode, name, currency, minimumBalance, canOverdraw);
        a.status = status == null ? "ACTIVE" : status;
        accounts.put(number, a);
        return a;
    }

    // ------------------------------------------------------------------ money

    /** CREDIT or DEBIT from outside the wallet system: the other leg is the settlement account. */
    public synchronized Posting post(String command, String accountNumber, String serviceCode, BigDecimal amount,
                                     String source, String sourceId, com.fasterxml.jackson.databind.JsonNode data, String narration) {
        Service service = requireService(serviceCode);
        Account account = requireAccount(accountNumber);
        requireActive(account);
        requireLimits(service, amount);
        requireNew(sourceId);
        BigDecimal fee = service.feeFor(amount);
        Account settlement = accounts.get(SETTLEMENT_ACCOUNT);
        if ("CREDIT".equals(command)) {
            BigDecimal net = amount.subtract(fee);
            Posting leg = leg(account, service, "CREDIT", net, settlement.number, source, sourceId, data, narration);
            Posting counter = leg(settlement, service, "DEBIT", amount, account.number, source, sourceId, data, narration);
            fee(service, fee, account.number, source, sourceId, narration);
            return link(leg, counter);
        }
        BigDecimal gross = amount.add(fee);
        requireFunds(account, gross);
        Posting leg = leg(account, service, "DEBIT", gross, settlement.number, source, sourceId, data, narration);
        Posting counter = leg(settlement, service, "CREDIT", amount, account.number, source, sourceId, data, narration);
        fee(service, fee, account.number, source, sourceId, narration);
        return link(leg, counter);
    }

    /** Wallet to wallet: a debit leg and a credit leg. */
    public synchronized Posting[] transfer(String from, String to, String serviceCode, BigDecimal amount, String source,
                                           String sourceId, com.fasterxml.jackson.databind.JsonNode data, String narration) {
        Service service = requireService(serviceCode);
        Account a = requireAccount(from);
        Account b = requireAccount(to);
        requireActive(a);
        requireActive(b);
        if (!a.currency.equals(b.currency)) {
            throw new Refused(422, "CURRENCY_MISMATCH", "accounts " + from + " and " + to + " hold different currencies");
        }
        requireLimits(service, amount);
        requireNew(sourceId);
        BigDecimal fee = service.feeFor(amount);
        requireFunds(a, amount.add(fee));
        Posting debit = leg(a, service, "DEBIT", amount.add(fee), b.number, source, sourceId, data, narration);
        Posting credit = leg(b, service, "CREDIT", amount, a.number, source, sourceId, data, narration);
        fee(service, fee, a.number, source, sourceId, narration);
        link(debit, credit);
        return new Posting[] {postings.get(debit.transactionId()), postings.get(credit.transactionId())};
    }

    /** Reverses the transaction (both legs): money goes back where it came from. */
    public synchronized Posting[] reverse(String transactionId) {
        Posting original = postings.get(transactionId);
        if (original == null) {
            throw new Refused(404, "TRANSACTION_NOT_FOUND", "no transaction " + transactionId);
        }
        Posting counter = postings.get(original.counterLeg());
        String reversalSource = "RVS" + original.sourceTransactionId();
        if (postings.values().stream().anyMatch(p -> reversalSource.equals(p.sourceTransactionId()))) {
            throw new Refused(409, "ALREADY_REVERSED", "transaction " + transactionId + " was already reversed");
        }
        // the leg that received money gives it back
        Posting received = "CREDIT".equals(original.type()) ? original : counter;
        Posting paid = received == original ? counter : original;
        Account giver = accounts.get(received.account());
        Account taker = accounts.get(paid.account());
        requireFunds(giver, received.amount());
        Service service = services.get(original.service());
        Posting debit = leg(giver, service, "DEBIT", received.amount(), taker.number, "INTERNAL", reversalSource, null,
                "Reversal of " + transactionId);
        Posting credit = leg(taker, service, "CREDIT", received.amount(), giver.number, "INTERNAL", reversalSource, null,
                "Reversal of " + transactionId);
        link(debit, credit);
        return new Posting[] {postings.get(debit.transactionId()), postings.get(credit.transactionId())};
    }

    // ------------------------------------------------------------------ reading

    public synchronized List<Posting> postings() {
        return new ArrayList<>(postings.values());
    }

    public synchronized List<Posting> bySource(String sourceId) {
        return postings.values().stream().filter(p -> sourceId.equals(p.sourceTransactionId())).toList();
    }

    public synchronized Account account(String number) {
        return accounts.get(number);
    }

    public synchronized void setStatus(String number, String status) {
        requireAccount(number).status = status;
    }

    public synchronized BigDecimal sumOfBalances() {
        return accounts.values().stream().map(a -> a.balance).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public synchronized List<Account> accounts() {
        return new ArrayList<>(accounts.values());
    }

    // ------------------------------------------------------------------ persistence

    /** The whole ledger as plain data, so a sandbox restart finds its wallets and balances again. */
    public record Snapshot(List<Client> clients, List<Service> services, List<AccountState> accounts, List<Posting> postings,
                           long nextClient, long nextAccount, long nextTransaction) {
    }

    public record AccountState(String id, String number, String clientCode, String name, String currency,
                               BigDecimal minimumBalance, boolean canOverdraw, String status, BigDecimal balance) {
    }

    public synchronized Snapshot snapshot() {
        List<AccountState> states = accounts.values().stream().map(a -> new AccountState(a.id, a.number, a.clientCode, a.name,
                a.currency, a.minimumBalance, a.canOverdraw, a.status, a.balance)).toList();
        return new Snapshot(new ArrayList<>(clients.values()), new ArrayList<>(services.values()), states,
                new ArrayList<>(postings.values()), nextClient, nextAccount, nextTransaction);
    }

    public synchronized void restore(Snapshot s) {
        clients.clear();
        services.clear();
        accounts.clear();
        postings.clear();
        s.clients().forEach(c -> clients.put(c.clientCode(), c));
        s.services().forEach(v -> services.put(v.code(), v));
        s.accounts().forEach(a -> {
            Account account = new Account(a.id(), a.number(), a.clientCode(), a.name(), a.currency(), a.minimumBalance(), a.canOverdraw());
            account.status = a.status();
            account.balance = a.balance();
            accounts.put(a.number(), account);
        });
        s.postings().forEach(p -> postings.put(p.transactionId(), p));
        nextClient = s.nextClient();
        nextAccount = s.nextAccount();
        nextTransaction = s.nextTransaction();
    }

    // ------------------------------------------------------------------ internals

    private Posting leg(Account account, Service service, String type, BigDecimal amount, String otherParty, String source,
                        String sourceId, com.fasterxml.jackson.databind.JsonNode data, String narration) {
        BigDecimal before = account.balance;
        account.balance = "CREDIT".equals(type) ? before.add(amount) : before.subtract(amount);
        Posting p = new Posting(String.valueOf(nextTransaction++), account.number, service == null ? null : service.code(), type,
                account.currency, amount, before, account.balance, otherParty, source, sourceId, data, narration,
                Instant.now(), null);
        postings.put(p.transactionId(), p);
        return p;
    }

    private void fee(Service service, BigDecimal fee, String payer, String source, String sourceId, String narration) {
        if (fee.signum() > 0) {
            // the part of the transaction the payer's leg paid beyond the other party's: the fee account's
            leg(accounts.get(FEE_ACCOUNT), service, "CREDIT", fee, payer, source, sourceId, null, "Fee: " + narration);
        }
    }

    private Posting link(Posting a, Posting b) {
        Posting la = withCounter(a, b.transactionId());
        postings.put(la.transactionId(), la);
        postings.put(b.transactionId(), withCounter(b, a.transactionId()));
        return la;
    }

    private static Posting withCounter(Posting p, String counter) {
        return new Posting(p.transactionId(), p.account(), p.service(), p.type(), p.currency(), p.amount(), p.previousBalance(),
                p.currentBalance(), p.otherParty(), p.source(), p.sourceTransactionId(), p.sourceData(), p.narration(), p.date(),
                counter);
    }

    private void requireClient(String code) {
        if (code == null || !clients.containsKey(code)) {
            throw new Refused(404, "CLIENT_NOT_FOUND", "no client " + code);
        }
    }

    private Service requireService(String code) {
        Service s = code == null ? null : services.get(code);
        if (s == null) {
            throw new Refused(404, "CLIENT_SERVICE_NOT_FOUND", "no client service " + code);
        }
        if (!s.active()) {
            throw new Refused(422, "CLIENT_SERVICE_INACTIVE", "client service " + code + " is inactive");
        }
        return s;
    }

    private Account requireAccount(String number) {
        Account a = number == null ? null : accounts.get(number);
        if (a == null) {
            throw new Refused(404, "ACCOUNT_NOT_FOUND", "no account " + number);
        }
        return a;
    }

    private static void requireActive(Account a) {
        if (!"ACTIVE".equals(a.status)) {
            throw new Refused(422, "ACCOUNT_INACTIVE", "account " + a.number + " is " + a.status);
        }
    }

    private static void requireLimits(Service s, BigDecimal amount) {
        if (amount.signum() <= 0) {
            throw new Refused(400, "VALIDATION_ERROR", "transaction_amount must be positive");
        }
        if (s.minimum() != null && amount.compareTo(s.minimum()) < 0) {
            throw new Refused(422, "AMOUNT_BELOW_MINIMUM", "amount " + amount.toPlainString() + " is below the minimum "
                    + s.minimum().toPlainString() + " of client service " + s.code());
        }
        if (s.maximum() != null && amount.compareTo(s.maximum()) > 0) {
            throw new Refused(422, "AMOUNT_ABOVE_MAXIMUM", "amount " + amount.toPlainString() + " is above the maximum "
                    + s.maximum().toPlainString() + " of client service " + s.code());
        }
    }

    private static void requireFunds(Account a, BigDecimal amount) {
        if (!a.canOverdraw && a.balance.subtract(amount).compareTo(a.minimumBalance) < 0) {
            throw new Refused(422, "INSUFFICIENT_BALANCE", "account " + a.number + " has " + a.balance.setScale(4, RoundingMode.HALF_UP)
                    .toPlainString() + ", minimum balance " + a.minimumBalance.toPlainString());
        }
    }

    private void requireNew(String sourceId) {
        if (sourceId == null || sourceId.isBlank()) {
            throw new Refused(400, "VALIDATION_ERROR", "source_transaction_id is required");
        }
        if (postings.values().stream().anyMatch(p -> sourceId.equals(p.sourceTransactionId()))) {
            throw new Refused(409, "DUPLICATE_TRANSACTION", "a transaction with source_transaction_id " + sourceId + " exists");
        }
    }
}
