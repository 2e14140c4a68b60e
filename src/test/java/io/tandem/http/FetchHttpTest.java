package io.tandem.http;

import io.tandem.fetch.Origin;
import io.tandem.testing.TestService;
import io.tandem.testing.Http;
import io.tandem.testing.RawHttp;
import io.tandem.testing.Sockets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /fetch} and {@code POST /fetch/chain}: JSON, NDJSON and server-sent events. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchHttpTest {

  private Origin origin;
  private Http http;
  private int port;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    origin = Origin.start(vertx);
    port = TestService.deploy(vertx, new JsonObject()
        .put("tcp", new JsonObject().put("enabled", false))
        .put("http", new JsonObject().put("maxBodyBytes", 10_000))
        .put("fetcher", new JsonObject().put("instances", 1).put("allowHosts", new JsonArray().add("127.0.0.1")))).httpPort();
    http = new Http(port);
  }

  private String batch(String... paths) {
    JsonArray urls = new JsonArray();
    for (String path : paths) {
      urls.add(origin.url(path));
    }
    return new JsonObject().put("urls", urls).encode();
  }

  @Test
  void answersTheBatchAsJson() throws Exception {
    HttpResponse<String> response = http.postJson("/fetch", batch("/bytes/5", "/status/404"));
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
    JsonObject reply = new JsonObject(response.body());
    assertEquals(1, reply.getInteger("succeeded"));
    assertEquals(404, reply.getJsonArray("results").getJsonObject(1).getInteger("status"));
  }

  @Test
  void aUrlEntryCarriesItsOwnRequestAndAWrongOneIs400NamingTheField() throws Exception {
    JsonObject entry = new JsonObject().put("url", origin.url("/inspect")).put("method", "POST").put("json", new JsonObject().put("n", 1));
    HttpResponse<String> response = http.postJson("/fetch", new JsonObject().put("urls", new JsonArray().add(entry)).encode());
    assertEquals(200, response.statusCode(), response.body());
    JsonObject seen = new JsonObject(new JsonObject(response.body()).getJsonArray("results").getJsonObject(0).getString("body"));
    assertEquals("POST", seen.getString("method"));
    assertEquals("{\"n\":1}", seen.getString("body"));
    entry.put("headers", new JsonObject().put("Host", "elsewhere"));
    assertEquals("urls[0].headers.Host is set by the fetcher",
        Http.assertError(400, http.postJson("/fetch", new JsonObject().put("urls", new JsonArray().add(entry)).encode())));
  }

  @Test
  void ndjsonStreamsEachResultWhenItCompletesThenASummary() throws Exception {
    HttpResponse<Stream<String>> response = Http.client().send(http.request("/fetch")
            .header("Content-Type", "application/json").header("Accept", "application/x-ndjson")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(batch("/delay/3000", "/delay/0", "/bytes/3"))).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals("application/x-ndjson", response.headers().firstValue("content-type").orElseThrow());
    Iterator<String> lines = response.body().iterator();
    JsonObject first = new JsonObject(lines.next());
    assertNotEquals(0, first.getInteger("index"));
    assertEquals(0, origin.slowAnswersFinished.get(), "the first line waited for the slowest URL");
    JsonObject second = new JsonObject(lines.next());
    JsonObject third = new JsonObject(lines.next());
    assertEquals(0, third.getInteger("index"), "the slow URL is the last result");
    assertEquals(3, List.of(first, second, third).stream().map(r -> r.getInteger("index")).distinct().count());
    JsonObject summary = new JsonObject(lines.next()).getJsonObject("summary");
    assertEquals(3, summary.getInteger("succeeded"));
    assertEquals(0, summary.getInteger("failed"));
    assertTrue(!lines.hasNext());
  }

  @Test
  void serverSentEventsCarryResultsThenASummary() throws Exception {
    HttpResponse<String> response = http.send(http.request("/fetch")
        .header("Content-Type", "application/json").header("Accept", "text/event-stream")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(batch("/bytes/5", "/bytes/6"))).build());
    assertEquals("text/event-stream", response.headers().firstValue("content-type").orElseThrow());
    String[] events = response.body().split("\n\n");
    assertEquals(3, events.length, response.body());
    for (int i = 0; i < 2; i++) {
      assertTrue(events[i].startsWith("event: result\ndata: {"), events[i]);
    }
    assertTrue(events[2].startsWith("event: summary\ndata: "), events[2]);
    assertEquals(2, new JsonObject(events[2].substring(events[2].indexOf("data: ") + 6)).getInteger("succeeded"));
  }

  @Test
  void aClientThatGoesAwayCancelsItsOutstandingRequests() throws Exception {
    String body = new JsonObject(batch("/delay/0", "/hang", "/hang")).put("timeoutMs", 60_000).encode();
    try (Socket socket = Sockets.connect(port)) {
      socket.getOutputStream().write(("POST /fetch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Accept: application/x-ndjson\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
          .getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      while (!Sockets.readLine(in).strip().isEmpty()) {
        // headers
      }
      Sockets.readLine(in);
      String firstResult = Sockets.readLine(in);
      assertEquals(0, new JsonObject(firstResult).getInteger("index"));
      origin.awaitRequests(3);
    }
    // the hangs would hold their connections for 60 s; the cancel resets them now
    origin.awaitClosedConnection(5);
    origin.awaitClosedConnection(5);
  }

  @Test
  void chainsAnswerAsJsonOrStreamOneLinePerHop() throws Exception {
    String chain = new JsonObject().put("url", origin.url("/chain/0?n=3")).encode();
    JsonObject reply = new JsonObject(http.postJson("/fetch/chain", chain).body());
    assertEquals("no-next", reply.getString("stoppedBecause"));
    assertEquals(3, reply.getJsonArray("hops").size());
    HttpResponse<String> streamed = http.send(http.request("/fetch/chain")
        .header("Content-Type", "application/json").header("Accept", "application/x-ndjson")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chain)).build());
    String[] lines = streamed.body().split("\n");
    assertEquals(4, lines.length, streamed.body());
    for (int i = 0; i < 3; i++) {
      assertEquals(i, new JsonObject(lines[i]).getInteger("index"));
    }
    assertEquals("no-next", new JsonObject(lines[3]).getJsonObject("summary").getString("stoppedBecause"));
  }

  @Test
  void badRequestsAre400And413And415WithTheJsonErrorBody() throws Exception {
    assertEquals("urls is required", Http.assertError(400, http.postJson("/fetch", "{}")));
    assertEquals("body is not valid JSON", Http.assertError(400, http.postJson("/fetch", "{\"urls\":")));
    assertEquals("body must be a JSON object", Http.assertError(400, http.postJson("/fetch", "[]")));
    assertEquals("url is required", Http.assertError(400, http.postJson("/fetch/chain", "{}")));
    assertEquals("Content-Type must be application/json",
        Http.assertError(415, http.post("/fetch", "text/plain", "{}".getBytes(StandardCharsets.UTF_8))));
    Http.assertError(413, http.postJson("/fetch", "{\"urls\":[\"" + "x".repeat(10_001) + "\"]}"));
    HttpResponse<String> streamedBad = http.send(http.request("/fetch")
        .header("Content-Type", "application/json").header("Accept", "application/x-ndjson")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"urls\":[]}")).build());
    assertEquals("urls must hold 1..10000 items, got 0", Http.assertError(400, streamedBad));
  }

  @Test
  void idAndProgressAddressAreTheServersToSetOverHttp() throws Exception {
    assertEquals("id is set by the server over HTTP; it is for event-bus callers",
        Http.assertError(400, http.postJson("/fetch", "{\"urls\":[\"http://x/\"],\"id\":\"someone-elses\"}")));
    assertEquals("progressAddress is set by the server over HTTP; it is for event-bus callers",
        Http.assertError(400, http.postJson("/fetch/chain", "{\"url\":\"http://x/\",\"progressAddress\":\"tandem.tcp.broadcast\"}")));
    assertEquals("progressOnly is set by the server over HTTP; it is for event-bus callers",
        Http.assertError(400, http.postJson("/fetch", "{\"urls\":[\"http://x/\"],\"progressOnly\":true}")));
  }

  @Test
  void aStreamedAnswerGetsEachResultOnceFromTheFetcherOnThisNode(Vertx vertx) throws Exception {
    List<JsonObject> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (delivery.message().address().equals(io.tandem.bus.Addresses.FETCH)) {
        asked.add((JsonObject) delivery.message().body());
      }
      delivery.next();
    });
    HttpResponse<Stream<String>> response = Http.client().send(http.request("/fetch")
            .header("Content-Type", "application/json").header("Accept", "application/x-ndjson")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(batch("/bytes/1", "/bytes/2"))).build(),
        HttpResponse.BodyHandlers.ofLines());
    List<String> lines = response.body().toList();
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(asked.get(0).getBoolean("progressOnly"), "the results come once, as progress: " + asked);
    assertEquals(2, new JsonObject(lines.get(2)).getJsonObject("summary").getInteger("succeeded"));
  }

  @Test
  void aRefusedFetchLeavesTheConnectionAnsweringHalfClosedRequests() throws Exception {
    try (Socket socket = Sockets.connect(port)) {
      String body = "{\"urls\":[\"http://x/\"],\"id\":\"x\"}";
      socket.getOutputStream().write(("POST /fetch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Accept: application/x-ndjson\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      assertEquals(400, RawHttp.read(in).status());
      socket.getOutputStream().write(RawHttp.get("/?delay=200"));
      socket.shutdownOutput();
      RawHttp.Response answer = RawHttp.read(in);
      assertEquals(200, answer.status());
      assertEquals("Hello, world!", answer.body());
    }
  }

  @Test
  void readinessIncludesTheFetcher() throws Exception {
    JsonObject ready = new JsonObject(http.get("/ready").body());
    assertTrue(ready.getJsonArray("checks").stream().anyMatch(check -> ((JsonObject) check).getString("id").equals("fetcher")));
    assertEquals("UP", ready.getString("status"));
  }
}
