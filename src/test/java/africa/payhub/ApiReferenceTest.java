package africa.payhub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API reference at /api/docs/: the OpenAPI document rendered by Swagger UI from the webjar the hub serves, with
 * no login and nothing loaded from anywhere else; in a real headless Chromium (skipped where it is not installed),
 * every documented operation shows, and a request body shows the document's example.
 */
class ApiReferenceTest extends HubTestSupport {

    static final Path SHOTS = Path.of("target/api-reference");

    @Test
    void theReferenceAndEveryFileItLoadsAreServedWithoutALogin() {
        Response bare = get("/api/docs", null);
        assertThat(bare.status()).isEqualTo(302);
        assertThat(bare.header("Location")).endsWith("/api/docs/");

        Response page = get("/api/docs/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
        List<String> files = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
        while (m.find()) {
            files.add(m.group(1));
        }
        assertThat(files).as("the page's scripts and styles").hasSizeGreaterThanOrEqualTo(3)
                .noneMatch(f -> f.contains("//"));
        for (String file : files) {
            String path = java.net.URI.create(BASE + "/api/docs/").resolve(file).getRawPath();
            Response r = get(path, null);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).isNotBlank();
        }
        Response init = get("/api/docs/reference.js", null);
        assertThat(init.body()).contains("../v1/openapi.json").contains("validatorUrl: null").doesNotContain("http");
    }

    @Test
    void aBrowserShowsEveryOperationAndTheDocumentsExamples() throws Exception {
        WebDriver browser = OpsConsoleTest.headlessChromium("api-reference");
        try {
            int operations = 0;
            for (JsonNode path : get("/api/v1/openapi.json", null).json().path("paths")) {
                for (String method : List.of("get", "post", "put", "delete", "patch")) {
                    operations += path.has(method) ? 1 : 0;
                }
            }
            browser.get(BASE + "/api/docs");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            int documented = operations;
            // every path's operations (and the callbacks the hub makes, under Webhooks)
            wait.until(b -> b.findElements(By.cssSelector(".opblock")).size() >= documented);
            assertThat(browser.findElements(By.cssSelector(".opblock-summary-path")).stream().map(e -> e.getAttribute("data-path")))
                    .contains("/api/v1/payments", "/api/v1/payments/{paymentId}", "/webhooks/{provider}");
            assertThat(browser.findElement(By.cssSelector(".info .title")).getText()).contains("Payment integration hub");

            // the payment request: its body shows the first operation's example, as the document gives it
            browser.findElement(By.id("operations-payments-createPayment")).findElement(By.cssSelector(".opblock-summary")).click();
            wait.until(b -> b.findElement(By.id("operations-payments-createPayment")).getText().contains("erp-2026-000123"));
        } finally {
            Files.createDirectories(SHOTS);
            Files.write(SHOTS.resolve("reference.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            browser.quit();
        }
    }
}
