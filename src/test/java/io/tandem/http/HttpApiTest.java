package io.tandem.http;

import io.tandem.MainVerticle;
import io.tandem.testing.TestService;
import io.tandem.testing.Http;
import io.tandem.testing.Sockets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API of the whole service (main verticle, TCP and HTTP verticles), through a real client. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApiTest {

  private Http http;
  private int tcpPort;

  private MainVerticle main;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    main = TestService.deploy(vertx, new JsonObject()
        .put("tcp", new JsonObject().put("instances", 2))
        .put("http", new JsonObject().put("instances", 2).put("maxBodyBytes", 4096).put("maxDelayMs", 5000)));
    http = new Http(main.httpPort());
    tcpPort = main.tcpPort();
  }

  @Test
  void rootAnswersHelloWorldAsPlainText() throws Exception {
    HttpResponse<String> response = http.get("/");
    assertEquals(200, response.statusCode());
    assertEquals("text/plain; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
    assertEquals("Hello, world!", response.body());
  }

  @Test
  void theDelayParameterHoldsTheAnswerOnATimer() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = http.get("/?delay=300");
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 300);
    assertEquals("Hello, world!", response.body());
  }

  @Test
  void delayedRequestsWaitTogetherNotOneAfterAnother() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      answers.add(http.sendAsync(http.request("/?delay=1000").build()));
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      assertEquals(200, answer.get(30, TimeUnit.SECONDS).statusCode());
    }
    // one after another would take 100 s
    assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 20);
  }

  @Test
  void aBadDelayIs400() throws Exception {
    for (String delay : List.of("abc", "-1", "5001", "1.5", "")) {
      String message = Http.assertError(400, http.get("/?delay=" + delay));
      assertEquals("delay must be an integer 0..5000 (milliseconds), got \"" + delay + "\"", message);
    }
  }

  @Test
  void helloGreetsTheNameThroughTheBus() throws Exception {
    assertEquals("Hello, Ada!", http.get("/hello/Ada").body());
    assertEquals("Hello, é!", http.get("/hello/%C3%A9").body());
    assertEquals("Hello, world!", http.get("/hello").body());
    HttpResponse<String> response = http.get("/hello/Grace%20Hopper");
    assertEquals(200, response.statusCode());
    assertEquals("text/plain; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
    assertEquals("Hello, Grace Hopper!", response.body());
  }

  @Test
  void aNameOver256BytesIs400FromTheBusService() throws Exception {
    assertEquals("Hello, " + "é".repeat(128) + "!", http.get("/hello/" + "%C3%A9".repeat(128)).body());
    assertEquals("name must be at most 256 UTF-8 bytes", Http.assertError(400, http.get("/hello/" + "%C3%A9".repeat(129))));
  }

  @Test
  void echoReturnsTheBodyByteExactWithItsContentType() throws Exception {
    byte[] body = new byte[4096];
    new Random(1).nextBytes(body);
    HttpResponse<byte[]> response = http.postBytes("/echo", "application/x-tandem", body);
    assertEquals(200, response.statusCode());
    assertEquals("application/x-tandem", response.headers().firstValue("content-type").orElseThrow());
    assertArrayEquals(body, response.body());
    HttpResponse<byte[]> untyped = http.postBytes("/echo", null, "plain".getBytes(StandardCharsets.UTF_8));
    assertEquals("plain", new String(untyped.body(), StandardCharsets.UTF_8));
    assertFalse(untyped.headers().firstValue("content-type").isPresent());
    assertEquals(0, http.postBytes("/echo", "text/plain", new byte[0]).body().length);
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    String message = Http.assertError(413, http.post("/echo", "text/plain", new byte[4097]));
    assertEquals("request body is over 4096 bytes (http.maxBodyBytes)", message);
    Http.assertError(413, http.postJson("/tcp/broadcast", "{\"text\":\"" + "x".repeat(5000) + "\"}"));
  }

  @Test
  void broadcastIs202AndReachesTcpClients() throws Exception {
    try (Socket client = Sockets.connect(tcpPort)) {
      assertEquals("ready\n", Sockets.roundTrip(client, "ready\n"));
      HttpResponse<String> response = http.postJson("/tcp/broadcast", "{\"text\":\"hello, room\"}");
      assertEquals(202, response.statusCode());
      assertEquals(new JsonObject().put("accepted", true), new JsonObject(response.body()));
      assertEquals("hello, room", Sockets.readLine(client.getInputStream()));
    }
  }

  @Test
  void aMalformedBroadcastIs400AndANonJsonOneIs415() throws Exception {
    assertEquals("body is not valid JSON", Http.assertError(400, http.postJson("/tcp/broadcast", "{\"text\":")));
    assertEquals("text is required", Http.assertError(400, http.postJson("/tcp/broadcast", "{}")));
    assertEquals("text must be a string", Http.assertError(400, http.postJson("/tcp/broadcast", "{\"text\":1}")));
    assertTrue(Http.assertError(400, http.postJson("/tcp/broadcast", "[1]")).startsWith("body must be a JSON object"));
    assertEquals("Content-Type must be application/json",
        Http.assertError(415, http.post("/tcp/broadcast", "text/plain", "{\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() throws Exception {
    assertEquals("no such resource: GET /nope", Http.assertError(404, http.get("/nope")));
    assertEquals("method DELETE is not allowed on /",
        Http.assertError(405, http.send(http.request("/").DELETE().build())));
  }

  @Test
  void healthIsUpAndReadyChecksEveryService() throws Exception {
    HttpResponse<String> health = http.get("/health");
    assertEquals(200, health.statusCode());
    assertEquals(new JsonObject().put("status", "UP"), new JsonObject(health.body()));
    HttpResponse<String> ready = http.get("/ready");
    assertEquals(200, ready.statusCode(), ready.body());
    JsonObject body = new JsonObject(ready.body());
    assertEquals("UP", body.getString("status"));
    List<String> checked = body.getJsonArray("checks").stream().map(check -> ((JsonObject) check).getString("id")).sorted().toList();
    assertEquals(List.of("deployment", "fetcher", "http", "tcp"), checked);
  }

  @Test
  void readyTurns503AsShutdownBeginsWhileTheServersStillAnswer() throws Exception {
    assertEquals(200, http.get("/ready").statusCode());
    main.markStopping(); // what the launcher's shutdown hook does first
    HttpResponse<String> ready = http.get("/ready");
    assertEquals("not ready: deployment (shutting down)", Http.assertError(503, ready));
    assertEquals(200, http.get("/health").statusCode(), "still serving: only new traffic is to go elsewhere");
  }
}
