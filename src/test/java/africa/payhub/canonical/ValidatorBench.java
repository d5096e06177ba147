package africa.payhub.canonical;

import java.nio.charset.StandardCharsets;

/**
 * A benchmark, not a test: the time to validate one payout against the whole schema document (its oneOf of every
 * operation) and against its operation's own schema (as the discriminator picks it), alternating in one JVM. Run:
 * {@code ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt &&
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) africa.payhub.canonical.ValidatorBench}
 */
public class ValidatorBench {
    public static void main(String[] a) throws Exception {
        byte[] payout = ("{\"messageId\": \"m-1\", \"operation\": \"PAYOUT\", \"provider\": \"monnify\","
                + " \"amount\": {\"value\": \"10.00\", \"currency\": \"NGN\"}, \"narration\": \"Bench payout\","
                + " \"destination\": {\"type\": \"BANK_ACCOUNT\", \"accountNumber\": \"2085886393\", \"bankCode\": \"057\", \"accountName\": \"Ada Obi\"}}")
                .getBytes(StandardCharsets.UTF_8);
        CanonicalValidator whole = new CanonicalValidator(CanonicalValidator.SCHEMA_RESOURCE, 65536, false);
        CanonicalValidator narrowed = new CanonicalValidator(CanonicalValidator.SCHEMA_RESOURCE, 65536, true);
        for (int round = 0; round < 6; round++) {
            for (CanonicalValidator v : new CanonicalValidator[] {whole, narrowed}) {
                int n = 20000;
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    v.validate(payout);
                }
                double us = (System.nanoTime() - t) / 1e3 / n;
                System.out.printf("round %d %s: %.1f us per validation%n", round, v == whole ? "whole    " : "operation", us);
            }
        }
    }
}
