package io.tandem.e2e;

import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.fetch.Origin;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page at {@code /ui/} in a real browser — Debian's headless Chromium, driven through its
 * chromedriver — against the fat jar, a real TCP client and a real origin: the chat panel shows
 * what the TCP client types, a line sent from the page reaches the TCP client, and a fetch shows
 * each result as it completes. Leaves the screenshot the README shows in
 * {@code target/screenshots/ui.png}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrowserUiIT {

  private static final Path SCREENSHOT = Path.of("target", "screenshots", "ui.png");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path workDir;

  private Vertx vertx;
  private ChromeDriver browser;

  @BeforeEach
  void startBrowser() {
    // the Debian packages, named outright: Selenium then neither looks for nor downloads a browser
    ChromeDriverService driver = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    ChromeOptions options = new ChromeOptions()
        .setBinary("/usr/bin/chromium")
        // the flags keep a sandboxed, offline machine's Chromium from reaching out on its own
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1280,860", "--user-data-dir=" + workDir.resolve("chromium"));
    options.setCapability("goog:loggingPrefs", logs);
    browser = new ChromeDriver(driver, options);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void thePageChatsWithTcpClientsAndShowsFetchResultsAsTheyComplete() throws Exception {
    Origin origin = Origin.start(vertx);
    try (TandemProcess tandem = start(0, "")) {
      int http = tandem.port("HTTP");
      WebDriverWait wait = new WebDriverWait(browser, WAIT);

      browser.get("http://127.0.0.1:" + http + "/ui/");
      wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));

      try (Socket tcp = new Socket()) {
        tcp.connect(new InetSocketAddress("127.0.0.1", tandem.port("TCP echo")), 5000);
        tcp.setSoTimeout((int) WAIT.toMillis());
        BufferedReader in = new BufferedReader(new InputStreamReader(tcp.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = tcp.getOutputStream();
        String me = "127.0.0.1:" + tcp.getLocalPort();

        // the TCP client joins and types: both show in the chat panel, as text
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chat-log"), me));
        out.write("hello from nc <b>not bold</b>\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("hello from nc <b>not bold</b>", in.readLine(), "the echo");
        WebElement line = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chat-log li.line")));
        assertEquals(me, line.findElement(By.className("who")).getText());
        assertEquals("hello from nc <b>not bold</b>", line.findElement(By.className("text")).getText());
        assertTrue(browser.findElements(By.cssSelector("#chat-log b")).isEmpty(), "a typed tag stays text");

        // a line typed in the page reaches the TCP client
        browser.findElement(By.id("chat-text")).sendKeys("hello from the browser");
        browser.findElement(By.id("chat-button")).click();
        assertEquals("hello from the browser", in.readLine());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#chat-log li.self"), "hello from the browser"));
      }

      // a fetch: the quick results show while the slow one is still on its way, then the summary
      String slow = origin.url("/delay/4000");
      String quick = origin.url("/delay/1");
      String missing = origin.url("/status/404");
      String refused = "http://127.0.0.1:1/";
      browser.findElement(By.id("urls")).sendKeys(String.join("\n", slow, quick, missing, refused));
      browser.findElement(By.id("fetch-button")).click();
      wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#results tbody tr"), 3));
      assertEquals(0, origin.slowAnswersFinished.get(), "three rows before the slow answer came");
      assertTrue(browser.findElement(By.id("fetch-note")).getText().startsWith("3 of 4 done"),
          browser.findElement(By.id("fetch-note")).getText());

      wait.until(ExpectedConditions.textMatches(By.id("fetch-note"), java.util.regex.Pattern.compile("Done: 2 succeeded, 2 failed, in \\d+ ms\\.")));
      List<WebElement> rows = browser.findElements(By.cssSelector("#results tbody tr"));
      assertEquals(4, rows.size());
      assertEquals(List.of(slow, "200", "OK"), cells(rows.get(3), 1, 2, 5), "the slow one came last");
      assertEquals(List.of(quick, "200", "8 B", "OK"), cells(row(rows, quick), 1, 2, 3, 5));
      assertEquals(List.of(missing, "404", "The server answered 404"), cells(row(rows, missing), 1, 2, 5));
      WebElement failed = row(rows, refused);
      assertEquals("—", failed.findElements(By.tagName("td")).get(2).getText());
      String outcome = failed.findElements(By.tagName("td")).get(5).getText();
      assertTrue(outcome.startsWith("Could not connect\n"), "in words, with the fetcher's message: " + outcome);
      for (WebElement row : rows) {
        assertTrue(row.findElements(By.tagName("td")).get(4).getText().matches("\\d+ ms"), "each result has its time");
      }

      List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
          .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
      assertTrue(errors.isEmpty(), "the browser's console has errors (a blocked script, a failed load): " + errors);

      Files.createDirectories(SCREENSHOT.getParent());
      Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
      tandem.assertNoBlockedEventLoop();
    }
  }

  @Test
  void thePageReconnectsAndSubscribesAgainWhenTandemComesBack() throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    int http;
    try (TandemProcess first = start(0, "")) {
      http = first.port("HTTP");
      browser.get("http://127.0.0.1:" + http + "/ui/");
      wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));
      first.terminate();
      assertEquals(0, first.exitCode());
    }
    wait.until(ExpectedConditions.textToBe(By.id("state"), "not connected, trying again…"));
    assertTrue(browser.findElement(By.id("fetch-button")).getAttribute("disabled") != null, "nothing to send to");

    // back with a narrower permission list: the refused subscription is named, and does not keep
    // the page from being connected with the other
    try (TandemProcess second = start(http, ",\"outbound\":[\"tandem.tcp.messages\",\"tandem.fetch.progress.*\"]")) {
      wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));
      assertEquals("The bridge refused a frame: subscribing to tandem.tcp.connections is not on bridge.outbound",
          browser.findElement(By.id("chat-note")).getText());
      try (Socket tcp = new Socket()) {
        tcp.connect(new InetSocketAddress("127.0.0.1", second.port("TCP echo")), 5000);
        tcp.getOutputStream().write("after the restart\n".getBytes(StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#chat-log li.line"), "after the restart"));
      }
    }
  }

  @Test
  void thePageAsksForATokenWhereTandemWantsOneAndKeepsItInMemoryOnly() throws Exception {
    String token = Tokens.newToken();
    Files.writeString(workDir.resolve("tokens.json"), new JsonArray().add(Principals.line("ops", Tokens.sha256Hex(token),
        List.of("GET /eventbus"), List.of("tandem.tcp.broadcast"), List.of("tandem.tcp.messages"))).encode());
    TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf",
        "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":0},"
            + "\"bridge\":{\"tcpPort\":0},\"auth\":{\"tokensFile\":\"tokens.json\"}}");
    try (tandem) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      WebDriverWait wait = new WebDriverWait(browser, WAIT);
      browser.get("http://127.0.0.1:" + tandem.port("HTTP") + "/ui/");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
      assertEquals("This Tandem wants a token to use the bus.", browser.findElement(By.id("token-note")).getText());

      browser.findElement(By.id("token")).sendKeys("not-" + token);
      browser.findElement(By.id("token-button")).click();
      wait.until(ExpectedConditions.textToBe(By.id("token-note"), "Not allowed: the token is not one of auth.tokensFile"));

      browser.findElement(By.id("token")).sendKeys(token);
      browser.findElement(By.id("token-button")).click();
      wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));
      assertEquals(false, browser.findElement(By.id("token-form")).isDisplayed());
      // what this principal lacks is said, not silently missing
      wait.until(ExpectedConditions.textToBe(By.id("chat-note"),
          "The bridge refused a frame: principal ops may not subscribe to tandem.tcp.connections (its permissions.outbound)"));
      try (Socket tcp = new Socket()) {
        tcp.connect(new InetSocketAddress("127.0.0.1", tandem.port("TCP echo")), 5000);
        tcp.getOutputStream().write("seen with a token\n".getBytes(StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#chat-log li.line"), "seen with a token"));
      }
      Object kept = browser.executeScript("return [localStorage.length, sessionStorage.length, document.cookie];");
      assertEquals(List.of(0L, 0L, ""), kept, "the token is kept in memory only");
    }
  }

  /** The fat jar on loopback, HTTP on the given port (0: any), ready; {@code bridge} adds keys to that section. */
  private TandemProcess start(int httpPort, String bridge) throws Exception {
    TandemProcess tandem = TandemProcess.start(workDir, Map.of("TANDEM_FETCHER_ALLOW_HOSTS", "127.0.0.1"), "-conf",
        "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":" + httpPort
            + "},\"bridge\":{\"tcpPort\":0" + bridge + "}}");
    tandem.awaitStdout(line -> line.contains("Tandem ready in "));
    return tandem;
  }

  private static WebElement row(List<WebElement> rows, String url) {
    return rows.stream().filter(row -> row.findElements(By.tagName("td")).get(1).getText().equals(url)).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + url));
  }

  private static List<String> cells(WebElement row, int... columns) {
    List<WebElement> cells = row.findElements(By.tagName("td"));
    return java.util.Arrays.stream(columns).mapToObj(column -> cells.get(column).getText()).toList();
  }
}
