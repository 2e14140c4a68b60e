package io.tandem.echo;

import io.tandem.bus.Addresses;
import io.tandem.bus.FailureCodes;
import io.tandem.bus.TcpMessages;
import io.tandem.testing.LogCapture;
import io.tandem.testing.Sockets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test group per bus address of the TCP echo verticle, with each of its failure codes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpEchoBusTest {

  /** Subscribes to an address and hands each body to the test thread. */
  private static BlockingQueue<JsonObject> subscribe(Vertx vertx, String address) throws Exception {
    BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer(address, message -> received.add(message.body()))
        .completion().await(5, TimeUnit.SECONDS);
    return received;
  }

  private static JsonObject next(BlockingQueue<JsonObject> queue) throws InterruptedException {
    JsonObject body = queue.poll(10, TimeUnit.SECONDS);
    assertNotNull(body, "nothing arrived");
    return body;
  }

  private static ReplyException failure(Vertx vertx, String address, Object body) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> vertx.eventBus().request(address, body).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, reply.failureType());
    return reply;
  }

  @Test
  void echoRepliesWithTheSameBodyAndHeadersWhateverItsType(Vertx vertx) throws Exception {
    EchoServer.deploy(vertx, new JsonObject());
    List<Object> bodies = List.of(
        new JsonObject().put("a", 1).put("nested", new JsonObject().put("b", "c")),
        new JsonArray().add(1).add("two"),
        "plain string",
        Buffer.buffer(new byte[] {0, (byte) 0xFF, 'x'}));
    for (Object body : bodies) {
      Message<Object> reply = vertx.eventBus()
          .request(Addresses.ECHO, body, new DeliveryOptions().addHeader("trace", "t-1").addHeader("content-type", "x/y"))
          .await(5, TimeUnit.SECONDS);
      assertEquals(body, reply.body());
      assertEquals("t-1", reply.headers().get("trace"));
      assertEquals("x/y", reply.headers().get("content-type"));
    }
  }

  @Test
  void publishesConnectedAndDisconnectedEventsWithOneId(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject()).port();
    BlockingQueue<JsonObject> events = subscribe(vertx, Addresses.TCP_CONNECTIONS);
    int clientPort;
    try (Socket socket = Sockets.connect(port)) {
      clientPort = socket.getLocalPort();
      JsonObject connected = next(events);
      assertEquals(TcpMessages.CONNECTED, connected.getString(TcpMessages.TYPE));
      assertEquals("127.0.0.1:" + clientPort, connected.getString(TcpMessages.REMOTE));
      assertTrue(connected.getString(TcpMessages.CONNECTION).matches("[0-9a-f]{12}-\\d+"));
      Instant.parse(connected.getString(TcpMessages.AT));
      socket.close();
      JsonObject disconnected = next(events);
      assertEquals(TcpMessages.DISCONNECTED, disconnected.getString(TcpMessages.TYPE));
      assertEquals(connected.getString(TcpMessages.CONNECTION), disconnected.getString(TcpMessages.CONNECTION));
      assertEquals("127.0.0.1:" + clientPort, disconnected.getString(TcpMessages.REMOTE));
    }
  }

  @Test
  void connectionIdsAreUniqueAcrossInstances(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject(), 3, new JsonObject()).port();
    BlockingQueue<JsonObject> events = subscribe(vertx, Addresses.TCP_CONNECTIONS);
    List<Socket> sockets = new ArrayList<>();
    try {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        sockets.add(Sockets.connect(port));
        ids.add(next(events).getString(TcpMessages.CONNECTION));
      }
      assertEquals(6, ids.stream().distinct().count(), ids.toString());
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  @Test
  void publishesEachCompleteLineAndCutsLongOnes(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject().put("maxLineBytes", 8)).port();
    BlockingQueue<JsonObject> lines = subscribe(vertx, Addresses.TCP_MESSAGES);
    try (Socket socket = Sockets.connect(port)) {
      String sent = "héllo\r\nwor";
      assertEquals(sent, Sockets.roundTrip(socket, sent));
      assertEquals(sent = "ld\n0123456789abc\nok\n", Sockets.roundTrip(socket, sent));
      JsonObject first = next(lines);
      assertEquals("héllo", first.getString(TcpMessages.TEXT));
      assertEquals("127.0.0.1:" + socket.getLocalPort(), first.getString(TcpMessages.REMOTE));
      assertNull(first.getValue(TcpMessages.TRUNCATED));
      assertEquals("world", next(lines).getString(TcpMessages.TEXT));
      JsonObject cut = next(lines);
      assertEquals("01234567", cut.getString(TcpMessages.TEXT));
      assertEquals(true, cut.getBoolean(TcpMessages.TRUNCATED));
      assertEquals("ok", next(lines).getString(TcpMessages.TEXT));
      assertEquals(first.getString(TcpMessages.CONNECTION), cut.getString(TcpMessages.CONNECTION));
    }
  }

  @Test
  void publishesNoMoreThanTheRateAndCountsWhatItSkipped(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject().put("maxLinesPerSecond", 2)).port();
    BlockingQueue<JsonObject> lines = subscribe(vertx, Addresses.TCP_MESSAGES);
    try (Socket socket = Sockets.connect(port)) {
      String burst = "a\nb\nc\nd\n";
      assertEquals(burst, Sockets.roundTrip(socket, burst));
      // the echo came back, so publishes of c and d would already be queued ahead of this marker
      vertx.eventBus().publish(Addresses.TCP_MESSAGES, new JsonObject().put(TcpMessages.TEXT, "marker"));
      assertEquals("a", next(lines).getString(TcpMessages.TEXT));
      assertEquals("b", next(lines).getString(TcpMessages.TEXT));
      assertEquals("marker", next(lines).getString(TcpMessages.TEXT));
      // the allowance grows back with time (a line per half second): type "e" one line at a
      // time until one is published; each echo plus a marker says whether that line was
      int skippedLines = 0;
      JsonObject published;
      // the allowance is back within half a second; far past that the rate would never grow back
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        assertTrue(System.nanoTime() < giveUp, "no line published 10 s after the burst: the allowance did not grow back");
        assertEquals("e\n", Sockets.roundTrip(socket, "e\n"));
        vertx.eventBus().publish(Addresses.TCP_MESSAGES, new JsonObject().put(TcpMessages.TEXT, "marker"));
        published = next(lines);
        if (!"marker".equals(published.getString(TcpMessages.TEXT))) {
          assertEquals("marker", next(lines).getString(TcpMessages.TEXT));
          break;
        }
        skippedLines++;
      }
      assertEquals("e", published.getString(TcpMessages.TEXT));
      assertEquals("c\nd\n".length() + 2L * skippedLines, published.getLong(TcpMessages.SKIPPED_BYTES));
    }
  }

  @Test
  void publishesNoLinesWhenSwitchedOff(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject().put("publishMessages", false)).port();
    BlockingQueue<JsonObject> lines = subscribe(vertx, Addresses.TCP_MESSAGES);
    try (Socket socket = Sockets.connect(port)) {
      assertEquals("a line\n", Sockets.roundTrip(socket, "a line\n"));
    }
    // the echo came back, so a publish of the line would already be queued ahead of this marker
    vertx.eventBus().publish(Addresses.TCP_MESSAGES, new JsonObject().put(TcpMessages.TEXT, "marker"));
    assertEquals("marker", next(lines).getString(TcpMessages.TEXT));
  }

  @Test
  void sendWritesTheTextToThatConnectionOnWhicheverInstanceHoldsIt(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject(), 2, new JsonObject()).port();
    BlockingQueue<JsonObject> events = subscribe(vertx, Addresses.TCP_CONNECTIONS);
    try (Socket first = Sockets.connect(port); Socket second = Sockets.connect(port)) {
      String firstId = next(events).getString(TcpMessages.CONNECTION);
      String secondId = next(events).getString(TcpMessages.CONNECTION);
      for (int i = 0; i < 4; i++) {
        JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.TCP_SEND, TcpMessages.send(secondId, "to two " + i))
            .await(5, TimeUnit.SECONDS).body();
        assertEquals(new JsonObject().put("ok", true), reply);
        assertEquals("to two " + i, Sockets.readLine(second.getInputStream()));
      }
      vertx.eventBus().request(Addresses.TCP_SEND, TcpMessages.send(firstId, "to one")).await(5, TimeUnit.SECONDS);
      assertEquals("to one", Sockets.readLine(first.getInputStream()));
    }
  }

  @Test
  void anIdNamesTheNodeWhoseAddressServesItsSends(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject()).port();
    BlockingQueue<JsonObject> events = subscribe(vertx, Addresses.TCP_CONNECTIONS);
    try (Socket socket = Sockets.connect(port)) {
      String id = next(events).getString(TcpMessages.CONNECTION);
      String node = TcpConnections.nodeOf(id);
      assertEquals(12, node.length(), id);
      // where another node of a clustered bus hands a send for this connection
      vertx.eventBus().request(Addresses.TCP_SEND_NODE + node, TcpMessages.send(id, "handed over")).await(5, TimeUnit.SECONDS);
      assertEquals("handed over", Sockets.readLine(socket.getInputStream()));
      ReplyException gone = failure(vertx, Addresses.TCP_SEND_NODE + node, TcpMessages.send(node + "-999", "x"));
      assertEquals(FailureCodes.NOT_FOUND, gone.failureCode());
    }
    assertEquals(null, TcpConnections.nodeOf("nodash"));
  }

  @Test
  void sendFails404ForAnUnknownConnection(Vertx vertx) throws Exception {
    EchoServer.deploy(vertx, new JsonObject());
    ReplyException reply = failure(vertx, Addresses.TCP_SEND, TcpMessages.send("nobody-1", "hi"));
    assertEquals(FailureCodes.NOT_FOUND, reply.failureCode());
    assertEquals("no open TCP connection nobody-1", reply.getMessage());
  }

  @Test
  void sendFails400ForAMalformedRequest(Vertx vertx) throws Exception {
    EchoServer.deploy(vertx, new JsonObject());
    assertEquals(FailureCodes.BAD_REQUEST, failure(vertx, Addresses.TCP_SEND, "not json").failureCode());
    assertEquals("connection is required", failure(vertx, Addresses.TCP_SEND, new JsonObject().put("text", "x")).getMessage());
    ReplyException wrongType = failure(vertx, Addresses.TCP_SEND, new JsonObject().put("connection", "a-1").put("text", 5));
    assertEquals(FailureCodes.BAD_REQUEST, wrongType.failureCode());
    assertEquals("text must be a string", wrongType.getMessage());
  }

  @Test
  void broadcastReachesEveryConnectionOfEveryInstanceAndMalformedOnesAreDropped(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject(), 2, new JsonObject()).port();
    BlockingQueue<JsonObject> events = subscribe(vertx, Addresses.TCP_CONNECTIONS);
    List<Socket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        clients.add(Sockets.connect(port));
        next(events);
      }
      vertx.eventBus().publish(Addresses.TCP_BROADCAST, new JsonObject().put(TcpMessages.TEXT, 5));
      vertx.eventBus().publish(Addresses.TCP_BROADCAST, "not json");
      vertx.eventBus().publish(Addresses.TCP_BROADCAST, TcpMessages.broadcast("héllo everyone"));
      for (Socket client : clients) {
        assertEquals("héllo everyone", Sockets.readLine(client.getInputStream()));
      }
    } finally {
      for (Socket client : clients) {
        client.close();
      }
    }
  }

  @Test
  void malformedBroadcastsAreLoggedAtMostOnceASecond(Vertx vertx) throws Exception {
    // bridge clients may publish there (bridge.inbound): a flood of mistakes is not a flood of lines
    int port = EchoServer.deploy(vertx, new JsonObject()).port();
    BlockingQueue<JsonObject> events = subscribe(vertx, Addresses.TCP_CONNECTIONS);
    try (LogCapture warnings = new LogCapture(TcpEchoVerticle.class.getName()); Socket client = Sockets.connect(port)) {
      next(events);
      long start = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        vertx.eventBus().publish(Addresses.TCP_BROADCAST, "not json " + i);
      }
      vertx.eventBus().publish(Addresses.TCP_BROADCAST, TcpMessages.broadcast("after them"));
      // published in order from one sender: once this line arrives every malformed one was handled
      assertEquals("after them", Sockets.readLine(client.getInputStream()));
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      long lines = warnings.drain().stream().filter(line -> line.contains("dropped a malformed")).count();
      assertTrue(lines >= 1 && lines <= 1 + seconds, lines + " lines for 200 malformed broadcasts in " + seconds + " s");
    }
  }
}
