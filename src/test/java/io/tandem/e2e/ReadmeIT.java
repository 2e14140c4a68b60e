package io.tandem.e2e;

import io.tandem.testing.LauncherOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code ```sh} block of README.md, read from the file at test time and run as written,
 * top to bottom, from the repository root, on the README's own ports (which must be free). Each
 * line is one of these kinds, and a line of no kind fails the test:
 *
 * <table>
 *   <tr><th>Line</th><th>Treatment</th></tr>
 *   <tr><td>{@code ./test}, {@code mvn … verify}</td><td>skipped: the test command, of which this test is a part</td></tr>
 *   <tr><td>{@code bench/run.sh …}</td><td>skipped: the benchmarks take tens of minutes; e2e/BenchmarkSmokeIT runs them with --smoke</td></tr>
 *   <tr><td>{@code mvn … package} (no {@code -f})</td><td>skipped: builds target/tandem.jar, the jar under test</td></tr>
 *   <tr><td>{@code mvn … -f examples/… package}</td><td>run, must exit 0</td></tr>
 *   <tr><td>{@code [VAR=…] java -jar target/tandem.jar [options]}</td><td>a server: the block's servers replace the
 *       running ones, each waited on until ready; clustered ones until each sees every clustered node of its block</td></tr>
 *   <tr><td>{@code java -jar target/tandem.jar train}</td><td>a training run: must exit 0 and say {@code trained:}</td></tr>
 *   <tr><td>{@code java -jar target/tandem.jar chat}</td><td>interactive: a line typed, awaited back (its echo, or said in the chat's room), then {@code quit}, exit 0</td></tr>
 *   <tr><td>{@code nc HOST PORT} with nothing piped in</td><td>interactive: a line typed, its echo awaited, then stopped</td></tr>
 *   <tr><td>{@code java -jar examples/…/target/….jar …}</td><td>started in the background; the block goes on once it
 *       prints its "waiting" line, and it must exit 0 by the block's end</td></tr>
 *   <tr><td>{@code curl …}, {@code printf … | nc -q1 …}, {@code python3 …}</td><td>run against the running servers,
 *       must exit 0 within 60 s</td></tr>
 * </table>
 *
 * <p>The JVM's options between {@code java} and {@code -jar} ({@code -XX:…}, {@code -Xlog:…}) leave a
 * line of the kind it has without them. A line {@code A && B} is each part by its kind. A comment after a command whose output is one
 * line is that output: the comment must be the output ({@code ...} standing for anything),
 * possibly followed by a space and a note ({@code # Hello, world! after 1 s}). A command printing
 * several lines or none is held to its exit status only.
 *
 * <p>A plain {@code ```} block whose first line starts with {@code $ } is a transcript: each
 * {@code $ command} is run there, in document order with the sh blocks (so against the servers the
 * last of them started), and what it prints on stdout and stderr must be the lines after it, in any
 * order (results print as they complete) and with every number free to differ (times, ports).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ReadmeIT {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Z_][A-Z0-9_]*)=(\\S*)\\s+");
  private static final String TANDEM = "java -jar target/tandem.jar";
  private static final Pattern JVM_OPTIONS = Pattern.compile("^java( -X\\S+)+ -jar ");
  private static final String TYPED = "typed by ReadmeIT";

  private final List<TandemProcess> servers = new ArrayList<>();
  private final List<String> report = new ArrayList<>();
  private int largestCluster;

  @Test
  void everyShellBlockOfTheReadmeRunsAsWritten() throws Exception {
    FixedPorts.assertFree("this test runs the README's commands on the README's ports", FixedPorts.all());
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    List<Block> blocks = blocks(readme);
    assertTrue(blocks.stream().filter(block -> !block.transcript).count() >= 3, "the README's sh blocks: " + blocks);
    assertTrue(blocks.stream().anyMatch(block -> block.transcript), "the README's transcripts: " + blocks);
    try {
      for (Block block : blocks) {
        if (block.transcript) {
          runTranscript(block.lines);
        } else {
          runBlock(block.lines);
        }
      }
      stopServers();
    } catch (Throwable e) {
      throw new AssertionError(e.getMessage() + "\nwhat ran:\n" + String.join("\n", report), e);
    } finally {
      servers.forEach(TandemProcess::close);
      System.out.println("ReadmeIT:\n" + String.join("\n", report));
    }
    assertEquals(3, largestCluster, "the README's one-machine cluster has three nodes");
  }

  @Test
  void aLineOfNoKnownKindIsAFailureAndACommentIsHeldToTheOutput() {
    assertEquals(Kind.UNKNOWN, kind(Line.parse("rm -rf downloads   # tidy up")));
    assertEquals(Kind.UNKNOWN, kind(Line.parse("docker run tandem")));
    assertEquals(Kind.SERVER, kind(Line.parse("TANDEM_HTTP_PORT=9000 java -jar target/tandem.jar -c   # a node")));
    assertEquals(Kind.SERVER, kind(Line.parse("java -XX:SharedArchiveFile=target/tandem.jsa -jar target/tandem.jar")));
    assertEquals(Kind.TRAIN, kind(Line.parse("java -XX:ArchiveClassesAtExit=target/tandem.jsa -Xlog:cds=off -jar target/tandem.jar train   # once")));
    assertEquals(Kind.UNKNOWN, kind(Line.parse("java -cp target/tandem.jar io.tandem.Tandem")));
    assertEquals(Kind.NC_INTERACTIVE, kind(Line.parse("nc localhost 8080")));
    assertEquals(Kind.ONE_SHOT, kind(Line.parse("printf 'x\\n' | nc -q1 localhost 8080")));
    assertEquals(new Line("curl -s 'a#b'", "Hello, world!"), Line.parse("curl -s 'a#b'   # Hello, world!"));
    assertTrue(commentIsOutput("Hello, world! after 1 s (the tutorial's asyncio.sleep)", "Hello, world!"));
    assertTrue(commentIsOutput("{\"status\":\"UP\",\"checks\":[...]}", "{\"status\":\"UP\",\"checks\":[{\"id\":\"tcp\"}]}"));
    assertTrue(!commentIsOutput("Hello, world!", "Hello"), "a prefix of the comment is not its output");
    assertTrue(!commentIsOutput("lines as they complete", "{\"index\":1}"));
    assertEquals(shape(List.of("1: /nope -> 404 in 22 ms", "0: /?delay=800 -> 200 in 817 ms")),
        shape(List.of("0: /?delay=800 -> 200 in 905 ms", "1: /nope -> 404 in 31 ms")));
    assertTrue(!shape(List.of("1: /nope -> 404 in 22 ms")).equals(shape(List.of("1: /nope -> error blocked in 22 ms"))),
        "a transcript's words are held to the output: only numbers may differ");
  }

  /** Each {@code $ command} of a transcript, run once; its output must be the lines after it. */
  private void runTranscript(List<String> lines) throws Exception {
    for (int i = 0; i < lines.size(); ) {
      String command = lines.get(i).substring(2).trim();
      List<String> expected = new ArrayList<>();
      for (i++; i < lines.size() && !lines.get(i).startsWith("$ "); i++) {
        expected.add(lines.get(i));
      }
      try (TandemProcess process = start(new Line(command, null))) {
        int exit = process.exitCode();
        List<String> printed = new ArrayList<>(process.stdout());
        // the JVM's note that it read the multicast guard from JDK_JAVA_OPTIONS is this test's, not the README's
        process.stderr().stream().filter(text -> !text.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS")).forEach(printed::add);
        assertEquals(shape(expected), shape(printed), "transcript: $ " + command + " (exit " + exit + ")");
        report.add("transcript, printed what the README shows (exit " + exit + "): $ " + command);
      }
    }
  }

  /** Lines as a transcript compares them: in no order, every number standing for any number. */
  static List<String> shape(List<String> lines) {
    return lines.stream().filter(text -> !text.isBlank()).map(text -> text.trim().replaceAll("[0-9]+", "N"))
        .sorted().toList();
  }

  private void runBlock(List<String> lines) throws Exception {
    List<Line> block = new ArrayList<>();
    for (String text : lines) {
      Line line = Line.parse(text);
      for (String part : line.command.split(" && ")) {
        block.add(new Line(part.trim(), line.comment));
      }
    }
    List<Line> serverLines = block.stream().filter(line -> kind(line) == Kind.SERVER).toList();
    if (!serverLines.isEmpty()) {
      stopServers();
      FixedPorts.assertFree("the next block starts the README's servers", FixedPorts.all());
      startServers(serverLines);
    }
    List<TandemProcess> background = new ArrayList<>();
    for (Line line : block) {
      Kind kind = kind(line);
      switch (kind) {
        case SERVER -> { }
        case SKIP_TEST_COMMAND, SKIP_BENCH, SKIP_BUILD -> report.add("skipped (" + kind.why + "): " + line.command);
        case CHAT -> chat(line);
        case TRAIN -> train(line);
        case NC_INTERACTIVE -> typeInto(line);
        case EXAMPLE -> background.add(startExample(line));
        case ONE_SHOT, EXAMPLE_BUILD -> oneShot(line);
        case UNKNOWN -> fail("a README command of no known kind (add its treatment to ReadmeIT): " + line.command);
      }
    }
    for (TandemProcess example : background) {
      assertEquals(0, example.exitCode(), "stdout: " + example.stdout() + " stderr: " + example.stderr());
      report.add("  exited 0, printed: " + example.stdout());
    }
  }

  private enum Kind {
    SERVER(null), CHAT(null), TRAIN(null), NC_INTERACTIVE(null), EXAMPLE(null), EXAMPLE_BUILD(null), ONE_SHOT(null),
    SKIP_TEST_COMMAND("the test command, of which this test is a part"),
    SKIP_BENCH("benchmarks take tens of minutes; e2e/BenchmarkSmokeIT runs bench/run.sh --smoke"),
    SKIP_BUILD("builds target/tandem.jar, the jar under test"),
    UNKNOWN(null);

    final String why;

    Kind(String why) {
      this.why = why;
    }
  }

  private static Kind kind(Line line) {
    // the JVM's own options (an archive to write or map) do not change what a line is
    String command = JVM_OPTIONS.matcher(withoutAssignments(line.command)).replaceFirst("java -jar ");
    if (command.equals("./test") || command.startsWith("./test ") || command.matches("mvn .*\\bverify\\b.*")) {
      return Kind.SKIP_TEST_COMMAND;
    }
    if (command.startsWith("bench/run.sh")) {
      return Kind.SKIP_BENCH;
    }
    if (command.matches("mvn .*\\bpackage\\b.*")) {
      return command.matches(".* -f examples/[\\w-]+/pom\\.xml.*") ? Kind.EXAMPLE_BUILD : Kind.SKIP_BUILD;
    }
    if (command.equals(TANDEM + " chat") || command.startsWith(TANDEM + " chat ")) {
      return Kind.CHAT;
    }
    if (command.equals(TANDEM + " train") || command.startsWith(TANDEM + " train ")) {
      return Kind.TRAIN;
    }
    if (command.equals(TANDEM) || command.startsWith(TANDEM + " ")) {
      return Kind.SERVER;
    }
    if (command.matches("java -jar examples/[\\w-]+/target/[\\w.-]+\\.jar.*")) {
      return Kind.EXAMPLE;
    }
    if (command.matches("nc \\S+ \\d+")) {
      return Kind.NC_INTERACTIVE;
    }
    if (command.startsWith("curl ") || command.startsWith("python3 ") || command.matches("printf .* \\| nc -q\\d+ \\S+ \\d+")) {
      return Kind.ONE_SHOT;
    }
    return Kind.UNKNOWN;
  }

  private void startServers(List<Line> lines) throws Exception {
    List<String> clusterFlags = LauncherOptions.clusterNames();
    int clustered = 0;
    for (Line line : lines) {
      servers.add(start(line));
      if (List.of(line.command.split("\\s+")).stream().anyMatch(word -> clusterFlags.stream().anyMatch(word::equalsIgnoreCase))) {
        clustered++;
      }
    }
    for (int i = 0; i < servers.size(); i++) {
      String ready = servers.get(i).awaitStdout(text -> text.contains("Tandem ready in "));
      report.add("server: " + lines.get(i).command + "\n  " + ready);
    }
    if (clustered > 0) {
      Pattern members = Pattern.compile(".*Cluster node \\S+ (sees|joined;) " + clustered + " members?\\b.*");
      for (TandemProcess server : servers) {
        report.add("  " + server.awaitStdout(text -> members.matcher(text).matches()));
      }
      largestCluster = Math.max(largestCluster, clustered);
    }
  }

  private void stopServers() throws Exception {
    for (TandemProcess server : servers) {
      server.terminate();
    }
    for (TandemProcess server : servers) {
      assertEquals(0, server.exitCode(), "a README server did not stop cleanly: " + server.stderr());
    }
    servers.clear();
  }

  private void oneShot(Line line) throws Exception {
    requireServers(line);
    try (TandemProcess process = start(line)) {
      assertEquals(0, process.exitCode(), line.command + " failed: " + process.stdout() + " " + process.stderr());
      // Maven's colour resets alone are no output
      List<String> output = process.stdout().stream().map(text -> text.replaceAll("\u001B\\[[0-9;]*m", ""))
          .filter(text -> !text.isBlank()).toList();
      if (output.size() == 1 && line.comment != null) {
        assertTrue(commentIsOutput(line.comment, output.get(0).trim()),
            line.command + "\n printed: " + output.get(0) + "\n the README says: # " + line.comment);
        report.add("ran, printed what its comment says: " + line.command + " -> " + output.get(0));
      } else {
        report.add("ran, exit 0 (" + output.size() + " lines of output): " + line.command);
      }
    }
  }

  /** A training run: its own listeners on free ports, its own clients, exit 0. */
  private void train(Line line) throws Exception {
    try (TandemProcess process = start(line)) {
      assertEquals(0, process.exitCode(), line.command + " failed: " + process.stdout() + " " + process.stderr());
      report.add("ran, " + process.stdout().stream().filter(text -> text.startsWith("trained: ")).findFirst()
          .orElseThrow(() -> new AssertionError("no \"trained:\" line: " + process.stdout())) + ": " + line.command);
    }
  }

  private void chat(Line line) throws Exception {
    requireServers(line);
    try (TandemProcess chat = start(line)) {
      chat.stdin().write((TYPED + "\nquit\n").getBytes(StandardCharsets.UTF_8));
      chat.stdin().flush();
      // the echo's port: the line itself; the chat's: the line as said in its room, "[#general] ada: ..."
      chat.awaitStdout(text -> text.equals(TYPED) || text.startsWith("[#") && text.endsWith(": " + TYPED));
      assertEquals(0, chat.exitCode(), chat.stderr().toString());
      report.add("interactive, typed a line, got it back, quit, exit 0: " + line.command);
    }
  }

  private void typeInto(Line line) throws Exception {
    requireServers(line);
    try (TandemProcess nc = start(line)) {
      nc.stdin().write((TYPED + "\n").getBytes(StandardCharsets.UTF_8));
      nc.stdin().flush();
      nc.awaitStdout(text -> text.equals(TYPED));
      report.add("interactive, typed a line, got its echo, stopped: " + line.command);
    }
  }

  private TandemProcess startExample(Line line) throws Exception {
    requireServers(line);
    TandemProcess example = start(line);
    example.awaitStdout(text -> text.contains("waiting"));
    report.add("background, waiting: " + line.command);
    return example;
  }

  private void requireServers(Line line) {
    assertTrue(!servers.isEmpty(), "no README server is running for: " + line.command);
  }

  /** The line through bash in the repository root, its leading VAR=value words as its environment. */
  private static TandemProcess start(Line line) throws IOException {
    Map<String, String> env = new HashMap<>();
    String command = line.command;
    for (Matcher m = ASSIGNMENT.matcher(command); m.find(); m = ASSIGNMENT.matcher(command)) {
      env.put(m.group(1), m.group(2));
      command = command.substring(m.end());
    }
    // never multicast, even were Tandem's own Hazelcast configuration ever bypassed
    env.put("JDK_JAVA_OPTIONS", "-Dvertx.hazelcast.config=" + TandemProcess.HAZELCAST_GUARD.toAbsolutePath());
    // exec: a signal reaches the program, not the shell
    String script = command.contains("|") ? command : "exec " + command;
    return TandemProcess.command(ROOT, env, List.of("bash", "-c", script));
  }

  private static String withoutAssignments(String command) {
    String rest = command;
    for (Matcher m = ASSIGNMENT.matcher(rest); m.find(); m = ASSIGNMENT.matcher(rest)) {
      rest = rest.substring(m.end());
    }
    return rest;
  }

  /** The comment is the output, "..." standing for anything, perhaps followed by a space and a note. */
  static boolean commentIsOutput(String comment, String output) {
    for (int end = comment.length(); end > 0; end = comment.lastIndexOf(' ', end - 1)) {
      String expected = comment.substring(0, end).trim();
      StringBuilder regex = new StringBuilder();
      for (String piece : expected.split("\\.\\.\\.|…", -1)) {
        if (regex.length() > 0) {
          regex.append(".*");
        }
        regex.append(Pattern.quote(piece));
      }
      if (!expected.isEmpty() && output.matches(regex.toString())) {
        return true;
      }
    }
    return false;
  }

  /** A ```sh block's commands, or a transcript's lines. */
  private record Block(boolean transcript, List<String> lines) { }

  /**
   * In document order: each ```sh block's lines (continuation lines joined, blank lines and
   * whole-line comments left out), and each plain ``` block that starts with "$ " as a transcript.
   */
  static List<Block> blocks(String readme) {
    List<Block> blocks = new ArrayList<>();
    List<String> block = null;
    boolean sh = false;
    StringBuilder pending = new StringBuilder();
    for (String raw : readme.split("\n", -1)) {
      String trimmed = raw.trim();
      if (block == null) {
        if (trimmed.startsWith("```")) {
          block = new ArrayList<>();
          sh = trimmed.equals("```sh");
        }
        continue;
      }
      if (trimmed.equals("```")) {
        if (sh || (!block.isEmpty() && block.get(0).startsWith("$ "))) {
          blocks.add(new Block(!sh, block));
        }
        block = null;
        continue;
      }
      if (!sh) {
        block.add(raw);
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      String line = pending + trimmed;
      pending.setLength(0);
      if (!line.isBlank() && !line.startsWith("#")) {
        block.add(line);
      }
    }
    assertTrue(block == null, "an unclosed ``` block in README.md");
    return blocks;
  }

  /** A command and the comment after it (a # after a space, outside quotes), or none. */
  private record Line(String command, String comment) {

    static Line parse(String text) {
      char quote = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '#' && i > 0 && Character.isWhitespace(text.charAt(i - 1))) {
          return new Line(text.substring(0, i).trim(), text.substring(i + 1).trim());
        }
      }
      return new Line(text.trim(), null);
    }
  }
}
