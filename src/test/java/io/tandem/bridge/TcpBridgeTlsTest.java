package io.tandem.bridge;

import io.tandem.testing.TestCertificates;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The TCP bridge with {@code bridge.tls}: the same frames, inside TLS. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpBridgeTlsTest {

  @Test
  void framesCrossTheBridgeInsideTls(Vertx vertx, @TempDir Path dir) throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "bridge");
    JsonObject config = new JsonObject()
        .put("bridge", new JsonObject().put("tcpPort", 0).put("instances", 1).put("tls", true))
        .put("auth", new JsonObject())
        .put("tls", new JsonObject().put("certFile", pair.cert().toString()).put("keyFile", pair.key().toString()));
    TcpBridgeVerticle bridge = new TcpBridgeVerticle();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    vertx.eventBus().consumer("tandem.hello", message -> message.reply(new JsonObject().put("message", "Hello, TLS!")))
        .completion().await(10, TimeUnit.SECONDS);
    try (SSLSocket socket = (SSLSocket) TestCertificates.trusting(pair.cert()).getSocketFactory().createSocket("127.0.0.1", bridge.actualPort())) {
      socket.setSoTimeout(20_000);
      byte[] json = BridgeClient.request("tandem.hello", "r1", new JsonObject()).encode().getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array());
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] reply = new byte[in.readInt()];
      in.readFully(reply);
      JsonObject frame = new JsonObject(new String(reply, StandardCharsets.UTF_8));
      assertEquals("Hello, TLS!", frame.getJsonObject("body").getString("message"), frame.encode());
    }
  }
}
