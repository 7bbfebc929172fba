package io.crashwatch.loadgen.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.Detector;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.loadgen.TestDetectorSettings;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.loadgen.sim.ScenarioReport;
import io.crashwatch.loadgen.sim.ScenarioRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard as an analyst opens it, in a real browser (Debian's headless Chromium, through its chromedriver;
 * Selenium never downloads one): a detector fed a bad rollout and healthy ones shows the bad version halted, the
 * healthy ones not, a chart with points, the bad version's new crash signature and the command that lifts the HALT,
 * and the browser reports no error
 * (a script the page's policy refused would be one). A screenshot is left in target/dashboard.png.
 */
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String HALTED = "airline-ops/channel-291/r41";
  private static final String HEALTHY = "hospital-frontdesk/sensor/7.11.18200";

  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path dir;

  @Test
  void shouldShowTheBadVersionHaltedTheHealthyOneNotAndTheirCrashRates() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver packages (apt-get install chromium chromium-driver)");
    Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-oncall/status.yaml"));
    DetectorSettings settings = TestDetectorSettings.forRun(CLUSTER, "dashboard-" + UUID.randomUUID().toString().substring(0, 8),
        dir, scenario.detectorSettings());
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      ScenarioReport report = ScenarioRunner.run(scenario, Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
          "schema.registry.url", CLUSTER.schemaRegistryUrl()), settings.topics(), TestDetectorSettings.keys(dir, settings), null,
          p -> { });
      assertThat(report.missedHalts()).isZero();
      WebDriver browser = browser();
      try {
        browser.get("http://127.0.0.1:" + detector.httpPort() + "/");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          WebElement halted = row(browser, "#versions", HALTED);
          assertThat(halted.getAttribute("data-state")).isEqualTo("HALTED");
          assertThat(halted.getAttribute("class")).contains("halted");
          assertThat(halted.findElement(By.cssSelector("td.why")).getText()).contains("halted");
          WebElement healthy = row(browser, "#versions", HEALTHY);
          assertThat(healthy.getAttribute("data-state")).isEqualTo("UNDER_TEST");
          assertThat(healthy.getAttribute("class")).doesNotContain("halted");
          assertThat(healthy.findElement(By.cssSelector("td.why")).getText()).contains("failed devices");
        });
        row(browser, "#versions", HALTED).click();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          WebElement chart = browser.findElement(By.id("chart"));
          assertThat(browser.findElement(By.id("chart-target")).getText()).isEqualTo(HALTED);
          assertThat(Integer.parseInt(chart.getAttribute("data-points"))).as("minutes on the chart").isPositive();
          assertThat(chart.findElements(By.tagName("canvas"))).isNotEmpty();
          assertThat(chart.getAttribute("data-halt")).as("the HALT marked on it").isNotEmpty();
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          WebElement top = browser.findElements(By.cssSelector("#signatures tbody tr")).stream().findFirst()
              .orElseThrow(() -> new AssertionError("no signature listed"));
          assertThat(top.getAttribute("data-signature")).isEqualTo("0x50/csagent.sys");
          assertThat(top.findElement(By.cssSelector("td.mark")).getText()).isEqualTo("new");
        });
        WebElement halt = row(browser, "#halts", HALTED);
        assertThat(halt.findElement(By.cssSelector("code.resume")).getText())
            .startsWith("./crashwatch resume " + HALTED + " --halt ").endsWith("--key YOUR_KEY --reason '...'");
        assertThat(browser.findElement(By.id("problem")).isDisplayed()).as("the page says of no problem").isFalse();

        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("errors in the browser's console").isEmpty();
      } finally {
        browser.quit();
      }
    }
  }

  private static WebElement row(WebDriver browser, String table, String target) {
    return browser.findElements(By.cssSelector(table + " tbody tr")).stream()
        .filter(r -> target.equals(r.getAttribute("data-target"))).findFirst()
        .orElseThrow(() -> new AssertionError(target + " not in " + table));
  }

  private static WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1100");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // The driver is Debian's: given by path, Selenium Manager never looks for (or downloads) one.
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }
}
