package io.tandem.e2e;

import io.tandem.testing.RawHttp;
import io.tandem.testing.Sockets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM as an operator sends it to the fat jar: every idle client is told goodbye at once (a
 * SockJS WebSocket gets close 1001, an xhr-streaming session SockJS's close frame, a TCP bridge
 * client an error frame, a keep-alive HTTP connection is closed), while what is in flight still gets its answer; the process exits long
 * before {@code shutdownGraceSeconds}, and a client going away is never an ERROR.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShutdownIT {

  private static final int GRACE_SECONDS = 60;

  @TempDir
  Path workDir;

  @Test
  void idleClientsAreToldGoodbyeAtOnceWhileRequestsInFlightAreAnswered() throws Exception {
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", new JsonObject()
        .put("shutdownGraceSeconds", GRACE_SECONDS)
        .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("bridge", new JsonObject().put("tcpEnabled", true).put("tcpPort", 0))
        .put("fetcher", new JsonObject().put("allowHosts", new JsonArray().add("127.0.0.1")))
        .encode())) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      int http = tandem.port("HTTP");
      int bridge = tandem.port("TCP bridge");
      int echo = tandem.port("TCP echo");

      // a page's bridge session that answers the server's close, as browsers do, and one that never does
      Goodbye polite = new Goodbye(true);
      Goodbye deaf = new Goodbye(false);
      WebSocket politeSocket = polite.open(http);
      WebSocket deafSocket = deaf.open(http);
      polite.ask(politeSocket);
      deaf.ask(deafSocket);

      try (Socket keepAlive = Sockets.connect(http);
           Socket inFlight = Sockets.connect(http);
           Socket bridgeClient = Sockets.connect(bridge);
           Socket bridgeAsking = Sockets.connect(bridge);
           ServerSocket origin = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
           Socket echoClient = Sockets.connect(echo);
           Socket xhrStreaming = Sockets.connect(http)) {
        keepAlive.getOutputStream().write(RawHttp.get("/"));
        assertEquals(200, RawHttp.read(keepAlive.getInputStream()).status());
        // two pipelined requests: once the first is answered, the second is the server's, in flight
        ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
        pipelined.write(RawHttp.get("/"));
        pipelined.write(RawHttp.get("/?delay=3000"));
        inFlight.getOutputStream().write(pipelined.toByteArray());
        assertEquals(200, RawHttp.read(inFlight.getInputStream()).status());
        writeFrame(bridgeClient, new JsonObject().put("type", "ping"));
        assertEquals("pong", readFrame(bridgeClient).getString("type"));
        assertEquals("hi\n", Sockets.roundTrip(echoClient, "hi\n"));
        // a SockJS session on the xhr-streaming transport, open ("o") and idle
        xhrStreaming.getOutputStream().write(("POST /eventbus/000/idle/xhr_streaming HTTP/1.1\r\nHost: 127.0.0.1:" + http
            + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder streamed = new StringBuilder();
        while (streamed.indexOf("\r\no\n") < 0) {
          int b = xhrStreaming.getInputStream().read();
          assertTrue(b >= 0, "the stream ended before its open frame: " + streamed);
          streamed.append((char) b);
        }
        // a bridge client waiting for a fetch when SIGTERM comes: the origin holds its answer until then
        writeFrame(bridgeAsking, new JsonObject().put("type", "send").put("address", "tandem.fetch").put("replyAddress", "mine")
            .put("body", new JsonObject().put("urls", new JsonArray().add("http://127.0.0.1:" + origin.getLocalPort() + "/slow"))));
        origin.setSoTimeout(20_000);
        Socket fetching = origin.accept();
        fetching.setSoTimeout(20_000);
        while (!Sockets.readLine(fetching.getInputStream()).strip().isEmpty()) {
          // the fetcher's request head
        }

        long sigterm = System.nanoTime();
        tandem.terminate();

        JsonObject goodbye = readFrame(bridgeClient);
        assertEquals("err", goodbye.getString("type"), goodbye.encode());
        assertEquals("shutting_down", goodbye.getString("message"), goodbye.encode());
        assertEquals(-1, bridgeClient.getInputStream().read(), "the bridge closes after its goodbye");
        assertEquals(-1, keepAlive.getInputStream().read(), "an idle keep-alive connection is closed");
        assertEquals(-1, echoClient.getInputStream().read(), "an idle TCP echo client is closed");
        String rest = Sockets.readToEnd(xhrStreaming);
        assertTrue(rest.contains("c[3000,\"Go away!\"]"), "SockJS's own close frame, then the end: " + rest);
        assertEquals(1001, polite.code.get(20, TimeUnit.SECONDS), "going away");
        assertEquals("shutting down", polite.reason);
        assertEquals(1001, deaf.code.get(20, TimeUnit.SECONDS));
        long idleClosed = System.nanoTime();

        assertEquals(0, bridgeAsking.getInputStream().available(), "nothing for the client that waits for its answer");
        fetching.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
        fetching.close();
        RawHttp.Response answer = RawHttp.read(inFlight.getInputStream());
        long answered = System.nanoTime();
        assertEquals(200, answer.status());
        assertEquals("Hello, world!", answer.body());
        assertTrue(idleClosed < answered, "every idle client was let go before the request in flight was answered");
        assertEquals(-1, inFlight.getInputStream().read(), "closed after its answer");
        JsonObject fetched = readFrame(bridgeAsking);
        assertEquals("mine", fetched.getString("address"), fetched.encode());
        assertEquals(1, fetched.getJsonObject("body").getInteger("succeeded"), fetched.encode());
        assertEquals("shutting_down", readFrame(bridgeAsking).getString("message"), "then the goodbye");
        assertEquals(-1, bridgeAsking.getInputStream().read());

        assertEquals(0, tandem.exitCode());
        long exited = System.nanoTime();
        System.out.printf("idle clients let go %d ms after SIGTERM, the request in flight answered after %d ms, exit after %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(idleClosed - sigterm), TimeUnit.NANOSECONDS.toMillis(answered - sigterm),
            TimeUnit.NANOSECONDS.toMillis(exited - sigterm));
        // the deaf WebSocket holds the process neither for the grace period nor for Vert.x's 10 s close
        // handshake: it is cut 2 s after its close frame, before the 3 s request in flight is answered
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(exited - answered) < 5,
            "exited " + TimeUnit.NANOSECONDS.toMillis(exited - sigterm) + " ms after SIGTERM; output " + tandem.stdout());
      }
      // (a blocked event loop is judged by assertNoBlockedEventLoop, which tells start-up from serving)
      List<String> errors = tandem.stdout().stream().filter(line -> line.contains(" ERROR ") || line.contains(" WARN "))
          .filter(line -> !line.contains("BlockedThreadChecker")).toList();
      assertTrue(errors.isEmpty(), "clients going away are not errors: " + errors);
      assertTrue(tandem.stderr().isEmpty(), tandem.stderr().toString());
      tandem.assertNoBlockedEventLoop();
    }
  }

  @Test
  void aStopTheMomentItIsReadyWaitsForTheWarmUpAndLeavesACleanLog() throws Exception {
    // the warm-up and the JVM's meters are still on the workers when SIGTERM comes: closing Vert.x
    // under them would land their completions on event loops already shut down
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", new JsonObject()
        .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("chat", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .encode())) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      tandem.terminate();
      assertEquals(0, tandem.exitCode(), tandem.stderr().toString());
      assertTrue(tandem.stdout().stream().anyMatch(line -> line.contains("Tandem stopped")), tandem.stdout().toString());
      List<String> trouble = tandem.stdout().stream()
          .filter(line -> line.contains(" ERROR ") || line.contains(" WARN ") || line.contains("Exception")).toList();
      assertTrue(trouble.isEmpty(), trouble.toString());
      assertTrue(tandem.stderr().isEmpty(), tandem.stderr().toString());
    }
  }

  /** A raw SockJS WebSocket client of {@code /eventbus}, recording the close it is sent. */
  private static final class Goodbye implements WebSocket.Listener {
    final boolean answersClose;
    final CompletableFuture<Integer> code = new CompletableFuture<>();
    final CompletableFuture<String> answer = new CompletableFuture<>();
    volatile String reason;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    Goodbye(boolean answersClose) {
      this.answersClose = answersClose;
    }

    WebSocket open(int port) {
      return HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/eventbus/websocket"), this).join();
    }

    /** A request answered through the bridge: the session is set up on the server. */
    void ask(WebSocket socket) throws Exception {
      socket.sendText(new JsonObject().put("type", "send").put("address", "tandem.hello").put("replyAddress", "r1")
          .put("body", new JsonObject().put("name", "Ada")).encode(), true).get(10, TimeUnit.SECONDS);
      assertTrue(answer.get(10, TimeUnit.SECONDS).contains("Hello, Ada!"));
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      // the bridge answers in binary frames
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      partial.writeBytes(bytes);
      if (last) {
        answer.complete(partial.toString(StandardCharsets.UTF_8));
        partial.reset();
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String why) {
      reason = why;
      code.complete(statusCode);
      // the JDK client sends no close of its own until told to; a deaf one never answers
      return answersClose ? socket.sendClose(WebSocket.NORMAL_CLOSURE, "") : new CompletableFuture<>();
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      code.completeExceptionally(error);
    }
  }

  private static void writeFrame(Socket socket, JsonObject frame) throws IOException {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    socket.getOutputStream().write(ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array());
  }

  private static JsonObject readFrame(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] json = new byte[in.readInt()];
    in.readFully(json);
    return new JsonObject(new String(json, StandardCharsets.UTF_8));
  }
}
