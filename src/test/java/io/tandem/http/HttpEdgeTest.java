package io.tandem.http;

import io.tandem.bus.Addresses;
import io.tandem.testing.Http;
import io.tandem.testing.LogCapture;
import io.tandem.testing.RawHttp;
import io.tandem.testing.Sockets;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP verticle on its own: bus failures, readiness, codec limits and connection handling. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpEdgeTest {

  private static final byte[] SOME_BYTES = "abc".getBytes(StandardCharsets.UTF_8);

  /** The HTTP verticle alone, TCP disabled unless {@code tcpEnabled}: nothing serves tandem.echo. */
  private static Http deployHttp(Vertx vertx, boolean tcpEnabled) throws Exception {
    HttpVerticle verticle = new HttpVerticle();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("busTimeoutMs", 300))
        .put("bridge", new JsonObject())
        .put("auth", new JsonObject())
        .put("metrics", new JsonObject())
        .put("fronts", new JsonObject().put("tcp", tcpEnabled));
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    return new Http(verticle.actualPort());
  }

  @Test
  void aServiceWithNoHandlerIs503(Vertx vertx) throws Exception {
    Http http = deployHttp(vertx, false);
    assertEquals("no service is answering on tandem.echo", Http.assertError(503, http.post("/echo", "text/plain", SOME_BYTES)));
  }

  @Test
  void aServiceThatDoesNotAnswerIs504(Vertx vertx) throws Exception {
    Http http = deployHttp(vertx, false);
    vertx.eventBus().consumer(Addresses.ECHO, message -> { }).completion().await(5, TimeUnit.SECONDS);
    assertEquals("tandem.echo did not answer in time", Http.assertError(504, http.post("/echo", "text/plain", SOME_BYTES)));
  }

  @Test
  void aConsumersFailureCodeAndMessagePassThrough(Vertx vertx) throws Exception {
    Http http = deployHttp(vertx, false);
    vertx.eventBus().consumer(Addresses.ECHO, message -> message.fail(418, "short and stout")).completion().await(5, TimeUnit.SECONDS);
    assertEquals("short and stout", Http.assertError(418, http.post("/echo", "text/plain", SOME_BYTES)));
  }

  @Test
  void aFailureCodeThatIsNotAnHttpErrorIs502(Vertx vertx) throws Exception {
    Http http = deployHttp(vertx, false);
    vertx.eventBus().consumer(Addresses.ECHO, message -> message.fail(42, "odd")).completion().await(5, TimeUnit.SECONDS);
    assertEquals("odd", Http.assertError(502, http.post("/echo", "text/plain", SOME_BYTES)));
  }

  @Test
  void anAnswerOfTheWrongShapeIs502(Vertx vertx) throws Exception {
    Http http = deployHttp(vertx, false);
    vertx.eventBus().consumer(Addresses.ECHO, message -> message.reply(new JsonObject())).completion().await(5, TimeUnit.SECONDS);
    assertEquals("tandem.echo answered with something other than bytes",
        Http.assertError(502, http.post("/echo", "text/plain", SOME_BYTES)));
  }

  @Test
  void readyIs503AndNamesWhatIsNotReady(Vertx vertx) throws Exception {
    Http http = deployHttp(vertx, true);
    HttpResponse<String> response = http.get("/ready");
    String message = Http.assertError(503, response);
    assertTrue(message.startsWith("not ready: "), message);
    assertTrue(message.contains("deployment (verticles are still being deployed)"), message);
    assertTrue(message.contains("tcp (no handler for tandem.echo)"), message);
    assertTrue(message.contains("fetcher (no handler for tandem.fetch.url)"), message);
    assertFalse(message.contains("http ("), message);
    assertEquals(4, new JsonObject(response.body()).getJsonArray("checks").size());
  }

  @Test
  void aHandlerThatThrowsIs500WithoutDetailsAndIsLogged(Vertx vertx) throws Exception {
    Router router = Router.router(vertx);
    router.get("/boom").handler(ctx -> {
      throw new IllegalStateException("secret detail");
    });
    router.route().failureHandler(new ErrorResponses(1)::handleFailure);
    int port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
    try (LogCapture errors = new LogCapture(ErrorResponses.class.getName())) {
      HttpResponse<String> response = new Http(port).get("/boom");
      assertEquals("internal error", Http.assertError(500, response));
      assertFalse(response.body().contains("secret"));
      ILoggingEvent logged = errors.nextEvent();
      assertEquals("GET /boom failed", logged.getFormattedMessage());
      assertEquals("secret detail", logged.getThrowableProxy().getMessage());
    }
  }

  @Test
  void anOverlongRequestLineIs414AndOversizedHeadersAre431(Vertx vertx) throws Exception {
    Http http = deployHttp(vertx, false);
    int port = http.request("/").build().uri().getPort();
    try (Socket socket = Sockets.connect(port)) {
      socket.getOutputStream().write(RawHttp.get("/" + "a".repeat(5000)));
      RawHttp.Response response = RawHttp.read(socket.getInputStream());
      assertEquals(414, response.status());
      assertEquals(new JsonObject().put("error", "request line too long").put("status", 414), new JsonObject(response.body()));
    }
    try (Socket socket = Sockets.connect(port)) {
      String big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n";
      socket.getOutputStream().write(big.getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response response = RawHttp.read(socket.getInputStream());
      assertEquals(431, response.status());
      assertEquals("application/json", response.headers().get("content-type"));
      assertEquals(new JsonObject().put("error", "request headers too large").put("status", 431), new JsonObject(response.body()));
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnOneConnection(Vertx vertx) throws Exception {
    Http http = deployHttp(vertx, false);
    try (Socket socket = Sockets.connect(http.request("/").build().uri().getPort())) {
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      requests.write(RawHttp.get("/?delay=200"));
      requests.write(RawHttp.get("/hello/Ada"));
      requests.write(RawHttp.get("/nope"));
      requests.write(RawHttp.get("/"));
      socket.getOutputStream().write(requests.toByteArray());
      InputStream in = socket.getInputStream();
      assertEquals("Hello, world!", RawHttp.read(in).body());
      assertEquals("Hello, Ada!", RawHttp.read(in).body());
      assertEquals(404, RawHttp.read(in).status());
      assertEquals("Hello, world!", RawHttp.read(in).body());
    }
  }

  @Test
  void aClientThatHalfClosesAfterItsRequestStillGetsTheAnswer(Vertx vertx) throws Exception {
    Http http = deployHttp(vertx, false);
    try (Socket socket = Sockets.connect(http.request("/").build().uri().getPort())) {
      socket.getOutputStream().write(RawHttp.get("/?delay=300"));
      socket.getOutputStream().write(RawHttp.get("/hello/Ada"));
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      RawHttp.Response response = RawHttp.read(in);
      assertEquals(200, response.status());
      assertEquals("Hello, world!", response.body());
      assertEquals("Hello, Ada!", RawHttp.read(in).body());
      assertEquals(-1, in.read());
    }
  }
}
