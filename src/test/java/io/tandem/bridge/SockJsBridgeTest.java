package io.tandem.bridge;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.bus.Addresses;
import io.tandem.bus.Headers;
import io.tandem.testing.Http;
import io.tandem.testing.LogCapture;
import io.tandem.testing.RawHttp;
import io.tandem.testing.Sockets;
import io.tandem.testing.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SockJS bridge through its raw WebSocket endpoint, as a browser's client would use it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SockJsBridgeTest {

  /** The JDK's WebSocket client: a browser's view of the bridge, off the server's event loops. */
  private static final class Client implements java.net.http.WebSocket.Listener {
    final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    final java.net.http.WebSocket socket;
    private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

    /** A program's client: no Origin. */
    Client(int port) throws Exception {
      this(port, null);
    }

    /** A page's client: its browser names the page's origin. */
    Client(int port, String origin) throws Exception {
      this(port, origin, "");
    }

    /** With {@code query} ({@code ?access_token=…}) on the bridge's URL, as a browser's SockJS client sends it. */
    Client(int port, String origin, String query) throws Exception {
      java.net.http.WebSocket.Builder builder = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder();
      if (origin != null) {
        builder.header("Origin", origin);
      }
      socket = builder.buildAsync(java.net.URI.create("ws://127.0.0.1:" + port + "/eventbus/websocket" + query), this).get(10, TimeUnit.SECONDS);
    }

    @Override
    public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
      // the bridge answers in binary frames
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      partial.writeBytes(bytes);
      if (last) {
        frames.add(new JsonObject(partial.toString(java.nio.charset.StandardCharsets.UTF_8)));
        partial.reset();
      }
      webSocket.request(1);
      return null;
    }

    void send(JsonObject frame) throws Exception {
      sendText(frame.encode());
    }

    void sendText(String text) throws Exception {
      socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    JsonObject next() throws InterruptedException {
      JsonObject frame = frames.poll(10, TimeUnit.SECONDS);
      assertNotNull(frame, "no frame came");
      return frame;
    }
  }

  private static final String OPS = "ops-" + "a".repeat(40);
  private static final String VIEWER = "viewer-" + "b".repeat(40);

  /** With a tokens file: ops may send to tandem.echo, viewer may open the bridge and nothing more. */
  private static int deployWithTokens(Vertx vertx, Path dir) throws Exception {
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, new JsonArray()
        .add(Principals.line("ops", Tokens.sha256Hex(OPS), List.of("*"), List.of(Addresses.ECHO), List.of()))
        .add(Principals.line("viewer", Tokens.sha256Hex(VIEWER), List.of("GET /eventbus"), List.of(), List.of())).encode());
    return TestService.deploy(vertx, new JsonObject().put("fetcher", new JsonObject().put("enabled", false))
        .put("auth", new JsonObject().put("tokensFile", tokens.toString()))).httpPort();
  }

  @Test
  void aSessionOpenedWithAPrincipalsTokenCarriesItsNameAndHasItsLists(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = deployWithTokens(vertx, dir);
    assertEquals(401, raw(port, handshake(port, null)).status(), "no token: no session");
    Client ops = new Client(port, null, "?access_token=" + OPS);
    ops.send(new JsonObject().put("type", "send").put("address", Addresses.ECHO).put("replyAddress", "r1").put("body", "hi"));
    JsonObject reply = ops.next();
    assertEquals("r1", reply.getString("address"), reply.encode());
    // tandem.echo answers with the headers it got: the principal's name, set by the bridge
    assertEquals("ops", reply.getJsonObject("headers").getString(Headers.PRINCIPAL), reply.encode());
    ops.send(new JsonObject().put("type", "send").put("address", Addresses.ECHO).put("replyAddress", "r2").put("body", "hi")
        .put("headers", new JsonObject().put(Headers.PRINCIPAL, "root")));
    JsonObject forged = ops.next();
    assertEquals("invalid_frame", forged.getString("message"), forged.encode());
    assertEquals("rejected", ops.next().getString("body"));

    Client viewer = new Client(port, null, "?access_token=" + VIEWER);
    viewer.send(new JsonObject().put("type", "send").put("address", Addresses.ECHO).put("replyAddress", "r3").put("body", "hi"));
    JsonObject denied = viewer.next();
    assertEquals("r3", denied.getString("address"), denied.encode());
    assertEquals("principal viewer may not send to tandem.echo (its permissions.inbound)", denied.getString("reason"));
    assertEquals("rejected", viewer.next().getString("body"), "Vert.x Web's own answer to a frame the hook refused");
    viewer.send(new JsonObject().put("type", "register").put("address", Addresses.TCP_MESSAGES));
    assertEquals("principal viewer may not subscribe to tandem.tcp.messages (its permissions.outbound)", viewer.next().getString("reason"));
  }

  private static int deploy(Vertx vertx) throws Exception {
    return deploy(vertx, new JsonObject());
  }

  private static int deploy(Vertx vertx, JsonObject bridge) throws Exception {
    return TestService.deploy(vertx, new JsonObject().put("fetcher", new JsonObject().put("enabled", false)).put("bridge", bridge)).httpPort();
  }

  /** One request on a fresh connection, its answer read whole (the refusals carry a Content-Length). */
  private static RawHttp.Response raw(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return RawHttp.read(socket.getInputStream());
    }
  }

  private static String handshake(int port, String origin) {
    return "GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
  }

  @Test
  void aPageOfAnotherSiteIsRefusedBeforeAnyUpgradeOrSession(Vertx vertx) throws Exception {
    int port = deploy(vertx);
    try (LogCapture refusals = new LogCapture(SockJsBridge.class.getName())) {
      RawHttp.Response refused = raw(port, handshake(port, "http://evil.example"));
      assertEquals(403, refused.status());
      assertEquals(new JsonObject().put("error", "a page of origin http://evil.example may not use the event bus (bridge.allowedOrigins)")
          .put("status", 403), new JsonObject(refused.body()));
      assertTrue(refusals.next().contains("refused a page of origin http://evil.example"));
    }
    for (String origin : new String[] {"null", "http://127.0.0.1:" + (port + 1), "http://localhost:" + port}) {
      assertEquals(403, raw(port, handshake(port, origin)).status(), origin);
    }
    // the XHR transports and SockJS's info too: a cross-site POST carries the page's Origin
    String xhr = "POST /eventbus/123/abcdef/xhr_streaming HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\n\r\n";
    assertEquals(403, raw(port, xhr).status());
    assertEquals(403, raw(port, "GET /eventbus/info HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: http://evil.example\r\n\r\n").status());
  }

  @Test
  void thePagesOwnOriginListedOriginsAndProgramsAreServed(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("allowedOrigins", new JsonArray().add("https://app.example")));
    for (String origin : new String[] {"http://127.0.0.1:" + port, "https://app.example", "HTTPS://APP.EXAMPLE/", null}) {
      Client client = new Client(port, origin);
      client.send(new JsonObject().put("type", "send").put("address", Addresses.ECHO).put("replyAddress", "r1").put("body", "hi"));
      assertEquals("hi", client.next().getString("body"), String.valueOf(origin));
    }
    assertEquals(403, raw(port, handshake(port, "https://other.example")).status());
  }

  @Test
  void anyOriginOnlyWhenWrittenOut(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("allowedOrigins", new JsonArray().add("*")));
    assertEquals(101, raw101(port, handshake(port, "http://evil.example")));
  }

  @Test
  void theTransportsACrossSiteScriptOrFrameOpensWithoutOriginAreOff(Vertx vertx) throws Exception {
    int port = deploy(vertx);
    for (String transport : new String[] {"jsonp?c=x", "htmlfile?c=x", "eventsource"}) {
      RawHttp.Response response = raw(port, "GET /eventbus/123/abcdef/" + transport + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
      assertEquals(404, response.status(), transport);
    }
  }

  /** The status of a handshake's answer (a 101 has no body to read). */
  private static int raw101(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return Integer.parseInt(Sockets.readLine(socket.getInputStream()).split(" ")[1]);
    }
  }

  @Test
  void requestsRepliesAndSubscriptionsWithinThePermissionList(Vertx vertx) throws Exception {
    Client client = new Client(deploy(vertx));
    client.send(new JsonObject().put("type", "send").put("address", Addresses.HELLO).put("replyAddress", "r1")
        .put("body", new JsonObject().put("name", "Ada")));
    JsonObject reply = client.next();
    assertEquals("rec", reply.getString("type"));
    assertEquals("r1", reply.getString("address"));
    assertEquals("Hello, Ada!", reply.getJsonObject("body").getString("message"));

    client.send(new JsonObject().put("type", "register").put("address", Addresses.TCP_MESSAGES));
    // a request answered after the register means the register was handled
    client.send(new JsonObject().put("type", "send").put("address", Addresses.ECHO).put("replyAddress", "r2").put("body", "x"));
    assertEquals("r2", client.next().getString("address"));
    // published within some request's trace: its trace headers are not the subscriber's to see
    vertx.eventBus().publish(Addresses.TCP_MESSAGES, new JsonObject().put("text", "typed"), new DeliveryOptions()
        .addHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").addHeader("tracestate", "a=b")
        .addHeader("kept", "yes"));
    JsonObject message = client.next();
    assertEquals(Addresses.TCP_MESSAGES, message.getString("address"));
    assertEquals("typed", message.getJsonObject("body").getString("text"));
    assertEquals(new JsonObject().put("kept", "yes"), message.getJsonObject("headers"), message.encode());
  }

  @Test
  void aRegisterThatAsksIsAcknowledgedOnceTheSubscriptionIsInPlace(Vertx vertx) throws Exception {
    Client client = new Client(deploy(vertx));
    client.send(new JsonObject().put("type", "register").put("address", Addresses.TCP_CONNECTIONS).put("ack", true));
    assertEquals(new JsonObject().put("type", "registered").put("address", Addresses.TCP_CONNECTIONS), client.next());
    vertx.eventBus().publish(Addresses.TCP_CONNECTIONS, new JsonObject().put("type", "connected"));
    assertEquals("connected", client.next().getJsonObject("body").getString("type"));

    client.send(new JsonObject().put("type", "register").put("address", Addresses.TCP_MESSAGES));
    client.send(new JsonObject().put("type", "send").put("address", Addresses.ECHO).put("replyAddress", "r1").put("body", "x"));
    assertEquals("r1", client.next().getString("address"), "no ack unasked");
  }

  @Test
  void whatThePermissionListDoesNotAllowIsRefused(Vertx vertx) throws Exception {
    Client client = new Client(deploy(vertx));
    client.send(new JsonObject().put("type", "send").put("address", Addresses.FETCH_CANCEL).put("body", new JsonObject()));
    assertEquals("access_denied", client.next().getString("body"));

    // a request and a subscription are refused first where the client can tell which it was,
    // then with Vert.x Web's own answer
    client.send(new JsonObject().put("type", "send").put("address", Addresses.FETCH_CANCEL).put("replyAddress", "r0")
        .put("body", new JsonObject()));
    JsonObject request = client.next();
    assertEquals("r0", request.getString("address"));
    assertEquals("ACCESS_DENIED", request.getString("failureType"));
    assertEquals(403, request.getInteger("failureCode"));
    assertEquals("access_denied", client.next().getString("body"));
    client.send(new JsonObject().put("type", "register").put("address", Addresses.FETCH_URL).put("ack", true));
    JsonObject subscription = client.next();
    assertEquals(Addresses.FETCH_URL, subscription.getString("address"));
    assertEquals("access_denied", subscription.getString("message"));
    assertEquals("access_denied", client.next().getString("body"));

    client.send(new JsonObject().put("type", "send").put("address", Addresses.FETCH).put("replyAddress", "r1")
        .put("body", new JsonObject().put("urls", new JsonArray().add("http://x/")).put("progressAddress", Addresses.TCP_BROADCAST)));
    // refused by Tandem's own rule: first on the reply address, as on the TCP bridge, so the request fails at once
    JsonObject failure = client.next();
    assertEquals("r1", failure.getString("address"));
    assertEquals("ACCESS_DENIED", failure.getString("failureType"));
    assertEquals(403, failure.getInteger("failureCode"));
    assertTrue(failure.getString("reason").contains(Addresses.TCP_BROADCAST), failure.encode());
    // then Vert.x Web's own answer for a frame its hook refused
    assertEquals("rejected", client.next().getString("body"));
  }

  @Test
  void refusalsAreLoggedAtMostOnceASecondPerClient(Vertx vertx) throws Exception {
    int port = deploy(vertx);
    try (LogCapture refusals = new LogCapture(SockJsBridge.class.getName())) {
      Client client = new Client(port);
      long start = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        client.send(new JsonObject().put("type", "publish").put("address", Addresses.FETCH_CANCEL).put("body", new JsonObject()));
      }
      for (int i = 0; i < 50; i++) {
        assertEquals("access_denied", client.next().getString("body"), "every frame is answered");
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      List<String> logged = refusals.drain();
      assertTrue(!logged.isEmpty() && logged.size() <= 1 + seconds, logged.toString());
      assertTrue(logged.get(0).endsWith("refused: sending to " + Addresses.FETCH_CANCEL + " is not on bridge.inbound"), logged.get(0));

      Client other = new Client(port);
      other.send(new JsonObject().put("type", "register").put("address", Addresses.FETCH_URL));
      assertEquals(Addresses.FETCH_URL, other.next().getString("address"));
      assertEquals("access_denied", other.next().getString("body"));
      assertTrue(refusals.next().endsWith("refused: subscribing to " + Addresses.FETCH_URL + " is not on bridge.outbound"),
          "another client's refusal has its own line");
    }
  }

  @Test
  void badFramesAreAnsweredAndTheConnectionGoesOn(Vertx vertx) throws Exception {
    Client client = new Client(deploy(vertx));
    client.sendText("not json");
    assertEquals("invalid_json", client.next().getString("body"));
    client.send(new JsonObject().put("type", "bogus").put("address", "x"));
    assertEquals("invalid_type", client.next().getString("body"));
    client.send(new JsonObject().put("address", "x"));
    assertEquals("missing_type", client.next().getString("body"));
    // headers Vert.x Web cannot take (it threw, and the client never heard back)
    client.send(new JsonObject().put("type", "send").put("address", Addresses.ECHO).put("replyAddress", "r8").put("headers", "x").put("body", "h"));
    JsonObject refused = client.next();
    assertEquals("invalid_frame", refused.getString("message"), refused.encode());
    assertEquals("headers must be a JSON object", refused.getString("reason"));
    assertEquals("rejected", client.next().getString("body"));
    client.send(new JsonObject().put("type", "send").put("address", Addresses.ECHO).put("replyAddress", "r7")
        .put("headers", new JsonObject().put("n", 1).put("b", true)).put("body", "h"));
    // as on the TCP bridge, a number or boolean header travels as its text (tandem.echo answers with the headers it got)
    assertEquals(new JsonObject().put("n", "1").put("b", "true"), client.next().getJsonObject("headers"));
    client.send(new JsonObject().put("type", "send").put("address", Addresses.ECHO).put("replyAddress", "r9").put("body", "still?"));
    assertEquals("still?", client.next().getString("body"));
  }
  @Test
  void aClientAnswersARequestSentToAnAddressItRegisteredAndNoOtherClientMay(Vertx vertx) throws Exception {
    int port = deploy(vertx);
    Client answerer = new Client(port);
    Client other = new Client(port);
    answerer.send(new JsonObject().put("type", "register").put("address", Addresses.TCP_MESSAGES).put("ack", true));
    assertEquals("registered", answerer.next().getString("type"));

    Future<Message<Object>> first = vertx.eventBus().request(Addresses.TCP_MESSAGES, new JsonObject().put("q", 1));
    JsonObject request = answerer.next();
    assertEquals(Addresses.TCP_MESSAGES, request.getString("address"));
    String replyAddress = request.getString("replyAddress");
    assertTrue(replyAddress.startsWith("__vertx.reply."), request.encode());
    answerer.send(new JsonObject().put("type", "send").put("address", replyAddress).put("body", new JsonObject().put("a", 1)));
    assertEquals(new JsonObject().put("a", 1), first.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body());

    // once answered, that reply address is no one's to send to, not even the answerer's
    answerer.send(new JsonObject().put("type", "send").put("address", replyAddress).put("replyAddress", "again").put("body", "twice"));
    assertEquals("ACCESS_DENIED", answerer.next().getString("failureType"));
    assertEquals("rejected", answerer.next().getString("body"));

    Future<Message<Object>> second = vertx.eventBus().request(Addresses.TCP_MESSAGES, new JsonObject().put("q", 2));
    String secondReply = answerer.next().getString("replyAddress");
    other.send(new JsonObject().put("type", "send").put("address", secondReply).put("replyAddress", "mine").put("body", "forged"));
    JsonObject denied = other.next();
    assertEquals("mine", denied.getString("address"));
    assertEquals("ACCESS_DENIED", denied.getString("failureType"));
    assertEquals(403, denied.getInteger("failureCode"));
    assertEquals("access_denied", denied.getString("message"));
    assertTrue(denied.getString("reason").contains("not the reply address of a message this client received"), denied.encode());
    assertEquals("rejected", other.next().getString("body"));
    other.send(new JsonObject().put("type", "publish").put("address", secondReply).put("body", "forged"));
    assertEquals("rejected", other.next().getString("body"), "nor by publishing");
    // Vert.x Web's bridge can only reply: a failure is refused, not passed on as a reply
    answerer.send(new JsonObject().put("type", "send").put("address", secondReply).put("failureCode", 418).put("message", "teapot"));
    JsonObject cannotFail = answerer.next();
    assertEquals("not_supported", cannotFail.getString("message"));
    assertEquals(secondReply, cannotFail.getString("address"));
    assertEquals("rejected", answerer.next().getString("body"));
    // the other client's tries, and that refusal, took nothing from the answer the request waits for
    answerer.send(new JsonObject().put("type", "send").put("address", secondReply).put("body", "genuine"));
    assertEquals("genuine", second.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body());
  }

  /** A WebSocket frame as a client sends it: masked (RFC 6455 section 5.3), payload under 126 bytes. */
  private static byte[] clientFrame(boolean fin, int opcode, byte[] payload) {
    byte[] mask = {0x12, 0x34, 0x56, 0x78};
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) ((fin ? 0x80 : 0) | opcode);
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }

  /** One frame from the server (unmasked): its opcode, then its payload. */
  private static Map.Entry<Integer, byte[]> serverFrame(java.io.InputStream in) throws Exception {
    byte[] head = Sockets.readExactly(in, 2);
    int length = head[1] & 0x7f;
    if (length == 126) {
      byte[] extended = Sockets.readExactly(in, 2);
      length = (extended[0] & 0xff) << 8 | extended[1] & 0xff;
    }
    return Map.entry(head[0] & 0x0f, Sockets.readExactly(in, length));
  }

  /** An upgraded raw connection to {@code path}, the 101's head read. */
  private static Socket upgraded(int port, String path) throws Exception {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(handshake(port, null).replace("/eventbus/websocket", path).getBytes(StandardCharsets.ISO_8859_1));
    assertEquals("HTTP/1.1 101 Switching Protocols", Sockets.readLine(socket.getInputStream()).trim());
    while (!Sockets.readLine(socket.getInputStream()).trim().isEmpty()) {
      // the rest of the head
    }
    return socket;
  }

  @Test
  void aWebSocketClientThatSendsItsFinIsLetGo(Vertx vertx) throws Exception {
    int port = deploy(vertx);
    try (Socket socket = upgraded(port, "/eventbus/websocket")) {
      socket.shutdownOutput();
      // whatever comes first (a close frame), the server ends the connection: no half-open socket kept
      InputStream in = socket.getInputStream();
      while (in.read() != -1) {
        // drain
      }
    }
  }

  private static final byte[] BAD_UTF8 = {(byte) 0xC3, 0x28}; // a lead byte, then no continuation byte

  /** Text that is not UTF-8 is refused as RFC 6455 section 8.1 says: the connection fails with 1007. */
  private static void assertClosedWith1007(Socket socket) throws Exception {
    Map.Entry<Integer, byte[]> close = serverFrame(socket.getInputStream());
    assertEquals(0x8, close.getKey(), "a close frame, not " + new String(close.getValue(), StandardCharsets.UTF_8));
    assertEquals(1007, (close.getValue()[0] & 0xff) << 8 | close.getValue()[1] & 0xff);
    assertEquals(-1, socket.getInputStream().read(), "then the connection ends");
  }

  @Test
  void aTextFrameThatIsNotUtf8EndsTheConnectionWith1007(Vertx vertx) throws Exception {
    int port = deploy(vertx);
    byte[] before = "{\"type\":\"send\",\"address\":\"tandem.echo\",\"replyAddress\":\"r1\",\"body\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] after = "\"}".getBytes(StandardCharsets.UTF_8);
    byte[] bad = new byte[before.length + BAD_UTF8.length + after.length];
    System.arraycopy(before, 0, bad, 0, before.length);
    System.arraycopy(BAD_UTF8, 0, bad, before.length, BAD_UTF8.length);
    System.arraycopy(after, 0, bad, before.length + BAD_UTF8.length, after.length);
    try (LogCapture errors = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      try (Socket raw = upgraded(port, "/eventbus/websocket")) {
        raw.getOutputStream().write(clientFrame(true, 0x1, bad));
        assertClosedWith1007(raw);
      }
      // SockJS's own framing over WebSocket: the same
      try (Socket sockJs = upgraded(port, "/eventbus/000/utf8/websocket")) {
        assertEquals("o", new String(serverFrame(sockJs.getInputStream()).getValue(), StandardCharsets.UTF_8));
        sockJs.getOutputStream().write(clientFrame(true, 0x1, ("[\"" + new String(bad, StandardCharsets.ISO_8859_1).replace("\"", "\\\"") + "\"]")
            .getBytes(StandardCharsets.ISO_8859_1)));
        assertClosedWith1007(sockJs);
      }
      // split across fragments: bad where the pieces meet, good when the continuation completes it
      try (Socket split = upgraded(port, "/eventbus/websocket")) {
        split.getOutputStream().write(clientFrame(false, 0x1, java.util.Arrays.copyOf(bad, before.length + 1)));
        split.getOutputStream().write(clientFrame(true, 0x0, java.util.Arrays.copyOfRange(bad, before.length + 1, bad.length)));
        assertClosedWith1007(split);
      }
      try (Socket split = upgraded(port, "/eventbus/websocket")) {
        byte[] good = (new String(before, StandardCharsets.UTF_8) + "\u00e9\"}").getBytes(StandardCharsets.UTF_8);
        split.getOutputStream().write(clientFrame(false, 0x1, java.util.Arrays.copyOf(good, before.length + 1)));
        split.getOutputStream().write(clientFrame(true, 0x0, java.util.Arrays.copyOfRange(good, before.length + 1, good.length)));
        Map.Entry<Integer, byte[]> reply = serverFrame(split.getInputStream());
        assertEquals("\u00e9", new JsonObject(new String(reply.getValue(), StandardCharsets.UTF_8)).getString("body"));
      }
      // but Vert.x Web's line for a connection closed under its socket, which the service's logging drops (StockBridgeLogLimit)
      List<String> logged = errors.drainEvents().stream()
          .filter(event -> !(event.getLoggerName().equals(StockBridgeLogLimit.STOCK_BRIDGE_LOGGER) && event.getMessage().equals(StockBridgeLogLimit.SOCKET_EXCEPTION)))
          .filter(event -> event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR) || event.getThrowableProxy() != null)
          .map(ILoggingEvent::getFormattedMessage).toList();
      assertTrue(logged.isEmpty(), "a client's bad bytes are no ERROR and no stack trace: " + logged);
    }
  }
  @Test
  void anXhrSendThatIsNotUtf8IsRefusedWith400AndTheSessionGoesOn(Vertx vertx) throws Exception {
    Http http = new Http(deploy(vertx));
    String session = "/eventbus/000/utf8-xhr";
    assertEquals("o\n", http.post(session + "/xhr", null, new byte[0]).body());
    String frame = "[\"{\\\"type\\\":\\\"send\\\",\\\"address\\\":\\\"tandem.echo\\\",\\\"replyAddress\\\":\\\"%s\\\",\\\"body\\\":\\\"%s\\\"}\"]";
    byte[] bad = frame.formatted("r1", "\u00ff").getBytes(StandardCharsets.ISO_8859_1); // a lone 0xFF: never UTF-8
    assertEquals("body is not valid UTF-8", Http.assertError(400, http.post(session + "/xhr_send", "text/plain", bad)));
    assertEquals(204, http.post(session + "/xhr_send", "text/plain", frame.formatted("r2", "ok").getBytes(StandardCharsets.UTF_8)).statusCode());
    String polled = http.post(session + "/xhr", null, new byte[0]).body();
    assertTrue(polled.startsWith("a[") && polled.contains("r2") && !polled.contains("r1"), polled);
  }
}
