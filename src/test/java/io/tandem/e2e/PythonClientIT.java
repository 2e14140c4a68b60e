package io.tandem.e2e;

import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.config.BridgeSettings;
import io.tandem.testing.TestCertificates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python asyncio client against the fat jar, through the real TCP bridge, installed as a user
 * installs it ({@code pip install ./clients/python}, into a venv of Debian's python3, offline):
 * the checks in {@code src/test/python/check_tandem_bus.py}, serving requests included, then the
 * example that fetches three URLs and prints them as they complete.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PythonClientIT {

  private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  @TempDir
  Path workDir;

  /** Where the checks serve requests: on both permission lists, besides the defaults. */
  private static final String QUESTIONS = "test.questions";

  @Test
  void thePythonClientTalksToTheBusThroughTheTcpBridge() throws Exception {
    Path python = install();
    JsonObject bridgeConfig = new JsonObject().put("tcpPort", 0)
        .put("inbound", new JsonArray(new ArrayList<>(BridgeSettings.DEFAULT_INBOUND)).add(QUESTIONS))
        .put("outbound", new JsonArray(new ArrayList<>(BridgeSettings.DEFAULT_OUTBOUND)).add(QUESTIONS));
    JsonObject config = new JsonObject().put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)).put("bridge", bridgeConfig);
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of("TANDEM_FETCHER_ALLOW_HOSTS", "127.0.0.1",
        "TANDEM_BRIDGE_TCP_ENABLED", "true"), "-conf", config.encode())) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      int bridge = tandem.port("TCP bridge");
      int http = tandem.port("HTTP");

      List<String> checks = run(python, "src/test/python/check_tandem_bus.py", String.valueOf(bridge), String.valueOf(tandem.port("TCP echo")),
          String.valueOf(http));
      assertEquals("all checks passed", checks.get(checks.size() - 1), checks.toString());
      assertTrue(checks.stream().anyMatch(line -> line.startsWith("timeout raised: TIMEOUT")), checks.toString());
      assertTrue(checks.contains("failed a request: RECIPIENT_FAILURE (418): no, I am a teapot"), checks.toString());

      String base = "http://127.0.0.1:" + http;
      List<String> fetched = run(python, "clients/python/fetch_three.py", "--bridge-port", String.valueOf(bridge),
          base + "/?delay=800", base + "/hello/Ada", base + "/nope");
      assertEquals(4, fetched.size(), fetched.toString());
      assertTrue(fetched.get(2).startsWith("0: " + base + "/?delay=800 -> 200"), "the slow one last: " + fetched);
      assertTrue(fetched.get(3).matches("done: 2 ok, 1 failed, \\d+ ms"), fetched.toString());
      tandem.assertNoBlockedEventLoop();
    }
  }

  @Test
  void thePythonClientShowsItsTokenFirstWhereTheBridgeAsksForOneOverTls() throws Exception {
    Path python = install();
    TestCertificates.Pair tls = TestCertificates.selfSigned(workDir, "bridge");
    String token = Tokens.newToken();
    Files.writeString(workDir.resolve("tokens.json"), new JsonArray()
        .add(Principals.line("ops", Tokens.sha256Hex(token), List.of(), List.of("tandem.hello"), List.of())).encode());
    JsonObject config = new JsonObject().put("tcp", new JsonObject().put("enabled", false))
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("bridge", new JsonObject().put("tcpEnabled", true).put("tcpPort", 0).put("tls", true))
        .put("auth", new JsonObject().put("tokensFile", "tokens.json"))
        .put("tls", new JsonObject().put("certFile", tls.cert().toString()).put("keyFile", tls.key().toString()));
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", config.encode())) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      List<String> checks = run(python, "src/test/python/check_token.py", String.valueOf(tandem.port("TCP bridge")), token,
          tls.cert().toString());
      assertEquals(List.of("bad token raised: AUTH_FAILED", "over TLSv1.3", "authed as ops", "hello: Hello, Ada!",
          "echo raised: ACCESS_DENIED principal ops may not send to tandem.echo (its permissions.inbound)",
          "all token checks passed"), checks);
      assertTrue(tandem.stdout().stream().noneMatch(line -> line.contains(token)), "the token was logged");
    }
  }

  /**
   * A venv with the client installed from {@code clients/python}; its python. Debian's setuptools
   * (the venv sees the system's packages) builds it: no package index is reached.
   */
  private Path install() throws IOException, InterruptedException {
    Path venv = workDir.resolve("venv");
    run(Path.of(PYTHON), "-m", "venv", "--system-site-packages", venv.toString());
    run(venv.resolve("bin/pip"), "install", "--quiet", "--no-build-isolation", "--no-index", "./clients/python");
    return venv.resolve("bin/python");
  }

  /** Runs a program and returns its output lines; fails with them unless it exits 0. */
  private static List<String> run(Path program, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(program.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish");
    List<String> lines = new String(output, StandardCharsets.UTF_8).lines().toList();
    assertEquals(0, process.exitValue(), command + " failed: " + String.join("\n", lines));
    return lines;
  }
}
