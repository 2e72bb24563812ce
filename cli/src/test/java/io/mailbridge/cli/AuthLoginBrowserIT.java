package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * `mailbridge auth login` with a real browser: headless Debian chromium, driven by Selenium,
 * types a user into mock-oauth2-server's interactive login page and lands on the CLI's loopback
 * redirect. Needs {@code chromium} and {@code chromium-driver} (installed by .ci/run); skipped with a
 * hint without them, except under CI=true, where it fails.
 */
@Tag("browser")
class AuthLoginBrowserIT {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  @TempDir
  Path dir;

  @BeforeAll
  static void needsChromium() {
    boolean present = new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but " + CHROMIUM + " / " + CHROMEDRIVER + " are missing: .ci/run "
          + "must `apt-get install -y chromium chromium-driver`");
    }
    Assumptions.assumeTrue(present, "browser test skipped: " + CHROMIUM + " and " + CHROMEDRIVER + " not installed "
        + "(apt-get install -y chromium chromium-driver)");
  }

  private WebDriver chromium() throws Exception {
    // Explicit binaries: Selenium Manager must never try to download a browser or driver.
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"));
    return new ChromeDriver(service, options);
  }

  @Test
  void logsInOnTheProvidersPageAndLandsOnTheLoopbackRedirect() throws Exception {
    try (OAuthTestServer oauth = new OAuthTestServer(0, true)) {
      Path config = oauth.config(dir, "");
      OAuthTestServer.Background login = new OAuthTestServer.Background("auth", "login", "--config",
          config.toString(), "--profile", "work", "--no-browser");
      URI url = login.authorizationUrl();
      WebDriver browser = chromium();
      try {
        browser.get(url.toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.name("username")))
            .sendKeys("alice@example.test");
        browser.findElement(By.cssSelector("input[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("title"), "Mailbridge is logged in"));
        assertThat(browser.getCurrentUrl()).startsWith("http://127.0.0.1:").contains("/callback?");
        assertThat(browser.findElement(By.id("message")).getText()).contains("close this tab");
      } finally {
        browser.quit();
      }
      assertThat(login.awaitExit()).as(login.err.toString()).isZero();
      JsonNode result = Json.mapper().readTree(login.out.toString());
      assertThat(result.path("user").asText()).isEqualTo("alice@example.test");
      assertThat(dir.resolve("tokens/work.json")).exists();
    }
  }
}
