package io.tandem.e2e;

import io.tandem.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code java -jar tandem.jar train}, the run a JVM learns Tandem's classes from, and the archives
 * made of it: each start with an archive uses {@code -Xshare:on} or {@code -XX:AOTMode=on}, under
 * which a JVM that cannot map the archive refuses to start rather than quietly load every class.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TrainingIT {

  /** The second JDK of these machines (the env notes'): Java 25's ahead-of-time cache. */
  private static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
  private static final String LOOPBACK_CONF =
      "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":0}}";

  @TempDir
  Path workDir;

  @Test
  void aTrainingRunTakesFreeLoopbackPortsServesEachKindOnceAndTheClassArchiveOfItStartsTheService() throws Exception {
    Path archive = workDir.resolve("tandem.jsa");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // the configuration names a port in use (as a running service's would be): training takes free ones
      String conf = "{\"http\":{\"port\":" + taken.getLocalPort() + "}}";
      TandemProcess training = run(TandemProcess.JAVA, "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-jar", jar(), "train", "-conf", conf);
      assertEquals(0, training.exitCode(), "stdout: " + training.stdout() + " stderr: " + training.stderr());
      assertTrue(training.stdout().stream().anyMatch(line -> line.matches("trained: 13 requests in \\d+ ms")), training.stdout().toString());
      for (String listener : List.of("TCP echo", "Chat", "HTTP")) {
        assertTrue(training.stdout().stream().anyMatch(line -> line.contains(listener + " listening on 127.0.0.1:")),
            listener + " on loopback: " + training.stdout());
      }
    }
    assertTrue(Files.size(archive) > 0, "the JVM wrote no archive");
    assertServes(run(TandemProcess.JAVA, "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-jar", jar(), "-conf", LOOPBACK_CONF));
  }

  @Test
  void onJava25TheSameRunMakesAnAheadOfTimeCacheTheServiceStartsWith() throws Exception {
    assumeTrue(Files.isExecutable(JAVA_25), "no Java 25 at " + JAVA_25);
    Path cache = workDir.resolve("tandem.aot");
    TandemProcess training = run(JAVA_25, "-XX:AOTCacheOutput=" + cache, "-Xlog:aot=off", "-Xlog:cds=off", "-jar", jar(), "train");
    assertEquals(0, training.exitCode(), "stdout: " + training.stdout() + " stderr: " + training.stderr());
    assertTrue(Files.size(cache) > 0, "no cache written: " + training.stdout());
    assertServes(run(JAVA_25, "-XX:AOTMode=on", "-XX:AOTCache=" + cache, "-jar", jar(), "-conf", LOOPBACK_CONF));
  }

  @Test
  void aStepWithoutAProperAnswerEndsTheRunWithExit1AndOneLineNamingIt() throws Exception {
    // a JVM with too little direct memory for Netty's buffers: the service starts, a request is never
    // read whole (the short head timeout ends it sooner)
    TandemProcess training = run(TandemProcess.JAVA, "-XX:MaxDirectMemorySize=256k", "-jar", jar(), "train",
        "-conf", "{\"http\":{\"requestHeaderTimeoutMs\":200}}");
    assertEquals(1, training.exitCode(), training.stdout().toString());
    List<String> errors = training.stderr().stream().filter(line -> line.startsWith("train error: ")).toList();
    assertEquals(1, errors.size(), training.stderr().toString());
    assertTrue(errors.get(0).matches("train error: (GET|POST) /\\S*(: no answer \\(.+\\)| answered 5\\d\\d)"), errors.get(0));
  }

  @Test
  void aServiceThisNodeDoesNotRunIsNotAskedFor() throws Exception {
    // no TCP echo (POST /echo, the echo line) and no fetcher (POST /fetch): each would answer 503 on purpose
    TandemProcess training = run(TandemProcess.JAVA, "-jar", jar(), "train", "-conf", "{\"tcp\":{\"enabled\":false},\"fetcher\":{\"enabled\":false}}");
    assertEquals(0, training.exitCode(), "stdout: " + training.stdout() + " stderr: " + training.stderr());
    assertTrue(training.stdout().stream().anyMatch(line -> line.matches("trained: 10 requests in \\d+ ms")), training.stdout().toString());
  }

  private static String jar() {
    return TandemProcess.JAR.toAbsolutePath().toString();
  }

  private TandemProcess run(Path java, String... rest) throws Exception {
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Dvertx.hazelcast.config=" + TandemProcess.HAZELCAST_GUARD.toAbsolutePath()));
    command.addAll(List.of(rest));
    return TandemProcess.command(workDir, Map.of(), command);
  }

  private static void assertServes(TandemProcess tandem) throws Exception {
    try (tandem) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      assertEquals("Hello, world!", new Http(tandem.port("HTTP")).get("/").body());
      tandem.terminate();
      assertEquals(0, tandem.exitCode(), tandem.stderr().toString());
    }
  }
}
