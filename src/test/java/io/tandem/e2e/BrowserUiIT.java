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
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page at {@code /ui/} in a real browser — Debian's headless Chromium, driven through its
 * chromedriver — against the fat jar, real sockets and a real origin: the page chats in a room with
 * a terminal chat client and a Python bridge client (history on joining, each line once, who is
 * here, what is refused, text never markup), shows what a TCP echo client types and sends it a
 * line, and a fetch shows each result as it completes. Leaves the screenshot the README shows in
 * {@code target/screenshots/ui.png}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrowserUiIT {

  private static final Path SCREENSHOT = Path.of("target", "screenshots", "ui.png");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  /**
   * Holds the page's next {@code tandem.chat.history} request until {@code window.heldHistory()}
   * sends it, and keeps each frame the page receives in {@code window.framesIn}: a test's wrapper
   * around the browser's own WebSocket, the page's code untouched.
   */
  private static final String HOLD_NEXT_HISTORY_REQUEST = String.join("\n",
      "const send = WebSocket.prototype.send;",
      "const decoder = new TextDecoder();",
      "let hold = true;",
      "window.framesIn = [];",
      "WebSocket.prototype.send = function (data) {",
      "  if (!this.watched) {",
      "    this.watched = true;",
      "    this.addEventListener('message', e => window.framesIn.push(typeof e.data === 'string' ? e.data : decoder.decode(e.data)));",
      "  }",
      "  if (hold && JSON.parse(data).address === 'tandem.chat.history') {",
      "    hold = false;",
      "    window.heldHistory = () => send.call(this, data);",
      "    return;",
      "  }",
      "  return send.call(this, data);",
      "};");

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
  void thePageChatsInRoomsShowsTheEchosLinesAndFetchResultsAsTheyComplete() throws Exception {
    Origin origin = Origin.start(vertx);
    try (TandemProcess tandem = start(0, ",\"tcpEnabled\":true")) {
      int http = tandem.port("HTTP");
      WebDriverWait wait = new WebDriverWait(browser, WAIT);

      browser.get("http://127.0.0.1:" + http + "/ui/");
      wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));

      // a fetch: the quick results show while the slow one is still on its way
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

      // meanwhile (the page does both at once, and the suite has no time to wait for the slow URL)
      chatsInARoomWithATerminalAndAPythonClient(tandem, wait);
      showsTheEchosLinesAndSendsThemOne(tandem, wait);

      // then the slow one, and the summary
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

      browser.executeScript("window.scrollTo(0, 0)");
      Files.createDirectories(SCREENSHOT.getParent());
      Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
      tandem.assertNoBlockedEventLoop();
    }
  }

  /**
   * The page and two clients in {@code #general}: a terminal chat client (a socket to chat.port,
   * the line protocol) and a Python bridge client ({@code src/test/python/chat_in_room.py}, through
   * the TCP bridge). The page joins while its history request is held until a line said meanwhile
   * has reached it live: that line, in the history and live, shows once.
   */
  private void chatsInARoomWithATerminalAndAPythonClient(TandemProcess tandem, WebDriverWait wait) throws Exception {
    try (Terminal term = new Terminal(tandem.port("Chat"), "term")) {
      term.say("said before the page came");
      term.await("[#general] term: said before the page came");
      String markup = "<img src=x onerror=\"document.title='owned'\"><b>not bold</b>";
      term.say(markup);
      term.await("[#general] term: " + markup);

      // a nickname the chat would refuse is refused here, and joins nothing
      nickname("<img src=x>");
      assertEquals("A nickname is 1 to 32 letters (A-Z, a-z), digits, _ or -, as on the chat.", text("chat-note"));
      assertTrue(browser.findElements(By.cssSelector("#rooms li")).isEmpty());

      // a nickname joins #general: subscribed first, then the history, held here until a line said
      // meanwhile has come live
      browser.executeScript(HOLD_NEXT_HISTORY_REQUEST);
      nickname("pagenick");
      wait.until(page -> (Boolean) browser.executeScript("return window.heldHistory !== undefined"));
      term.say("said while the page joins");
      term.await("[#general] term: said while the page joins");
      wait.until(page -> (Boolean) browser.executeScript(
          "return window.framesIn.some(frame => frame.includes('said while the page joins'))"));
      browser.executeScript("window.heldHistory()");
      wait.until(page -> messages("#general").contains("term: said while the page joins"));
      assertEquals(List.of("term: said before the page came", "term: " + markup, "term: said while the page joins"),
          messages("#general"), "the history, then the line that came live while it was read, each once");
      assertTrue(browser.findElements(By.cssSelector("#chat img, #chat b")).isEmpty(), "what was typed stays text");
      assertEquals("Tandem", browser.getTitle());
      wait.until(page -> whoIsHere().equals(List.of("term")));
      assertEquals("In #general", text("who-title"));

      // both ways, live
      term.say("hello");
      wait.until(page -> messages("#general").contains("term: hello"));
      say("hi");
      term.await("[#general] pagenick: hi");
      wait.until(page -> messages("#general").contains("pagenick: hi"));
      assertEquals("pagenick", browser.findElement(By.cssSelector("#chat li.message.self .who")).getText());

      // a Python bridge client in the same room: heard by both, and hears both
      // the client's one file, as the docs allow, without leaving its compiled copy in the source tree
      Map<String, String> env = Map.of("PYTHONPATH", Path.of("clients/python").toAbsolutePath().toString(),
          "PYTHONDONTWRITEBYTECODE", "1");
      TandemProcess python = TandemProcess.command(workDir, env,
          List.of(PYTHON, Path.of("src/test/python/chat_in_room.py").toAbsolutePath().toString(),
              String.valueOf(tandem.port("TCP bridge")), "py", "hello from Python", "bye, Python"));
      try (python) {
        python.awaitStdout(line -> line.startsWith("said #general/"));
        wait.until(page -> messages("#general").contains("py: hello from Python"));
        term.await("[#general] py: hello from Python");
        term.say("hi, Python");
        wait.until(page -> messages("#general").contains("term: hi, Python"));
        say("bye, Python");
        python.awaitStdout(line -> line.equals("pagenick: bye, Python"));
        assertEquals(0, python.exitCode(), python.stdout() + " " + python.stderr());
        assertEquals(List.of("py: hello from Python", "term: hi, Python", "pagenick: bye, Python"),
            python.stdout().subList(2, python.stdout().size()), "what the Python client heard");
      }

      // a nickname a chat client holds: the line is refused, said why, and kept to send again
      nickname("term");
      say("am I term?");
      wait.until(ExpectedConditions.textToBe(By.id("chat-note"),
          "Not sent: term is the nickname of a chat client (someone on the chat port holds it). Choose another nickname."));
      assertEquals("am I term?", browser.findElement(By.id("say-text")).getAttribute("value"));
      browser.findElement(By.id("say-text")).clear();
      nickname("pagenick");

      // who is here follows the room's events
      term.say("/nick term2");
      wait.until(page -> whoIsHere().equals(List.of("term2")));
      wait.until(page -> events("#general").contains("term is now term2"));

      // another room: a tab of its own, its own people; leaving it goes back to #general
      browser.findElement(By.id("join-room")).sendKeys("random");
      browser.findElement(By.id("join-button")).click();
      wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#rooms li.current"), "data-room", "#random"));
      wait.until(page -> whoIsHere().isEmpty());
      term.say("/join #random");
      wait.until(page -> whoIsHere().equals(List.of("term2")));
      say("in random");
      term.await("[#random] pagenick: in random");
      browser.findElement(By.cssSelector("#rooms li[data-room='#random'] .leave")).click();
      assertEquals(List.of("#general"), browser.findElements(By.cssSelector("#rooms li")).stream()
          .map(tab -> tab.getAttribute("data-room")).toList());
      assertEquals(List.of("term2"), whoIsHere());
    }
  }

  /** A TCP echo client's lines and comings and goings show in the echo's panel, as text; the page's line reaches it. */
  private void showsTheEchosLinesAndSendsThemOne(TandemProcess tandem, WebDriverWait wait) throws Exception {
    try (Socket tcp = new Socket()) {
      tcp.connect(new InetSocketAddress("127.0.0.1", tandem.port("TCP echo")), 5000);
      tcp.setSoTimeout((int) WAIT.toMillis());
      BufferedReader in = new BufferedReader(new InputStreamReader(tcp.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = tcp.getOutputStream();
      String me = "127.0.0.1:" + tcp.getLocalPort();

      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("echo-log"), me));
      out.write("hello from nc <b>not bold</b>\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("hello from nc <b>not bold</b>", in.readLine(), "the echo");
      WebElement line = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#echo-log li.line")));
      assertEquals(me, line.findElement(By.className("who")).getText());
      assertEquals("hello from nc <b>not bold</b>", line.findElement(By.className("text")).getText());
      assertTrue(browser.findElements(By.cssSelector("#echo-log b")).isEmpty(), "a typed tag stays text");

      browser.findElement(By.id("echo-text")).sendKeys("hello from the browser");
      browser.findElement(By.id("echo-button")).click();
      assertEquals("hello from the browser", in.readLine());
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#echo-log li.self"), "hello from the browser"));
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
      nickname("pagenick");
      say("before the restart");
      wait.until(page -> messages("#general").equals(List.of("pagenick: before the restart")));
      first.terminate();
      assertEquals(0, first.exitCode());
    }
    wait.until(ExpectedConditions.textToBe(By.id("state"), "not connected, trying again…"));
    assertTrue(browser.findElement(By.id("fetch-button")).getAttribute("disabled") != null, "nothing to send to");
    assertTrue(browser.findElement(By.id("say-button")).getAttribute("disabled") != null, "nothing to say it to");

    // back with a narrower permission list: the refused subscription is named, and does not keep
    // the page from being connected with the others
    try (TandemProcess second = start(http,
        ",\"outbound\":[\"tandem.tcp.messages\",\"tandem.fetch.progress.*\",\"tandem.chat.room.*\"]")) {
      wait.until(ExpectedConditions.textToBe(By.id("state"), "connected"));
      assertEquals("The bridge refused a frame: subscribing to tandem.tcp.connections is not on bridge.outbound",
          browser.findElement(By.id("echo-note")).getText());
      try (Socket tcp = new Socket()) {
        tcp.connect(new InetSocketAddress("127.0.0.1", second.port("TCP echo")), 5000);
        tcp.getOutputStream().write("after the restart\n".getBytes(StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#echo-log li.line"), "after the restart"));
      }
      // the room too; the new process numbers the room's messages from 1 again, and its first is
      // not taken for the first process's
      try (Terminal term = new Terminal(second.port("Chat"), "term")) {
        wait.until(page -> whoIsHere().equals(List.of("term")));
        term.say("after the restart");
        wait.until(page -> messages("#general").equals(List.of("pagenick: before the restart", "term: after the restart")));
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
      wait.until(ExpectedConditions.textToBe(By.id("echo-note"),
          "The bridge refused a frame: principal ops may not subscribe to tandem.tcp.connections (its permissions.outbound)"));
      try (Socket tcp = new Socket()) {
        tcp.connect(new InetSocketAddress("127.0.0.1", tandem.port("TCP echo")), 5000);
        tcp.getOutputStream().write("seen with a token\n".getBytes(StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#echo-log li.line"), "seen with a token"));
      }
      nickname("ops");
      wait.until(ExpectedConditions.textToBe(By.id("chat-note"),
          "Not listening to #general: principal ops may not subscribe to tandem.chat.room.general (its permissions.outbound)"));
      assertTrue(browser.findElements(By.cssSelector("#rooms li")).isEmpty(), "no tab for a room the page cannot hear");
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

  private void nickname(String nick) {
    WebElement field = browser.findElement(By.id("nick"));
    field.clear();
    field.sendKeys(nick);
    browser.findElement(By.id("nick-button")).click();
  }

  private void say(String line) {
    browser.findElement(By.id("say-text")).sendKeys(line);
    browser.findElement(By.id("say-button")).click();
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** A room's messages as shown, {@code nick: text}, oldest first. */
  private List<String> messages(String room) {
    return lines(room, "li.message", "li.querySelector('.who').textContent + ': ' + li.querySelector('.text').textContent");
  }

  /** A room's joined, left and renamed lines as shown. */
  private List<String> events(String room) {
    return lines(room, "li.event", "li.querySelector('.text').textContent");
  }

  @SuppressWarnings("unchecked")
  private List<String> lines(String room, String selector, String shown) {
    return (List<String>) browser.executeScript("return [...document.querySelectorAll(arguments[0])].map(li => " + shown + ")",
        "ol.room-log[data-room='" + room + "'] " + selector);
  }

  /** Read in one go: the list is drawn anew with each answer. */
  @SuppressWarnings("unchecked")
  private List<String> whoIsHere() {
    return (List<String>) browser.executeScript("return [...document.querySelectorAll('#who-list li')].map(li => li.textContent)");
  }

  /** A terminal chat client: a real socket to chat.port, speaking the line protocol. */
  private static final class Terminal implements AutoCloseable {

    private final Socket socket = new Socket();
    private final BufferedReader in;
    private final List<String> read = new ArrayList<>();

    /** Connects to chat.port, takes the nickname and reads up to the end of #general's history. */
    Terminal(int port, String nick) throws IOException {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout((int) WAIT.toMillis());
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      say("/nick " + nick);
      await("* end of history");
    }

    void say(String line) throws IOException {
      socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Reads lines until this one; fails with what it read instead. */
    void await(String line) throws IOException {
      try {
        for (String next; (next = in.readLine()) != null; ) {
          read.add(next);
          if (next.equals(line)) {
            return;
          }
        }
      } catch (SocketTimeoutException e) {
        // said below
      }
      throw new AssertionError("the terminal client never read " + line + "; it read " + read);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
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
