package io.tandem.echo;

import io.tandem.testing.Sockets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpConnectionCapTest {

  @Test
  void oneHostOverTcpMaxConnectionsPerClientIsClosedAtOnceWhileOthersEcho(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject().put("maxConnectionsPerClient", 2)).port();
    try (Socket first = Sockets.connectFrom("127.0.0.2", port); Socket second = Sockets.connectFrom("127.0.0.2", port)) {
      assertEquals("one\n", Sockets.roundTrip(first, "one\n"));
      assertEquals("two\n", Sockets.roundTrip(second, "two\n"));
      try (Socket third = Sockets.connectFrom("127.0.0.2", port)) {
        assertEquals(-1, third.getInputStream().read());
      }
      try (Socket other = Sockets.connectFrom("127.0.0.3", port); Socket local = Sockets.connectFrom("127.0.0.1", port)) {
        assertEquals("three\n", Sockets.roundTrip(other, "three\n"));
        assertEquals("four\n", Sockets.roundTrip(local, "four\n"));
      }
    }
  }
}
