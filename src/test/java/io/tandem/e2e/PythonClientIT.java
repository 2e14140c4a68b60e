package io.tandem.e2e;

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
 * The Python asyncio client ({@code clients/python}) with Debian's python3 against the fat jar,
 * through the real TCP bridge: the checks in {@code src/test/python/check_tandem_bus.py}, then
 * the example that fetches three URLs and prints them as they complete.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PythonClientIT {

  private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  @TempDir
  Path workDir;

  @Test
  void thePythonClientTalksToTheBusThroughTheTcpBridge() throws Exception {
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of("TANDEM_FETCHER_ALLOW_HOSTS", "127.0.0.1",
        "TANDEM_BRIDGE_TCP_ENABLED", "true"), "-conf",
        "{\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":0},\"bridge\":{\"tcpPort\":0}}")) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      int bridge = tandem.port("TCP bridge");
      int http = tandem.port("HTTP");

      List<String> checks = python("src/test/python/check_tandem_bus.py", String.valueOf(bridge), String.valueOf(tandem.port("TCP echo")),
          String.valueOf(http));
      assertEquals("all checks passed", checks.get(checks.size() - 1), checks.toString());
      assertTrue(checks.stream().anyMatch(line -> line.startsWith("timeout raised: TIMEOUT")), checks.toString());

      String base = "http://127.0.0.1:" + http;
      List<String> fetched = python("clients/python/fetch_three.py", "--bridge-port", String.valueOf(bridge),
          base + "/?delay=800", base + "/hello/Ada", base + "/nope");
      assertEquals(4, fetched.size(), fetched.toString());
      assertTrue(fetched.get(2).startsWith("0: " + base + "/?delay=800 -> 200"), "the slow one last: " + fetched);
      assertTrue(fetched.get(3).matches("done: 2 ok, 1 failed, \\d+ ms"), fetched.toString());
      tandem.assertNoBlockedEventLoop();
    }
  }

  /** Runs a script with python3 and returns its output lines; fails with them unless it exits 0. */
  private static List<String> python(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON, script));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), script + " did not finish");
    List<String> lines = new String(output, StandardCharsets.UTF_8).lines().toList();
    assertEquals(0, process.exitValue(), script + " failed: " + String.join("\n", lines));
    return lines;
  }
}
