package io.tandem.bridge;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.metrics.Metrics;
import io.tandem.testing.MeteredVertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TCP bridge's meters, counted as a real client sends good and bad frames. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeMetersTest {

  private Vertx vertx;
  private MeterRegistry registry;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = MeteredVertx.create();
    registry = Metrics.registry(vertx);
    JsonObject config = new JsonObject().put("bridge", new JsonObject().put("tcpHost", "127.0.0.1").put("tcpPort", 0).put("instances", 1))
        .put("auth", new JsonObject());
    TcpBridgeVerticle bridge = new TcpBridgeVerticle();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    port = bridge.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void framesRefusalsAndClientsAreCountedByTransportAndCode() throws Exception {
    try (BridgeClient client = new BridgeClient(port)) {
      client.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", client.read().getString("type"));
      client.send(new JsonObject().put("type", "send").put("address", "not.allowed").put("body", "x"));
      assertEquals("access_denied", client.read().getString("message"));
      client.send(new JsonObject().put("type", "dance"));
      assertEquals("unknown_type", client.read().getString("message"));
      client.send(new JsonObject().put("type", "register").put("address", "not.allowed.either"));
      assertEquals("access_denied", client.read().getString("message"));

      assertEquals(1, gauge("tandem.bridge.clients", "tcp"));
      assertEquals(4, counter("tandem.bridge.frames", "tcp"));
      assertEquals(0, counter("tandem.bridge.frames", "sockjs"));
      assertEquals(2, registry.get("tandem.bridge.refusals").tag("transport", "tcp").tag("reason", "access_denied").counter().count());
      assertEquals(1, registry.get("tandem.bridge.refusals").tag("transport", "tcp").tag("reason", "unknown_type").counter().count());
      assertEquals(0, counter("tandem.bridge.dropped", "tcp"));
      assertEquals(1, registry.get("tandem.connections").tag("listener", "bridge").gauge().value());
    }
    assertTrue(registry.find("tandem.bridge.refusals").tag("reason", "protected_mode").counters().isEmpty(),
        "a client on this machine is not refused by protected mode");
  }

  private double counter(String name, String transport) {
    return registry.get(name).tag("transport", transport).counter().count();
  }

  private double gauge(String name, String transport) {
    return registry.get(name).tag("transport", transport).gauge().value();
  }
}
