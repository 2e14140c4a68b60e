package io.tandem.chat;

import io.tandem.bus.Addresses;
import io.tandem.bus.TcpMessages;
import io.tandem.echo.TcpEchoVerticle;
import io.tandem.testing.LineSink;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatClientTest {

  private int port;

  @BeforeEach
  void startServer(Vertx vertx) throws Exception {
    TcpEchoVerticle server = new TcpEchoVerticle();
    JsonObject config = new JsonObject().put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", 0));
    vertx.deployVerticle(server, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  private CompletableFuture<Integer> chat(java.io.InputStream terminal, LineSink out, LineSink err, String... args) {
    return CompletableFuture.supplyAsync(() -> ChatClient.run(args, terminal, out.printStream(), err.printStream()));
  }

  @Test
  void sendsTypedLinesAndPrintsWhatArrivesWhileTheUserIsTyping(Vertx vertx) throws Exception {
    PipedOutputStream keyboard = new PipedOutputStream();
    LineSink out = new LineSink();
    LineSink err = new LineSink();
    CompletableFuture<Integer> exit = chat(new PipedInputStream(keyboard), out, err, "--host", "127.0.0.1", "--port", Integer.toString(port));
    keyboard.write("héllo\n".getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
    assertEquals("héllo", out.next());
    // half a line typed, then a broadcast arrives: it is printed at once
    keyboard.write("half a li".getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
    vertx.eventBus().publish(Addresses.TCP_BROADCAST, TcpMessages.broadcast("news for everyone"));
    assertEquals("news for everyone", out.next());
    keyboard.write("ne\nquit\n".getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
    assertEquals(0, exit.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("half a line"), out.remaining());
    assertEquals(List.of(), err.remaining());
  }

  @Test
  void endOfInputStillPrintsTheEchoOfTheLastLinesThenExits0() throws Exception {
    LineSink out = new LineSink();
    LineSink err = new LineSink();
    String typed = "one\ntwo\nthree\n";
    CompletableFuture<Integer> exit = chat(new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), out, err,
        "--port", Integer.toString(port), "--host", "127.0.0.1");
    assertEquals(0, exit.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("one", "two", "three"), out.remaining());
  }

  @Test
  void aRefusedConnectionIsOneLineAndExit1() throws Exception {
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort();
    }
    LineSink out = new LineSink();
    LineSink err = new LineSink();
    int exit = chat(new ByteArrayInputStream(new byte[0]), out, err, "--host", "127.0.0.1", "--port", Integer.toString(closed))
        .get(10, TimeUnit.SECONDS);
    assertEquals(1, exit);
    List<String> lines = err.remaining();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("chat: cannot connect to 127.0.0.1:" + closed + ": Connection refused"), lines.get(0));
  }

  @Test
  void badArgumentsAreAUsageErrorWithExit2() throws IOException {
    LineSink out = new LineSink();
    LineSink err = new LineSink();
    assertEquals(2, ChatClient.run(new String[] {"--port", "http"}, new ByteArrayInputStream(new byte[0]), out.printStream(), err.printStream()));
    assertEquals(List.of("chat: --port must be 1..65535, got http"), err.remaining());
    assertEquals(2, ChatClient.run(new String[] {"--colour"}, new ByteArrayInputStream(new byte[0]), out.printStream(), err.printStream()));
    assertTrue(err.remaining().get(0).startsWith("chat: unexpected argument --colour; usage: "));
  }
}
