package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import africa.payhub.canonical.Json;
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
 * queue, search, open a payment's timeline, resolve it with a confirmation, redeliver a dead callback; the
 * charts, the money-in, batch, data request and operator call views, the CSV export, and every view from
 * 800 px wide. Screenshots are kept in target/ops-console/ (-Dops.console.screenshots=docs/console writes the
 * ones docs/operations.md shows). Skipped where Chromium and its driver are not installed (.ci/run installs them).
 */
class OpsConsoleTest extends HubTestSupport {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of(System.getProperty("ops.console.screenshots", "target/ops-console"));
    static final Path DOWNLOADS = Path.of("target/ops-console-downloads").toAbsolutePath();

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
        Files.createDirectories(DOWNLOADS);
        options.setExperimentalOption("prefs", java.util.Map.of("download.default_directory", DOWNLOADS.toString(),
                "download.prompt_for_download", false));
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
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("providers-table"), "monnify"));
        assertThat(browser.findElement(By.id("providers-table")).getText()).contains("monnify").contains("CLOSED")
                .contains("waiting on this hub");

        // the review queue lists it
        tab("review");
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#review-table tr[data-payment-id='" + review + "']")));
        assertThat(row.getText()).contains("NEEDS_REVIEW").contains("NOT_FOUND_AT_PROVIDER");
        assertThat(Integer.parseInt(browser.findElement(By.cssSelector("#figure-needs-review b")).getText())).isGreaterThanOrEqualTo(1);
        shot("review-queue");

        // search finds the other by its message id, and opens it with its timeline
        browser.findElement(By.cssSelector("nav.tabs button[data-tab='search']")).click();
        browser.findElement(By.name("reference")).sendKeys(payment(paid).path("messageId").asText());
        browser.findElement(By.cssSelector("#search-form button[type='submit']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#search-table tr[data-payment-id='" + paid + "']"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("payment-id"), paid));
        assertThat(browser.findElement(By.cssSelector("#payment-view dd[data-field='status']")).getText()).isEqualTo("SUCCEEDED");
        // the timeline as steps a person reads: the request, the provider's answer, the status changes, each
        // event's JSON one click away
        List<WebElement> steps = browser.findElements(By.cssSelector("#timeline li.step"));
        List<String> kinds = steps.stream().map(e -> e.getAttribute("data-kind")).toList();
        assertThat(kinds).contains("request", "answer", "status");
        WebElement request = steps.stream().filter(e -> e.getText().contains("Request to monnify: POST /api/v2/disbursements/single"))
                .findFirst().orElseThrow();
        assertThat(request.getAttribute("data-kind")).isEqualTo("request");
        assertThat(steps.stream().filter(e -> "answer".equals(e.getAttribute("data-kind"))).map(WebElement::getText))
                .anyMatch(t -> t.matches("(?s).*Answer from monnify: HTTP 200 in \\d+ ms.*"));
        assertThat(steps.get(kinds.lastIndexOf("status")).getText()).contains("→").contains("SUCCEEDED");
        WebElement detail = request.findElement(By.cssSelector("details.json pre"));
        assertThat(detail.isDisplayed()).isFalse();
        request.findElement(By.cssSelector("details.json summary")).click();
        wait.until(ExpectedConditions.visibilityOf(detail));
        assertThat(detail.getText()).contains("\"type\": \"PROVIDER_REQUEST\"").contains("destinationAccountNumber");
        assertThat(browser.findElement(By.id("resolve")).isDisplayed()).isFalse();
        shot("payment-timeline");

        // back to the queue: open the one under review and resolve it, confirming first
        tab("review");
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
        tab("callbacks");
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

    /**
     * Every view an operator has, with what each must show: the charts drawn from the hub's statistics, the
     * search exported as CSV, unmatched webhooks, reconciliations, batches (and one opened), data requests (and
     * one's timeline), operator calls; then each again in a window 800 px wide, where nothing may stick out.
     */
    @Test
    void everyViewShowsItsDataAndFitsFrom800PixelsWide() throws Exception {
        String paid = submit(payout(messageId("console-chart-ok"), "2085886393", "75.00")).path("paymentId").asText();
        String failed = submit(payout(messageId("console-chart-ko"), "1000000006", "12.50")).path("paymentId").asText();
        String batchId = post("/api/v1/payments", Json.write(BatchPayoutTest.batch(messageId("console-batch"), 3, 0)), CLIENT)
                .json().path("batchId").asText();
        String tx = "MNFY|MANDATE|" + messageId("console");
        post("/sandbox/monnify/_control/webhooks", "{\"eventType\": \"MANDATE_STATUS_UPDATE\", \"eventData\": "
                + "{\"transactionReference\": \"" + tx + "\", \"status\": \"ACTIVATED\"}}", null);
        String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        assertThat(post("/api/v1/ops/reconciliations", "{\"provider\": \"monnify\", \"from\": \"" + day + "T00:00:00Z\", "
                + "\"to\": \"" + Instant.now() + "\"}", OPERATOR).status()).isEqualTo(200);
        String dataRequest = post("/api/v1/data-requests", Json.write(Json.object().put("requestId", messageId("console-data"))
                .put("kind", "INSIGHTS").put("provider", "stub").put("businessId", "biz_7Hq2")), CLIENT).json()
                .path("dataRequestId").asText();
        assertThat(get("/api/v1/providers/monnify/limit-profiles", OPERATOR).status()).isEqualTo(200);
        awaitStatus(paid, "SUCCEEDED");
        awaitStatus(failed, "FAILED");
        org.awaitility.Awaitility.await().until(() -> get("/api/v1/ops/webhooks?limit=500", OPERATOR).body().contains(tx));

        browser.get(BASE + "/ops/");
        signIn("ops", "ops-secret");

        // the overview: three charts, each drawn by uPlot (a canvas) with a series for monnify
        for (String chart : List.of("chart-volume", "chart-success", "chart-latency")) {
            WebElement drawn = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#" + chart + " .uplot canvas")));
            assertThat(drawn.getSize().getWidth()).isGreaterThan(200);
            assertThat(browser.findElement(By.id(chart)).getAttribute("data-providers")).contains("monnify");
            assertThat(browser.findElement(By.cssSelector("#" + chart + " .u-legend")).getText()).contains("monnify");
        }
        Object drawnPayments = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return state.charts[0].data[1 + state.charts[0].series.slice(1).findIndex(s => s.label === 'monnify')]"
                        + ".reduce((a, b) => a + (b || 0), 0)");
        assertThat(((Number) drawnPayments).longValue()).as("payments the volume chart draws for monnify").isGreaterThanOrEqualTo(2);
        // the last hour by minute: the same figures, finer
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("stats-period"))).selectByValue("1h/minute");
        wait.until(d -> ((Number) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "return state.charts.length ? state.charts[0].data[0].length : 0")).intValue() >= 60);
        shot("overview");

        // the search, exported as CSV (made by the hub, saved by the browser)
        tab("search");
        browser.findElement(By.name("reference")).sendKeys(paid);
        browser.findElement(By.cssSelector("#search-form button[type='submit']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#search-table tr[data-payment-id='" + paid + "']")));
        try (var old = Files.list(DOWNLOADS)) {
            old.forEach(f -> f.toFile().delete());
        }
        browser.findElement(By.id("search-csv")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Exported payments-"));
        org.awaitility.Awaitility.await().untilAsserted(() -> {
            try (var files = Files.list(DOWNLOADS)) {
                List<Path> csv = files.filter(f -> f.toString().endsWith(".csv")).toList();
                assertThat(csv).hasSize(1);
                assertThat(Files.readString(csv.get(0))).startsWith("createdAt,updatedAt,paymentId,").contains(paid + ",");
            }
        });
        shot("search");

        tab("webhooks");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("webhooks-table"), tx));
        assertThat(browser.findElement(By.id("webhooks-table")).getText()).contains("UNMATCHED").contains("monnify");
        shot("unmatched-webhooks");

        tab("reconciliations");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#reconciliations-table tr.reconciliation-row")));
        assertThat(browser.findElement(By.id("reconciliations-table")).getText()).contains("monnify").contains("operator:ops");
        shot("reconciliations");

        tab("batches");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#batches-table tr[data-batch-id='" + batchId + "']"))).click();
        awaitText("batch-id", batchId);
        wait.until(d -> d.findElements(By.cssSelector("#batch-items tr.batch-item-row")).size() == 3);
        assertThat(browser.findElement(By.id("batch-items")).getText()).contains("emp-0000").contains("250.50 NGN");
        shot("batches");

        tab("data-requests");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#data-requests-table tr[data-request-id='" + dataRequest + "']"))).click();
        awaitText("data-request-id", dataRequest);
        assertThat(browser.findElements(By.cssSelector("#data-request-timeline li.step"))).isNotEmpty();
        assertThat(browser.findElement(By.id("data-requests-table")).getText()).contains("INSIGHTS").contains("stub");
        shot("data-requests");

        tab("operator-calls");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("operator-calls-table"), "limit-profiles"));
        assertThat(browser.findElement(By.id("operator-calls-table")).getText()).contains("ops").contains("OK");
        assertThat(browser.findElement(By.id("declared-calls-table")).getText()).contains("/api/v1/providers/monnify/create-wallet");
        shot("operator-calls");

        // from 800 px wide: every view fits the window (its tables wrap, or scroll inside their card)
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(800, 1000));
        for (String view : List.of("overview", "review", "search", "callbacks", "webhooks", "reconciliations", "batches",
                "data-requests", "operator-calls")) {
            tab(view);
            Thread.sleep(300);
            Object overflow = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(((Number) overflow).intValue()).as(view + " sticks out of an 800 px window").isLessThanOrEqualTo(0);
        }
        // the payments list wraps its reason column rather than scrolling
        tab("search");
        browser.findElement(By.cssSelector("#search-form button[type='submit']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#search-table tr.payment-row")));
        Object tableOverflow = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "const t = document.getElementById('search-table'); return t.scrollWidth - t.parentElement.clientWidth");
        assertThat(((Number) tableOverflow).intValue()).as("the payments table at 800 px").isLessThanOrEqualTo(0);
        shot("search-800px");
        tab("overview");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-latency .uplot canvas")));
        Thread.sleep(300);
        shot("overview-800px");
    }

    /**
     * Waits for an element's text (as the page holds it: a heading may show it in capitals); when it never comes,
     * the console's notice (where errors are said) tells why.
     */
    private void awaitText(String id, String text) {
        try {
            wait.until(ExpectedConditions.attributeContains(By.id(id), "textContent", text));
        } catch (org.openqa.selenium.TimeoutException e) {
            String logs;
            try {
                logs = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().toString();
            } catch (RuntimeException unavailable) {
                logs = "(no browser log)";
            }
            Object direct = ((org.openqa.selenium.JavascriptExecutor) browser).executeAsyncScript(
                    "const done = arguments[arguments.length - 1]; const el = document.getElementById(arguments[0]);"
                            + "done(JSON.stringify({text: el.textContent, shown: el.offsetParent !== null,"
                            + " rows: document.querySelectorAll('tr.batch-row').length}))", id);
            try {
                shot("failure-" + id);
            } catch (Exception ignored) {
                // the screenshot only helps to read the failure
            }
            throw new AssertionError("#" + id + " never showed " + text + "; the console's notice: "
                    + browser.findElement(By.id("notice")).getText() + "; its log: " + logs + "; the page: " + direct, e);
        }
    }

    private void tab(String name) {
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("nav.tabs button[data-tab='" + name + "']"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tab-" + name)));
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
