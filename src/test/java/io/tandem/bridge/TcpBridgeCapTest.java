package io.tandem.bridge;

import io.tandem.testing.Sockets;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpBridgeCapTest {

  private static JsonObject ping(Socket socket) throws Exception {
    byte[] frame = new JsonObject().put("type", "ping").encode().getBytes(StandardCharsets.UTF_8);
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(frame.length);
    out.write(frame);
    DataInputStream in = new DataInputStream(socket.getInputStream());
    return new JsonObject(new String(Sockets.readExactly(in, in.readInt()), StandardCharsets.UTF_8));
  }

  @Test
  void oneHostOverBridgeMaxConnectionsPerClientIsClosedAtOnce(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("bridge", new JsonObject().put("tcpPort", 0).put("instances", 1).put("maxConnectionsPerClient", 1))
        .put("auth", new JsonObject());
    TcpBridgeVerticle bridge = new TcpBridgeVerticle();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    int port = bridge.actualPort();
    try (Socket first = Sockets.connectFrom("127.0.0.2", port)) {
      assertEquals("pong", ping(first).getString("type"));
      try (Socket second = Sockets.connectFrom("127.0.0.2", port)) {
        assertEquals(-1, second.getInputStream().read());
      }
      try (Socket other = Sockets.connectFrom("127.0.0.1", port)) {
        assertEquals("pong", ping(other).getString("type"));
      }
    }
  }
}
