package io.tandem.http;

import ch.qos.logback.classic.Level;
import io.tandem.testing.Http;
import io.tandem.testing.LogCapture;
import io.tandem.testing.RawHttp;
import io.tandem.testing.Sockets;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the HTTP edge does with clients that stall, smuggle, garble their framing or crowd in. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestGuardTest {

  /** The HTTP verticle alone on loopback, one instance, with {@code http} settings merged in. */
  private static int deploy(Vertx vertx, JsonObject http, JsonObject topLevel) throws Exception {
    HttpVerticle verticle = new HttpVerticle();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1).mergeIn(http))
        .put("bridge", new JsonObject())
        .put("auth", new JsonObject())
        .put("metrics", new JsonObject())
        .put("fronts", new JsonObject().put("tcp", false))
        .mergeIn(topLevel);
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    return verticle.actualPort();
  }

  private static int deploy(Vertx vertx, JsonObject http) throws Exception {
    return deploy(vertx, http, new JsonObject());
  }

  private static String exchange(int port, String request) throws IOException {
    try (Socket socket = Sockets.connect(port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return Sockets.readToEnd(socket);
    }
  }

  private static void assertJsonError(String answer, int status, String message) {
    // Vert.x answers in the request's version: "HTTP/2.0 505" to a preface, HTTP/1 syntax all the same
    assertTrue(answer.matches("(?s)HTTP/\\d\\.\\d " + status + " .*"), answer);
    assertTrue(answer.contains("content-type: application/json"), answer);
    JsonObject body = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    assertEquals(new JsonObject().put("error", message).put("status", status), body);
  }

  /** Refused by a cap: closed at once, not by the head timeout (10 s by default) that would close it anyway. */
  private static void assertClosedAtOnce(Socket socket) throws IOException {
    long start = System.nanoTime();
    assertEquals(-1, socket.getInputStream().read());
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(ms < 2000, "closed after " + ms + " ms");
  }

  @Test
  void aRequestWithContentLengthAndChunkedIs400AndWhatFollowsIsNeverServed(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject());
    String smuggled = "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    for (String framing : List.of("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n")) {
      String answer = exchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" + framing + "\r\n" + smuggled);
      assertJsonError(answer, 400, "Content-Length and Transfer-Encoding together: the body's length is ambiguous");
      assertFalse(answer.contains("smuggled"), answer);
      assertEquals(1, answer.split("HTTP/1.1 ", -1).length - 1, answer);
    }
  }

  @Test
  void aTransferEncodingThatDoesNotEndInChunkedIs400(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject());
    // the header is noticed by its name as the head is parsed: in any case
    for (String name : List.of("Transfer-Encoding", "tRANSFER-eNCODING")) {
      String answer = exchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\n" + name + ": gzip\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
      assertJsonError(answer, 400, "Transfer-Encoding must end in chunked, applied once");
    }
  }

  @Test
  void aMalformedChunkedBodyIs400ThenCloseAndAtMostAWarnLineASecond(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject());
    String head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
    List<String> bodies = List.of("zz\r\nabc\r\n0\r\n\r\n", "fffffffffffffffffffff\r\nabc\r\n0\r\n\r\n", "3\r\nabcXY0\r\n\r\n");
    try (LogCapture all = new LogCapture("ROOT")) {
      long start = System.nanoTime();
      for (int i = 0; i < 60; i++) {
        String answer = exchange(port, head + bodies.get(i % bodies.size()));
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getString("error").startsWith("malformed chunked body: "), answer);
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      List<ch.qos.logback.classic.spi.ILoggingEvent> events = all.drainEvents();
      for (var event : events) {
        assertTrue(event.getLevel().isGreaterOrEqual(Level.ERROR) == false, "logged at ERROR: " + event.getFormattedMessage());
        assertNull(event.getThrowableProxy(), "a stack trace for a client's mistake: " + event.getFormattedMessage());
      }
      long warnings = events.stream().filter(event -> event.getFormattedMessage().startsWith("malformed chunked body from 127.0.0.1:")).count();
      assertTrue(warnings >= 1 && warnings <= seconds + 1, warnings + " lines in " + seconds + " s: " + events);
    }
  }

  @Test
  void aBodyOverTheLimitIs413AndTheConnectionClosesWhileTheClientIsStillSending(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("maxBodyBytes", 1024));
    long total = 256L * 1024 * 1024;
    try (Socket socket = Sockets.connect(port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: " + total + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> {
        byte[] chunk = new byte[64 * 1024];
        long sent = 0;
        try {
          while (sent < total) {
            out.write(chunk);
            sent += chunk.length;
          }
        } catch (IOException e) {
          // the server closed: what we want
        }
        return sent;
      });
      InputStream in = socket.getInputStream();
      RawHttp.Response response = RawHttp.read(in);
      assertEquals(413, response.status());
      assertEquals("close", response.headers().get("connection"));
      assertEquals(new JsonObject().put("error", "request body is over 1024 bytes (http.maxBodyBytes)").put("status", 413),
          new JsonObject(response.body()));
      long sent = written.get(30, TimeUnit.SECONDS);
      assertTrue(sent < total / 4, "the server read " + sent + " bytes after its 413");
    }
  }

  @Test
  void jsonBodiesThatAreNotUtf8Are400(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject());
    for (byte[] bad : List.of(new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})) {
      for (String path : List.of("/tcp/broadcast", "/fetch")) {
        byte[] prefix = "{\"text\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(bad, 0, body, prefix.length, bad.length);
        System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
        assertEquals("body is not valid UTF-8", Http.assertError(400, new Http(port).post(path, "application/json", body)));
      }
    }
  }

  @Test
  void h2cIsOffBothByPriorKnowledgeAndByUpgrade(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject());
    String preface = exchange(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    assertJsonError(preface, 505, "only HTTP/1.1 and HTTP/1.0 are served, not HTTP/2.0");
    try (Socket socket = Sockets.connect(port)) {
      socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
          + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response response = RawHttp.read(socket.getInputStream());
      assertEquals(200, response.status());
      assertEquals("Hello, world!", response.body());
    }
  }

  @Test
  void aHeadThatNeverCompletesIs408WithinTheTimeout(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("requestHeaderTimeoutMs", 500));
    try (Socket socket = Sockets.connect(port)) {
      long start = System.nanoTime();
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nX-Partial: ".getBytes(StandardCharsets.ISO_8859_1));
      String answer = Sockets.readToEnd(socket);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertJsonError(answer, 408, "request head not complete within 500 ms (http.requestHeaderTimeoutMs)");
      assertTrue(ms >= 400 && ms < 3000, ms + " ms");
    }
  }

  @Test
  void aHeadSentAByteAtATimeTimesOutAllTheSame(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("requestHeaderTimeoutMs", 500));
    try (Socket socket = Sockets.connect(port)) {
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < 100 && !closed; i++) { // 100 × 50 ms: far past the timeout
        try {
          out.write('X');
          out.flush();
          closed = socket.getInputStream().available() > 0;
          Thread.sleep(50); // the client's pace, not synchronisation
        } catch (SocketException e) {
          closed = true;
        }
      }
      String answer = Sockets.readToEnd(socket);
      assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 3000);
    }
  }

  @Test
  void aHeadPipelinedBehindASlowAnswerIsTimedFromTheAnswersEnd(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("requestHeaderTimeoutMs", 300));
    try (Socket socket = Sockets.connect(port)) {
      // one write: a whole request answered after 800 ms, and the start of a head that never ends
      socket.getOutputStream().write(("GET /?delay=800 HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET / HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.ISO_8859_1));
      // the head waits on the server while it answers: no 408 in the middle of the answer
      assertEquals("Hello, world!", RawHttp.read(socket.getInputStream()).body());
      long answered = System.nanoTime();
      String rest = Sockets.readToEnd(socket);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
      // and then on the client: timed out as a head, not left to the idle timeout
      assertJsonError(rest, 408, "request head not complete within 300 ms (http.requestHeaderTimeoutMs)");
      assertTrue(ms >= 200 && ms < 3000, ms + " ms");
    }
  }

  @Test
  void aBodyThatStopsArrivingIsClosedAfterTheHeadTimeoutEvenAfter100Continue(Vertx vertx) throws Exception {
    // idle timeout off: only the read-gap bound can end these
    int port = deploy(vertx, new JsonObject().put("requestHeaderTimeoutMs", 300).put("idleTimeoutSeconds", 0));
    for (String expect : List.of("", "Expect: 100-continue\r\n")) {
      try (Socket socket = Sockets.connect(port)) {
        long start = System.nanoTime();
        socket.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" + expect
            + "Content-Length: 1000\r\n\r\nonly a little").getBytes(StandardCharsets.ISO_8859_1));
        String answer = Sockets.readToEnd(socket);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(answer.contains(" 200 "), answer);
        assertTrue(ms >= 250 && ms < 3000, expect + ms + " ms");
      }
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedWithoutAnAnswer(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("requestHeaderTimeoutMs", 300));
    try (Socket socket = Sockets.connect(port)) {
      assertEquals("", Sockets.readToEnd(socket));
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeoutAndNotBefore(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("idleTimeoutSeconds", 1).put("requestHeaderTimeoutMs", 200));
    try (Socket socket = Sockets.connect(port)) {
      socket.getOutputStream().write(RawHttp.get("/?delay=500")); // longer than the head timeout: answering is not idling
      assertEquals("Hello, world!", RawHttp.read(socket.getInputStream()).body());
      long answered = System.nanoTime();
      assertEquals(-1, socket.getInputStream().read());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
      assertTrue(ms >= 800 && ms < 3000, ms + " ms");
    }
  }

  @Test
  void aKeepAliveConnectionInUseIsNotIdleHoweverFastItsAnswersCome(Vertx vertx) throws Exception {
    // answers of a millisecond fall between two sweeps: the idle time counts from the last head, not from the accept
    int port = deploy(vertx, new JsonObject().put("idleTimeoutSeconds", 1).put("requestHeaderTimeoutMs", 200));
    try (Socket socket = Sockets.connect(port)) {
      long start = System.nanoTime();
      while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 2500) { // over twice the idle timeout
        socket.getOutputStream().write(RawHttp.get("/"));
        assertEquals("Hello, world!", RawHttp.read(socket.getInputStream()).body());
        Thread.sleep(150); // the client's pace, not synchronisation
      }
    }
  }

  @Test
  void connectionsOverThePerClientCapAreClosedAtOnceAndOthersAreServed(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("maxConnectionsPerClient", 3));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket socket = Sockets.connectFrom("127.0.0.2", port);
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
        held.add(socket);
      }
      try (Socket fourth = Sockets.connectFrom("127.0.0.2", port)) {
        assertClosedAtOnce(fourth);
      }
      // 127.0.0.1 is unlimited by default, and any other host has its own count
      for (String other : List.of("127.0.0.1", "127.0.0.3")) {
        try (Socket socket = Sockets.connectFrom(other, port)) {
          socket.getOutputStream().write(RawHttp.get("/"));
          assertEquals("Hello, world!", RawHttp.read(socket.getInputStream()).body());
        }
      }
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void unlimitedClientsCanBeNone(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("maxConnectionsPerClient", 1), new JsonObject().put("unlimitedClients", new JsonArray()));
    try (Socket first = Sockets.connect(port); Socket second = Sockets.connect(port)) {
      first.getOutputStream().write(RawHttp.get("/"));
      assertEquals("Hello, world!", RawHttp.read(first.getInputStream()).body());
      assertClosedAtOnce(second);
    }
  }

  @Test
  void connectionsOverMaxConnectionsAreClosedAtOnce(Vertx vertx) throws Exception {
    int port = deploy(vertx, new JsonObject().put("maxConnections", 2));
    try (Socket first = Sockets.connect(port); Socket second = Sockets.connect(port); Socket third = Sockets.connect(port)) {
      assertClosedAtOnce(third);
      for (Socket socket : List.of(first, second)) {
        socket.getOutputStream().write(RawHttp.get("/"));
        assertEquals("Hello, world!", RawHttp.read(socket.getInputStream()).body());
      }
    }
  }
}
