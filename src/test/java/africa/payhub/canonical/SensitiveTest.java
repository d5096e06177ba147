package africa.payhub.canonical;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The card number scan on its own: every way of writing a number that was found to get past it, and what it
 * must keep letting through (ids, phones, account numbers, dates), measured on many random values.
 */
class SensitiveTest {

    @Test
    void cardNumbersAreFoundHoweverTheyAreWritten() {
        for (String written : List.of("4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111",
                "4111.1111.1111.1111", "4111/1111/1111/1111", "4111_1111_1111_1111", "4111,1111,1111,1111",
                "4111    1111    1111    1111", "4111\n1111\r\n1111\t1111", "4111\u200b1111\u200c1111\u200d1111",
                "4111\u00ad1111\u00ad1111\u00ad1111", "4\u20601\u20601\u20601111111111111", "\ufeff4111111111111111",
                "\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11",
                "\ud835\udfd2111111111111111", "\u0664\u0661\u0661\u0661111111111111", "card:4111111111111111;",
                "41111111111111111229", "12294111111111111111", "00004111111111111111", "4111111111111111 123",
                "https://shop.example.com/ok/4111111111111111", "3782 822463 10005", "5500 0000 0000 0004")) {
            assertThat(Sensitive.containsPan(written)).as(written).isTrue();
            assertThat(Sensitive.maskPans(written)).as(written).doesNotContain("11111111");
        }
        for (String number : List.of("4916338506082832e0", "4.916338506082832E15", "4916338506082832.000",
                "49163385060828320e-1", "4916338506082832", "-4916338506082832")) {
            assertThat(Sensitive.containsPan(new BigDecimal(number))).as(number).isTrue();
        }
        assertThat(Sensitive.containsPan(new BigDecimal("1e999999999"))).isFalse();
    }

    @Test
    void keysAreReadAfterLookAlikeLettersAreFolded() {
        for (String key : List.of("\u0441vv", "\u0421VV", "c\u0475v", "\u0440in", "\u0440\u0430ssword", "\uff43\uff56\uff56",
                "card\u200bNumber", "\u0441\u0430rd_number", "p\u0430n")) {
            assertThat(Sensitive.isSensitiveKey(key)).as(key).isTrue();
        }
        for (String key : List.of("note", "invoice", "batch", "\u0441\u0438\u0442\u0438" /* Cyrillic "siti" */)) {
            assertThat(Sensitive.isSensitiveKey(key)).as(key).isFalse();
        }
    }

    @Test
    void idsPhonesAccountsAndDatesAreNotCardNumbers() {
        Random random = new Random(25);
        for (int i = 0; i < 20_000; i++) {
            String uuid = new UUID(random.nextLong(), random.nextLong()).toString();
            assertThat(Sensitive.containsPan(uuid)).as(uuid).isFalse();
            assertThat(Sensitive.containsPan("/api/v1/payments/" + uuid + "/events/" + UUID.randomUUID())).isFalse();
            String account = String.format("%010d", random.nextLong(10_000_000_000L));
            assertThat(Sensitive.containsPan(account)).isFalse();
            String phone = "+234" + (700_000_000_0L + random.nextLong(300_000_000_0L));
            assertThat(Sensitive.containsPan(phone)).as(phone).isFalse();
            assertThat(Sensitive.containsPan("+254 7" + random.nextInt(10_000_000, 99_999_999))).isFalse();
            // the hub's own references: a UUID without its dashes behind a prefix (a batch's, a payment's)
            String compact = uuid.replace("-", "").toUpperCase(java.util.Locale.ROOT);
            assertThat(Sensitive.containsPan("BATCH" + compact)).as("BATCH" + compact).isFalse();
            assertThat(Sensitive.containsPan("HUB" + compact.toLowerCase(java.util.Locale.ROOT))).isFalse();
        }
        // seen refused as a card number in an operator's query before compact UUIDs were read as ids
        assertThat(Sensitive.containsPan("BATCHBBCA0E528422495993776444A2D870FB")).isFalse();
        // a card number among hex digits that are no UUID is still one
        assertThat(Sensitive.containsPan("ref ABC4111111111111111")).isTrue();
        assertThat(Sensitive.containsPan("card 411111111111111100001234")).as("a card number inside 24 digits").isTrue();
        for (String fine : List.of("2024-11-15T10:30:00.123456Z", "2024/11/15 10:30", "1,234,567.89", "192.168.100.200",
                "invoice 4111 1111 1111 1112", "acct 0123456789, 0987654321", "MFDS|20210317032332|002431",
                "HUB3F2C1A9E123456789012345678901234")) {
            assertThat(Sensitive.containsPan(fine)).as(fine).isFalse();
        }
    }
}
