package io.tandem.e2e;

import io.tandem.testing.BlockedStacks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code java -jar target/tandem.jar ...} as a real process, with its output collected line by
 * line so a test can wait for a line instead of sleeping. Vert.x inside it runs with the same
 * tight blocked-thread check as the unit tests.
 */
final class TandemProcess implements AutoCloseable {

  static final Path JAR = Path.of(System.getProperty("tandem.jar", "target/tandem.jar"));
  static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  static final Path HAZELCAST_GUARD = Path.of("src", "test", "resources", "hazelcast-guard.xml");

  private final Process process;
  private final List<String> stdout = new ArrayList<>();
  private final List<String> stderr = new ArrayList<>();
  private final Thread[] readers;

  private TandemProcess(Process process) {
    this.process = process;
    readers = new Thread[] {collect(process.getInputStream(), stdout), collect(process.getErrorStream(), stderr)};
  }

  static TandemProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    return start(workDir, env, List.of(), args);
  }

  /** The same, run by {@code launcher} (e.g. {@code prlimit --nofile=N --}). */
  static TandemProcess start(Path workDir, Map<String, String> env, List<String> launcher, String... args) throws IOException {
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of(JAVA.toString(),
        "-Dvertx.options.maxEventLoopExecuteTime=200",
        "-Dvertx.options.maxEventLoopExecuteTimeUnit=MILLISECONDS",
        "-Dvertx.options.blockedThreadCheckInterval=50",
        // each warning with the blocked thread's stack, so a test can tell a block from class loading
        "-Dvertx.options.warningExceptionTime=200",
        "-Dvertx.options.warningExceptionTimeUnit=MILLISECONDS",
        // never multicast, even were Tandem's own Hazelcast configuration ever bypassed
        "-Dvertx.hazelcast.config=" + HAZELCAST_GUARD.toAbsolutePath(),
        "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("TANDEM_"));
    builder.environment().putAll(env);
    return new TandemProcess(builder.start());
  }

  /** Any other program (an example, a shell line), its output collected the same way. */
  static TandemProcess command(Path workDir, Map<String, String> env, List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("TANDEM_"));
    builder.environment().putAll(env);
    return new TandemProcess(builder.start());
  }

  /** Starts the service on loopback with every listener on a free port, and waits until it is ready. */
  static TandemProcess startService(Path workDir, String... extraArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("-conf",
        "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":0},\"bridge\":{\"tcpPort\":0}}"));
    args.addAll(List.of(extraArgs));
    TandemProcess tandem = start(workDir, Map.of(), args.toArray(String[]::new));
    tandem.awaitStdout(line -> line.contains("Tandem ready in "));
    return tandem;
  }

  private Thread collect(InputStream stream, List<String> lines) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (this) {
            lines.add(line);
            notifyAll();
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
    });
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  /** Waits (at most 30 s) for a line on stdout; fails with what was printed if it never comes. */
  synchronized String awaitStdout(Predicate<String> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int seen = 0; ; ) {
      for (; seen < stdout.size(); seen++) {
        if (wanted.test(stdout.get(seen))) {
          return stdout.get(seen);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !process.isAlive() && !readers[0].isAlive()) {
        fail("the line never came; stdout: " + stdout + " stderr: " + stderr);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** The real port of a listener, from its start-up line ("HTTP listening on 127.0.0.1:41234 ..."). */
  int port(String listener) throws InterruptedException {
    Pattern line = Pattern.compile(Pattern.quote(listener) + " listening on [^ ]+:(\\d+) ");
    Matcher matcher = line.matcher(awaitStdout(text -> line.matcher(text).find()));
    assertTrue(matcher.find());
    return Integer.parseInt(matcher.group(1));
  }

  OutputStream stdin() {
    return process.getOutputStream();
  }

  /** SIGTERM. Not {@code Process.destroy()}: that also closes our ends of its output pipes. */
  void terminate() {
    process.toHandle().destroy();
  }

  /** Waits (at most 60 s) for the exit, and for all output to be collected. */
  int exitCode() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      fail("the process did not exit; stdout: " + stdout() + " stderr: " + stderr());
    }
    for (Thread reader : readers) {
      reader.join(5000);
    }
    return process.exitValue();
  }

  synchronized List<String> stdout() {
    return List.copyOf(stdout);
  }

  synchronized List<String> stderr() {
    return List.copyOf(stderr);
  }

  /**
   * Fails if Vert.x in the process reported a blocked event loop once the service was ready, by
   * the unit tests' rule ({@link BlockedStacks}) applied to the stack logged with each warning.
   * Before ready, every server instance binds under one lock Vert.x shares between all servers,
   * and on a loaded two-core machine the holder's class loading can keep the others waiting past
   * 200 ms; that is start-up, not an event loop blocked while serving.
   */
  void assertNoBlockedEventLoop() {
    List<String> all = new ArrayList<>(stdout());
    all.addAll(stderr());
    int ready = 0;
    while (ready < all.size() && !all.get(ready).contains("Tandem ready in ")) {
      ready++;
    }
    List<String> blocked = new ArrayList<>();
    for (int i = ready; i < all.size(); i++) {
      if (all.get(i).contains("has been blocked for")) {
        List<BlockedStacks.Frame> stack = new ArrayList<>();
        for (int j = i + 1; j < all.size() && (all.get(j).startsWith("\t") || all.get(j).startsWith("io.vertx.core.VertxException")); j++) {
          if (all.get(j).startsWith("\tat ")) {
            stack.add(BlockedStacks.Frame.parse(all.get(j)));
          }
        }
        if (stack.isEmpty() || BlockedStacks.counts(stack)) {
          blocked.add(all.get(i) + " " + stack);
        }
      }
    }
    assertTrue(blocked.isEmpty(), "blocked after ready: " + blocked + "; output: " + all);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  static Map<String, String> env(String name, String value) {
    return Map.of(name, value);
  }
}
