package io.tandem;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tree tells the architecture: a verticle's package uses the contract ({@code bus/}), the
 * settings ({@code config/}), who may use what ({@code auth/}) and the shared plumbing ({@code net/},
 * {@code cluster/}, {@code metrics/}), never the
 * root package nor another verticle's package. The one exception is the HTTP verticle, the front:
 * it mounts the SockJS bridge ({@code bridge/}) and the page that speaks it ({@code ui/}) on its server.
 */
class PackageDependenciesTest {

  private static final Path MAIN = Path.of("src/main/java/io/tandem");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.tandem\\.([a-z]+)\\.", Pattern.MULTILINE);
  private static final Set<String> SHARED = Set.of("bus", "config", "net", "cluster", "auth", "metrics", "tracing");
  private static final Map<String, Set<String>> ALSO_ALLOWED = Map.of("http", Set.of("bridge", "ui"));

  @Test
  void noPackageReachesIntoTheRootOrAnotherVerticlesPackage() throws IOException {
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
        Path relative = MAIN.relativize(file);
        if (relative.getNameCount() == 1) {
          continue; // the root package: the launcher and the main verticle deploy everything
        }
        String from = relative.getName(0).toString();
        String source = Files.readString(file);
        if (source.contains("import io.tandem.MainVerticle") || source.contains("import io.tandem.Tandem")) {
          wrong.add(relative + " imports the root package");
        }
        Matcher imported = IMPORT.matcher(source);
        while (imported.find()) {
          String to = imported.group(1);
          if (!to.equals(from) && !SHARED.contains(to) && !ALSO_ALLOWED.getOrDefault(from, Set.of()).contains(to)) {
            wrong.add(relative + " imports io.tandem." + to);
          }
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void theSharedPackagesDependOnNoVerticlesPackage() throws IOException {
    Set<String> reached = new TreeSet<>();
    for (String shared : SHARED) {
      try (Stream<Path> files = Files.list(MAIN.resolve(shared))) {
        for (Path file : files.toList()) {
          Matcher imported = IMPORT.matcher(Files.readString(file));
          while (imported.find()) {
            if (!SHARED.contains(imported.group(1))) {
              reached.add(shared + " -> " + imported.group(1));
            }
          }
        }
      }
    }
    assertEquals(Set.of(), reached);
  }

  /** Vert.x's internal core API is reached through net/VertxInternals (and by the HTTP edge, built on Vert.x's HTTP/1 internals). */
  @Test
  void vertxsInternalCoreApiHasOneDoor() throws IOException {
    Set<String> using = new TreeSet<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
        if (Files.readString(file).contains("import io.vertx.core.internal.")) {
          using.add(MAIN.relativize(file).toString());
        }
      }
    }
    // EchoConnection and ChatSession hold the internal socket type VertxInternals.raw hands them:
    // Netty's buffers as read (no copy) and the client's FIN in band, behind its last line
    assertEquals(Set.of("net/VertxInternals.java", "echo/EchoConnection.java", "chat/ChatSession.java"), using);
  }
}
