package io.tandem;

import io.tandem.bus.Addresses;
import io.tandem.config.ListenException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MainVerticleTest {

  private static JsonObject listen(int port) {
    return new JsonObject().put("host", "127.0.0.1").put("port", port).put("instances", 2);
  }

  @Test
  void deploysOnlyTheEnabledVerticles(Vertx vertx) throws Exception {
    MainVerticle main = new MainVerticle();
    JsonObject config = new JsonObject().put("tcp", new JsonObject().put("enabled", false)).put("http", listen(0))
        .put("chat", new JsonObject().put("enabled", false))
        .put("bridge", new JsonObject().put("tcpEnabled", true).put("tcpPort", 0));
    vertx.deployVerticle(main, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    assertEquals(-1, main.tcpPort());
    assertEquals(-1, main.chatPort());
    assertTrue(main.httpPort() > 0);
    assertTrue(main.bridgePort() > 0);
    assertTrue(main.isStarted());
    ExecutionException e = assertThrows(ExecutionException.class, () -> vertx.eventBus().request(Addresses.ECHO, "x")
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(ReplyFailure.NO_HANDLERS, assertInstanceOf(ReplyException.class, e.getCause()).failureType());
  }

  @Test
  void aPortInUseFailsTheStartNamingHostAndPortAndLeavesNothingListening(Vertx vertx) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int httpPort;
      try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        httpPort = probe.getLocalPort();
      }
      JsonObject config = new JsonObject().put("tcp", listen(taken.getLocalPort())).put("http", listen(httpPort))
          .put("chat", listen(0)).put("bridge", new JsonObject().put("tcpEnabled", false));
      ExecutionException e = assertThrows(ExecutionException.class, () -> vertx.deployVerticle(new MainVerticle(),
          new DeploymentOptions().setConfig(config)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      Throwable cause = e.getCause();
      while (!(cause instanceof ListenException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      assertEquals("TCP echo cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use", cause.getMessage());
      assertEquals(0, vertx.deploymentIDs().size(), "verticles left deployed: " + vertx.deploymentIDs());
      assertThrows(java.io.IOException.class, () -> new Socket("127.0.0.1", httpPort).close(), "the HTTP server is still listening");
    }
  }
}
