package io.tandem;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the product's class path holds: the logging jars it ships, and nothing the product does not use. */
class DependenciesTest {

  /** The first logback 1.5.x with both published security fixes (1.5.19 and 1.5.25). */
  private static final String FIRST_FIXED_LOGBACK = "1.5.25";
  /** The slf4j-api that logback 1.5.38's build names (its parent pom's slf4j.version); the Vert.x BOM alone gives 2.0.7. */
  private static final String LOGBACKS_SLF4J = "2.0.17";

  @Test
  void logbackIsPastItsPublishedVulnerabilities() throws IOException {
    String logback = implementationVersion(ch.qos.logback.classic.Logger.class);
    assertTrue(compare(logback, FIRST_FIXED_LOGBACK) >= 0, "logback-classic " + logback);
  }

  @Test
  void slf4jApiIsNotOlderThanTheOneLogbackIsBuiltAgainst() throws IOException {
    String slf4j = implementationVersion(org.slf4j.Logger.class);
    assertTrue(compare(slf4j, LOGBACKS_SLF4J) >= 0, "slf4j-api " + slf4j);
  }

  @Test
  void theWebClientIsNotOnTheProductClassPath() {
    // only the benchmarks' bare reference uses it (bench/pom.xml)
    assertThrows(ClassNotFoundException.class, () -> Class.forName("io.vertx.ext.web.client.WebClient"));
  }

  private static String implementationVersion(Class<?> inJar) throws IOException {
    return manifest(inJar).getMainAttributes().getValue("Implementation-Version");
  }

  private static Manifest manifest(Class<?> inJar) throws IOException {
    URL jar = inJar.getProtectionDomain().getCodeSource().getLocation();
    try (InputStream in = new URL("jar:" + jar + "!/META-INF/MANIFEST.MF").openStream()) {
      return new Manifest(in);
    }
  }

  private static int compare(String a, String b) {
    int[] x = Arrays.stream(a.split("\\.")).mapToInt(Integer::parseInt).toArray();
    int[] y = Arrays.stream(b.split("\\.")).mapToInt(Integer::parseInt).toArray();
    return Arrays.compare(x, y);
  }
}
