package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operations console as an operator uses it, in a real headless Chromium: sign in, see the review
 * queue, search, open a payment's timeline, resolve it with a confirmation, redeliver a dead callback.
 * Screenshots are kept in target/ops-console/. Skipped where Chromium and its driver are not installed
 * (.ci/run installs them).
 */
class OpsConsoleTest extends HubTestSupport {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target/ops-console");

    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser() throws Exception {
        browser = headlessChromium("ops-console");
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        Files.createDirectories(SHOTS);
    }

    /** Debian's Chromium, headless, through its driver; the calling test is skipped where they are not installed. */
    static WebDriver headlessChromium(String profile) throws java.io.IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "chromium and chromedriver are not installed");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1000", "--user-data-dir=" + Files.createTempDirectory(profile + "-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorFindsAPaymentInTheReviewQueueReadsItsTimelineAndResolvesIt() throws Exception {
        // a payment that needs a person (Monnify D07: the provider never has the reference) and one that succeeds
        String review = submit(payout(messageId("console-review"), "1000000009", "20.00")).path("paymentId").asText();
        String paid = submit(payout(messageId("console-paid"), "2085886393", "42.00")).path("paymentId").asText();
        awaitStatus(paid, "SUCCEEDED");
        awaitStatus(review, "NEEDS_REVIEW");

        browser.get(BASE + "/ops");
        // a client's credentials are not an operator's
        signIn("demo-erp", "demo-erp-secret");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "operators"));
        signIn("ops", "wrong");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "Wrong"));
        signIn("ops", "ops-secret");

        // the review queue lists it
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#review-table tr[data-payment-id='" + review + "']")));
        assertThat(row.getText()).contains("NEEDS_REVIEW").contains("NOT_FOUND_AT_PROVIDER");
        assertThat(Integer.parseInt(browser.findElement(By.cssSelector("#figure-needs-review b")).getText())).isGreaterThanOrEqualTo(1);
        assertThat(browser.findElement(By.id("providers-table")).getText()).contains("monnify").contains("CLOSED")
                .contains("waiting on this hub");
        shot("review-queue");

        // search finds the other by its message id, and opens it with its timeline
        browser.findElement(By.cssSelector("nav.tabs button[data-tab='search']")).click();
        browser.findElement(By.name("reference")).sendKeys(payment(paid).path("messageId").asText());
        browser.findElement(By.cssSelector("#search-form button[type='submit']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#search-table tr[data-payment-id='" + paid + "']"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("payment-id"), paid));
        assertThat(browser.findElement(By.cssSelector("#payment-view dd[data-field='status']")).getText()).isEqualTo("SUCCEEDED");
        List<String> events = browser.findElements(By.cssSelector("#timeline tr.event-row")).stream().map(WebElement::getText).toList();
        assertThat(String.join("\n", events)).contains("ACCEPTED").contains("PROVIDER_REQUEST").contains("STATUS_CHANGED");
        assertThat(browser.findElement(By.id("resolve")).isDisplayed()).isFalse();
        shot("payment-timeline");

        // back to the queue: open the one under review and resolve it, confirming first
        browser.findElement(By.cssSelector("nav.tabs button[data-tab='review']")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#review-table tr[data-payment-id='" + review + "']"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("resolve")));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("resolve-status"))).selectByValue("FAILED");
        browser.findElement(By.id("resolve-reason")).sendKeys("Monnify support: no transfer with this reference");
        browser.findElement(By.id("resolve-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("resolve-confirm")));
        assertThat(browser.findElement(By.id("resolve-confirm-text")).getText()).contains(review).contains("FAILED");
        assertThat(payment(review).path("status").asText()).isEqualTo("NEEDS_REVIEW"); // nothing happens before the confirmation
        shot("resolve-confirm");
        browser.findElement(By.id("resolve-yes")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#payment-view dd[data-field='status']"), "FAILED"));

        assertThat(payment(review).path("status").asText()).isEqualTo("FAILED");
        assertThat(payment(review).path("reasonCode").asText()).isEqualTo("OPERATOR_DECISION");
        assertThat(MonnifyPayoutTest.eventTypes(review)).contains("STATUS_CHANGED");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#review-table tr[data-payment-id='" + review + "']")));
        shot("resolved");
    }

    @Test
    void anOperatorRedeliversADeadCallback() throws Exception {
        String path = "/hooks/" + messageId("console-dead");
        CallbackReceiver receiver = CallbackReceiver.get();
        receiver.failFirst(path, 1000, 503);
        var m = payout(messageId("console-dead"), "1000000006", "10.00");
        m.put("callbackUrl", receiver.url(path));
        String id = submit(m).path("paymentId").asText();
        awaitStatus(id, "FAILED");
        org.awaitility.Awaitility.await().until(() -> get("/api/v1/callbacks?status=DEAD&limit=200", OPERATOR).body().contains(id));
        receiver.failFirst(path, 0, 200);

        browser.get(BASE + "/ops/");
        signIn("ops", "ops-secret");
        browser.findElement(By.cssSelector("nav.tabs button[data-tab='callbacks']")).click();
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//table[@id='callbacks-table']//tr[td//button[text()='" + id.substring(0, 8) + "']]")));
        WebElement redeliver = row.findElement(By.cssSelector("button.redeliver"));
        redeliver.click();
        assertThat(redeliver.getText()).isEqualTo("Confirm redelivery");
        redeliver.click();
        wait.until(ExpectedConditions.textToBePresentInElement(redeliver, "Queued"));
        shot("dead-callbacks");
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(receiver.receivedAt(path).stream()
                .filter(r -> "true".equals(r.headers().get("X-Hub-Redelivery")))).isNotEmpty());
    }

    private void signIn(String user, String secret) {
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        name.clear();
        name.sendKeys(user);
        browser.findElement(By.id("password")).clear();
        browser.findElement(By.id("password")).sendKeys(secret);
        browser.findElement(By.cssSelector("#sign-in-form button[type='submit']")).click();
    }

    private void shot(String name) throws Exception {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }
}
