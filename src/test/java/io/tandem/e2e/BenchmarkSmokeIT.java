package io.tandem.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
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
 * Keeps the benchmark harness from rotting: {@code bench/run.sh --smoke} runs every workload
 * against every contender for about a second. The numbers are ignored; what must hold is that
 * every server starts, every load generator checks its bytes and exits cleanly, and the report
 * has a row for each workload.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class BenchmarkSmokeIT {

  private static final Path JAR = Path.of(System.getProperty("tandem.jar", "target/tandem.jar"));

  @Test
  void everyWorkloadRunsAgainstEveryContender() throws Exception {
    String report = smokeRun(Map.of());
    for (String workload : List.of("HTTP GET /, wrk", "HTTP GET /?delay=1000", "TCP echo ping-pong",
        "TCP echo streaming", "Fetch ", "Event bus request/reply", "Start to ready", "RSS with",
        "Chat, 50 clients in 2 rooms, a line a second each: delivery latency (p99)",
        "Chat, 50 clients in 2 rooms, a line a second each: server CPU")) {
      assertTrue(report.contains("| " + workload), "no " + workload + " row in\n" + report);
    }
    // issue 18: footprint's JVM rows (a smoke run trains Tandem's AppCDS archive and starts from it)
    // and warmstart's first second after ready against the warm speed, for HTTP and TCP
    assertTrue(report.lines().anyMatch(row -> row.startsWith("| Start to ready") && row.contains(" + AppCDS | ")),
        "no start to ready row with AppCDS in\n" + report);
    for (String load : List.of("HTTP GET /, wrk 64 connections", "TCP echo ping-pong, 64 B, 64 connections")) {
      assertTrue(report.contains("| First 1 s after ready ÷ warm, " + load), "no warmstart row for " + load + " in\n" + report);
    }
    // the chat's contenders each measured (a chat line not read by every member of its room, doubled
    // or refused, or a blocked thread in Tandem's log, is a problem seen: the run's status 1)
    int chat = report.indexOf("### Chat, 50 clients in 2 rooms, a line a second each: delivered lines/s\n");
    assertTrue(chat > 0, "no chat figures in\n" + report);
    String figures = report.substring(chat, report.indexOf("\n### ", chat + 1));
    for (String who : List.of("| Tandem | ", "| asyncio streams | ", "| asyncio streams + uvloop | ")) {
      assertTrue(figures.contains(who), "no chat figures for " + who + " in\n" + figures);
    }
    for (String contender : List.of("| Tandem |", "| Tandem, access log on |", "| Tandem, tcp.publishMessages false |",
        "| bare Vert.x |", "| raw Netty |", "| asyncio streams |", "| asyncio streams + uvloop |", "| aiohttp |",
        "| aiohttp + uvloop |", "| bare Vert.x WebClient |")) {
      assertTrue(report.contains(contender), "no figures for " + contender.trim() + " in\n" + report);
    }
    assertTrue(report.contains("| Tandem ÷ raw Netty |"), "no Tandem ÷ raw Netty in the summary of\n" + report);
  }

  /** The A/B suites BENCHMARKS.md gives for a change (paired, paired-fetch), with this checkout as its own baseline, over two starts. */
  @Test
  void thePairedSuiteMeasuresTandemAndABaselineBuildTogether() throws Exception {
    String report = smokeRun(Map.of("BENCH_BASELINE_DIR", Path.of("").toAbsolutePath().toString()), "paired", "paired-fetch");
    int section = report.indexOf("## Paired with the baseline build");
    assertTrue(section >= 0, "no paired section in\n" + report);
    for (String workload : List.of("| HTTP GET /, wrk 8 connections | ",
        "| TCP echo ping-pong, 64 B, 8 connections | ", "| Fetch 200 URLs x 1 KiB, concurrency 256 | ")) {
      int row = report.indexOf(workload, section);
      assertTrue(row > section, "no paired " + workload + "row in\n" + report);
      // the smoke profile's 2 starts of 1 round, a new pair of processes for each (the fetch: 1 start)
      String line = report.substring(row, report.indexOf('\n', row));
      String starts = workload.startsWith("| Fetch ") ? "| 1 × 1 |" : "| 2 × 1 |";
      assertTrue(line.contains(starts), "not measured as " + starts + ": " + line);
    }
  }

  /** What a bearer token costs GET /: the same build with and without the check, paired. */
  @Test
  void theAuthSuiteMeasuresGetRootWithAndWithoutATokenChecked() throws Exception {
    String report = smokeRun(Map.of(), "auth");
    int section = report.indexOf("## A bearer token's cost on GET /");
    assertTrue(section >= 0, "no auth section in\n" + report);
    String workload = "| HTTP GET / with a bearer token checked (as Tandem) or not (as baseline), wrk 8 connections | ";
    int row = report.indexOf(workload, section);
    assertTrue(row > section, "no auth row in\n" + report);
    assertTrue(report.substring(row, report.indexOf('\n', row)).contains("| 1 × 1 |"), report);
    // every request let through: a refused token would be wrk's non-2xx answers
    assertTrue(report.contains("## Problems seen\n\nnone\n"), report);
  }

  /** What the meters cost: GET / paired with metrics on and off, and the bus both ways. */
  @Test
  void theMetricsSuiteMeasuresGetRootAndTheBusWithMetricsOnAndOff() throws Exception {
    String report = smokeRun(Map.of(), "metrics");
    int section = report.indexOf("## What the meters cost GET /");
    assertTrue(section >= 0, "no metrics section in\n" + report);
    int row = report.indexOf("| HTTP GET / keep-alive, metrics on (as Tandem) or off (as baseline), wrk 8 connections | ", section);
    assertTrue(row > section, "no GET / row in\n" + report);
    assertTrue(report.substring(row, report.indexOf('\n', row)).contains("| 1 × 1 |"), report);
    int bus = report.indexOf("### Event bus request/reply, 128 in flight\n");
    assertTrue(bus > 0, "no bus figures in\n" + report);
    for (String who : List.of("| Tandem, metrics on | ", "| Tandem, metrics off | ")) {
      assertTrue(report.indexOf(who, bus) > bus, who + " in\n" + report);
    }
    assertTrue(report.contains("## Problems seen\n\nnone\n"), report);
  }

  /** What tracing costs: GET / paired with every request a span posted to a local sink, and tracing off. */
  @Test
  void theTracingSuiteMeasuresGetRootWithTracingOnAndOff() throws Exception {
    String report = smokeRun(Map.of(), "tracing");
    int section = report.indexOf("## What tracing costs GET /");
    assertTrue(section >= 0, "no tracing section in\n" + report);
    int row = report.indexOf("| HTTP GET / keep-alive, tracing on at 1.0 to a local OTLP sink (as Tandem) or off (as baseline), wrk 8 connections | ", section);
    assertTrue(row > section, "no GET / row in\n" + report);
    assertTrue(report.substring(row, report.indexOf('\n', row)).contains("| 1 × 1 |"), report);
    // "no span reached the OTLP sink" would be a problem seen
    assertTrue(report.contains("## Problems seen\n\nnone\n"), report);
  }

  /** The same build over TLS and in clear: every TLS workload has both figures and a ratio. */
  @Test
  void theTlsSuiteMeasuresEachWorkloadOverTlsAndInClear() throws Exception {
    String report = smokeRun(Map.of(), "tls");
    int section = report.indexOf("## Over TLS and in clear");
    assertTrue(section >= 0, "no TLS section in\n" + report);
    String table = report.substring(section, report.indexOf("\n## ", section + 1));
    for (String workload : new String[] {"| HTTP GET / keep-alive, wrk 8 connections |", "| HTTP GET /, a new connection per request",
        "| HTTP GET /, h2load 64 connections x 10 at once", "| TCP echo ping-pong, 64 B, 8 connections |"}) {
      int row = table.indexOf(workload);
      assertTrue(row >= 0, workload + " missing in\n" + table);
      String line = table.substring(row, table.indexOf('\n', row));
      assertTrue(line.matches(".*\\| [\\d.]+× \\|.*"), "no TLS ÷ clear ratio: " + line);
    }
    // every request answered over TLS: a failed handshake or a refused request would be listed here
    assertTrue(report.contains("## Problems seen\n\nnone\n"), report);
  }

  /** Runs bench/run.sh --smoke with {@code suites}; the report it wrote. */
  private static String smokeRun(Map<String, String> env, String... suites) throws Exception {
    Path out = Files.createTempDirectory("tandem-bench-smoke");
    Path console = out.resolve("console.txt");
    List<String> command = new ArrayList<>(List.of("bench/run.sh", "--smoke", "--out", out.toString()));
    command.addAll(List.of(suites));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(console.toFile());
    builder.environment().put("BENCH_TANDEM_JAR", JAR.toAbsolutePath().toString());
    builder.environment().putAll(env);
    Process run = builder.start();
    assertTrue(run.waitFor(7, TimeUnit.MINUTES), "the smoke run did not finish in 7 minutes");
    String output = Files.readString(console, StandardCharsets.UTF_8);
    assertEquals(0, run.exitValue(), output);
    File[] reports = out.toFile().listFiles((dir, name) -> name.endsWith(".md"));
    assertEquals(1, reports.length, output);
    return Files.readString(reports[0].toPath(), StandardCharsets.UTF_8);
  }
}
