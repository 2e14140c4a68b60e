package io.tandem.echo;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.bus.Addresses;
import io.tandem.metrics.Metrics;
import io.tandem.testing.MeteredVertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The TCP echo's meters: a refusal at tcp.maxConnections, a close for idleness, input over the line rate. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoMetersTest {

  private Vertx vertx;
  private MeterRegistry registry;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = MeteredVertx.create();
    registry = Metrics.registry(vertx);
    JsonObject config = new JsonObject().put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1)
        .put("maxConnections", 1).put("idleTimeoutSeconds", 1).put("maxLinesPerSecond", 1).put("maxInstanceLinesPerSecond", 1));
    TcpEchoVerticle echo = new TcpEchoVerticle();
    vertx.deployVerticle(echo, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    port = echo.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void refusalsIdleClosesPublishedLinesAndSkippedBytesAreCounted() throws Exception {
    Promise<Void> firstGone = Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.TCP_CONNECTIONS, event -> {
      if ("disconnected".equals(event.body().getString("type"))) {
        firstGone.tryComplete(); // the refused one was never connected: this is the first
      }
    }).completion().await(5, TimeUnit.SECONDS);
    try (Socket first = new Socket("127.0.0.1", port); Socket second = new Socket("127.0.0.1", port)) {
      assertEquals(-1, second.getInputStream().read(), "the second connection is over tcp.maxConnections: closed");
      byte[] lines = "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8);
      first.getOutputStream().write(lines);
      InputStream in = first.getInputStream();
      assertEquals("one\ntwo\nthree\n", new String(in.readNBytes(lines.length), StandardCharsets.UTF_8));
      assertEquals(-1, in.read(), "closed after a second of silence");
    }
    firstGone.future().await(10, TimeUnit.SECONDS);
    assertEquals(1, registry.get("tandem.connections.refused").tag("listener", "tcp").tag("reason", "max_connections")
        .counter().count());
    assertEquals(1, registry.get("tandem.connections.closed.idle").tag("listener", "tcp").counter().count());
    // one line a second: "one" is published, "two\nthree\n" (10 bytes) arrived over the rate
    assertEquals(1, registry.get("tandem.tcp.lines.published").counter().count());
    assertEquals(10, registry.get("tandem.tcp.skipped").counter().count());
  }
}
