package io.tandem.e2e;

import io.tandem.testing.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code examples/own-verticle}, a plain Vert.x 5 project (vertx-core and vertx-hazelcast only, no
 * SLF4J), built with Maven offline and run as its own JVM against the fat jar started with
 * {@code -cluster}: it joins with Tandem's {@code conf/cluster.xml} as it is, asks
 * {@code tandem.hello}, {@code tandem.echo} and {@code tandem.fetch}, receives on
 * {@code tandem.tcp.messages} the line a TCP client types into Tandem's echo, prints each and
 * exits 0. It joins the cluster as written, so it needs Hazelcast's ports 5701-5703.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OwnVerticleIT {

  static final Path EXAMPLE = Path.of("examples", "own-verticle");

  @TempDir
  Path workDir;

  @Test
  void aPlainVertxProjectJoinsAndUsesTandemsServicesOverTheBus() throws Exception {
    FixedPorts.assertFree("the example joins the cluster conf/cluster.xml describes", FixedPorts.HAZELCAST);
    build(workDir);
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of("TANDEM_FETCHER_ALLOW_HOSTS", "127.0.0.1"), "-cluster", "-conf",
        "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":0}}")) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      String url = "http://127.0.0.1:" + tandem.port("HTTP") + "/hello/Ada";
      try (TandemProcess example = TandemProcess.command(workDir, Map.of(),
          List.of(java(), "-jar", EXAMPLE.resolve("target/own-verticle.jar").toAbsolutePath().toString(), url))) {
        example.awaitStdout(line -> line.startsWith("tandem.tcp.messages: waiting"));
        String remote;
        try (Socket typist = Sockets.connect(tandem.port("TCP echo"))) {
          remote = "127.0.0.1:" + typist.getLocalPort();
          assertEquals("hello from a TCP client\n", Sockets.roundTrip(typist, "hello from a TCP client\n"));
          example.awaitStdout(line -> line.startsWith("tandem.tcp.messages -> "));
        }
        assertEquals(0, example.exitCode(), "stdout: " + example.stdout() + " stderr: " + example.stderr());
        assertEquals(List.of(
            "tandem.hello -> Hello, own verticle!",
            "tandem.echo -> {\"from\":\"own verticle\"}",
            "tandem.fetch -> " + url + ": 200, 11 bytes: Hello, Ada!",
            "tandem.tcp.messages: waiting 60 s for a line typed into Tandem's TCP echo (printf 'hi\\n' | nc -q1 localhost 8080)",
            "tandem.tcp.messages -> " + remote + " typed \"hello from a TCP client\""), example.stdout());
        assertTrue(example.stderr().stream().noneMatch(line -> line.contains("slf4j") || line.contains("NoClassDefFoundError")),
            example.stderr().toString());
      }
      // the example was one more member, and left
      tandem.awaitStdout(line -> line.contains("joined; 2 members"));
      tandem.awaitStdout(line -> line.contains("left; 1 members"));
      tandem.assertNoBlockedEventLoop();
    }
  }

  /** {@code mvn -o package} on the example, with this build's Maven and local repository: no download. */
  static void build(Path workDir) throws Exception {
    String mavenHome = System.getProperty("maven.home");
    String mvn = mavenHome != null ? Path.of(mavenHome, "bin", "mvn").toString() : "mvn";
    List<String> command = new java.util.ArrayList<>(List.of(mvn, "-B", "-q", "-o", "-f",
        EXAMPLE.resolve("pom.xml").toAbsolutePath().toString(), "package"));
    String repository = System.getProperty("maven.repo.local");
    if (repository != null) {
      command.add("-Dmaven.repo.local=" + repository);
    }
    try (TandemProcess maven = TandemProcess.command(workDir, Map.of(), command)) {
      assertEquals(0, maven.exitCode(), "the example did not build: " + maven.stdout() + " " + maven.stderr());
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
