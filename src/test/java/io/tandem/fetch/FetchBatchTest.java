package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.tandem.fetch.FetchService.kind;
import static io.tandem.fetch.FetchService.urls;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tandem.fetch}: batch semantics against a real origin on loopback. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchBatchTest {

  private Origin origin;
  private FetchService fetcher;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    origin = Origin.start(vertx);
    fetcher = FetchService.deploy(vertx, new JsonObject());
  }

  @Test
  void resultsComeBackInInputOrderAndOneFailureNeverSinksTheBatch(Vertx vertx) throws Exception {
    BlockingQueue<Integer> completionOrder = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer("tandem.fetch.progress.test", message -> completionOrder.add(message.body().getInteger("index")))
        .completion().await(5, TimeUnit.SECONDS);
    JsonObject reply = fetcher.fetch(urls(origin.url("/delay/400"), origin.url("/delay/0"), "not a url", origin.url("/status/404"))
        .put("progressAddress", "tandem.fetch.progress.test"));
    JsonArray results = reply.getJsonArray("results");
    for (int i = 0; i < 4; i++) {
      assertEquals(i, results.getJsonObject(i).getInteger("index"));
    }
    assertEquals("waited 400", results.getJsonObject(0).getString("body"));
    assertTrue(results.getJsonObject(0).getBoolean("ok"));
    assertEquals("invalid-url", kind(results.getJsonObject(2)));
    JsonObject notFound = results.getJsonObject(3);
    assertFalse(notFound.getBoolean("ok"));
    assertEquals(404, notFound.getInteger("status"));
    assertNull(notFound.getValue("error"));
    assertEquals(2, reply.getInteger("succeeded"));
    assertEquals(2, reply.getInteger("failed"));
    assertTrue(reply.getLong("elapsedMs") >= 400);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(completionOrder.poll(5, TimeUnit.SECONDS));
    }
    assertEquals(0, order.get(3), "the slow URL was not the last to complete: " + order);
  }

  @Test
  void aResultCarriesSizeTypeAndTheBodyAndHashAsAsked() throws Exception {
    byte[] expected = Origin.expectedBytes(50_000);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));
    JsonObject base64 = fetcher.fetch(urls(origin.url("/bytes/50000")).put("body", "base64").put("sha256", true))
        .getJsonArray("results").getJsonObject(0);
    assertEquals(50_000, base64.getLong("bytes"));
    assertEquals(sha256, base64.getString("sha256"));
    assertEquals("application/octet-stream", base64.getString("contentType"));
    assertFalse(base64.getBoolean("truncated"));
    assertEquals(200, base64.getInteger("status"));
    assertArrayEquals(expected, Base64.getDecoder().decode(base64.getString("body")));
    JsonObject none = fetcher.fetch(urls(origin.url("/bytes/50000")).put("body", "none").put("sha256", true))
        .getJsonArray("results").getJsonObject(0);
    assertEquals(sha256, none.getString("sha256"));
    assertNull(none.getValue("body"));
    JsonObject unhashed = fetcher.fetch(urls(origin.url("/bytes/50000")).put("body", "none")).getJsonArray("results").getJsonObject(0);
    assertEquals(50_000, unhashed.getLong("bytes"));
    assertNull(unhashed.getValue("sha256"), "hashing is only done when asked");
    assertEquals("tandem/0.1.0", origin.lastUserAgent);
  }

  @Test
  void textIsDecodedWithTheCharsetTheAnswerDeclares() throws Exception {
    JsonObject result = fetcher.fetch(urls(origin.url("/latin1"))).getJsonArray("results").getJsonObject(0);
    assertEquals("café", result.getString("body"));
    assertEquals(4, result.getLong("bytes"));
  }

  @Test
  void followsRedirectsAndListsThem() throws Exception {
    JsonObject result = fetcher.fetch(urls(origin.url("/redirect/3"))).getJsonArray("results").getJsonObject(0);
    assertTrue(result.getBoolean("ok"));
    assertEquals("landed", result.getString("body"));
    assertEquals(new JsonArray().add(origin.url("/redirect/2")).add(origin.url("/redirect/1")).add(origin.url("/redirect/0")),
        result.getJsonArray("redirects"));
  }

  @Test
  void anIpv6LiteralIsSentAsAValidHostHeader() throws Exception {
    JsonObject result = fetcher.fetch(urls(origin.ipv6Url("/bytes/3"))).getJsonArray("results").getJsonObject(0);
    assertTrue(result.getBoolean("ok"), result.encode());
    assertTrue(origin.lastHost.startsWith("[::1]:"), origin.lastHost);
  }

  @Test
  void aRedirectWithALargeBodyIsStillFollowed() throws Exception {
    JsonObject result = fetcher.fetch(urls(origin.url("/redirect-big"))).getJsonArray("results").getJsonObject(0);
    assertTrue(result.getBoolean("ok"), result.encode());
    assertEquals(5, result.getLong("bytes"));
    assertEquals(new JsonArray().add(origin.url("/bytes/5")), result.getJsonArray("redirects"));
  }

  @Test
  void progressGetsEveryResultTheMomentItCompletes(Vertx vertx) throws Exception {
    BlockingQueue<JsonObject> progress = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer("tandem.fetch.progress.test-2", message -> progress.add(message.body())).completion().await(5, TimeUnit.SECONDS);
    vertx.eventBus().request(Addresses.FETCH, urls(origin.url("/delay/0"), origin.url("/delay/3000")).put("progressAddress", "tandem.fetch.progress.test-2"));
    JsonObject first = progress.poll(10, TimeUnit.SECONDS);
    assertEquals(0, first.getInteger("index"));
    assertEquals(0, origin.slowAnswersFinished.get(), "the first result waited for the slow one");
    assertEquals(1, progress.poll(10, TimeUnit.SECONDS).getInteger("index"));
  }

  @Test
  void atMostConcurrencyRequestsOfABatchAreInFlight() throws Exception {
    String[] urls = new String[20];
    java.util.Arrays.fill(urls, origin.url("/delay/100"));
    JsonObject reply = fetcher.fetch(urls(urls).put("concurrency", 4));
    assertEquals(20, reply.getInteger("succeeded"));
    assertEquals(4, origin.maxInFlight.get());
  }

  @Test
  void keepAliveConnectionsAreReused() throws Exception {
    String[] urls = new String[10];
    java.util.Arrays.fill(urls, origin.url("/bytes/10"));
    assertEquals(10, fetcher.fetch(urls(urls).put("concurrency", 1)).getInteger("succeeded"));
    assertEquals(1, origin.connections.get());
  }

  @Test
  void aMalformedRequestIs400NamingTheField() {
    assertEquals("body must be a JSON object", fetcher.badRequest(Addresses.FETCH, "http://x"));
    assertEquals("urls is required", fetcher.badRequest(Addresses.FETCH, new JsonObject()));
    assertEquals("urls must be an array", fetcher.badRequest(Addresses.FETCH, new JsonObject().put("urls", "http://x")));
    assertEquals("urls must hold 1..10000 items, got 0", fetcher.badRequest(Addresses.FETCH, new JsonObject().put("urls", new JsonArray())));
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 10_001; i++) {
      tooMany.add("http://example.com/" + i);
    }
    assertEquals("urls must hold 1..10000 items, got 10001", fetcher.badRequest(Addresses.FETCH, new JsonObject().put("urls", tooMany)));
    assertEquals("urls[1] must be a string or a JSON object, got 7", fetcher.badRequest(Addresses.FETCH, new JsonObject().put("urls", new JsonArray().add("a").add(7))));
    assertEquals("concurrency must be an integer 1..1024, got 0", fetcher.badRequest(Addresses.FETCH, urls("http://x").put("concurrency", 0)));
    assertEquals("concurrency must be an integer 1..1024, got 2000", fetcher.badRequest(Addresses.FETCH, urls("http://x").put("concurrency", 2000)));
    assertEquals("timeoutMs must be an integer 1..3600000, got \"soon\"", fetcher.badRequest(Addresses.FETCH, urls("http://x").put("timeoutMs", "soon")));
    assertEquals("maxBodyBytes must be an integer 0..1048576, got 2000000", fetcher.badRequest(Addresses.FETCH, urls("http://x").put("maxBodyBytes", 2_000_000)));
    assertEquals("body must be one of text, base64, none, got \"html\"", fetcher.badRequest(Addresses.FETCH, urls("http://x").put("body", "html")));
    assertEquals("save must be true or false, got \"yes\"", fetcher.badRequest(Addresses.FETCH, urls("http://x").put("save", "yes")));
    assertEquals("unknown field concurency", fetcher.badRequest(Addresses.FETCH, urls("http://x").put("concurency", 3)));
  }

  @Test
  void progressGoesOnlyToAProgressAddress() {
    // whoever sends the batch (a verticle, a bridge client): the fetcher never publishes to another service's address
    assertEquals("progressAddress must be tandem.fetch.progress.<name>, got \"tandem.tcp.broadcast\"",
        fetcher.badRequest(Addresses.FETCH, urls("http://x").put("progressAddress", Addresses.TCP_BROADCAST)));
    assertEquals("progressAddress must be tandem.fetch.progress.<name>, got \"tandem.fetch.progress.\"",
        fetcher.badRequest(Addresses.FETCH, urls("http://x").put("progressAddress", Addresses.FETCH_PROGRESS)));
    assertEquals("progressAddress must be tandem.fetch.progress.<name>, got \"tandem.tcp.broadcast\"",
        fetcher.badRequest(Addresses.FETCH_CHAIN, new JsonObject().put("url", "http://x").put("progressAddress", Addresses.TCP_BROADCAST)));
  }

  @Test
  void withProgressOnlyEachResultIsPublishedOnceAndTheReplyIsTheSummary(Vertx vertx) throws Exception {
    BlockingQueue<JsonObject> progress = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer("tandem.fetch.progress.only", message -> progress.add(message.body()))
        .completion().await(5, TimeUnit.SECONDS);
    JsonObject reply = fetcher.fetch(urls(origin.url("/bytes/3"), "not a url", origin.url("/delay/100"))
        .put("progressAddress", "tandem.fetch.progress.only").put("progressOnly", true));
    assertNull(reply.getValue("results"), "the reply repeats no result");
    assertEquals(2, reply.getInteger("succeeded"));
    assertEquals(1, reply.getInteger("failed"));
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      indices.add(progress.poll(10, TimeUnit.SECONDS).getInteger("index"));
    }
    indices.sort(null);
    assertEquals(List.of(0, 1, 2), indices);
    JsonObject chain = fetcher.chain(new JsonObject().put("url", origin.url("/bytes/3"))
        .put("progressAddress", "tandem.fetch.progress.only").put("progressOnly", true));
    assertNull(chain.getValue("hops"));
    assertEquals("error", chain.getString("stoppedBecause"), "three bytes are no JSON: " + chain);
    assertEquals(0, progress.poll(10, TimeUnit.SECONDS).getInteger("index"));
    assertNull(progress.poll(200, TimeUnit.MILLISECONDS), "one hop, one result");
  }

  @Test
  void progressOnlyNeedsAProgressAddress() {
    assertEquals("progressOnly needs a progressAddress to publish the results to",
        fetcher.badRequest(Addresses.FETCH, urls("http://x").put("progressOnly", true)));
    assertEquals("progressOnly needs a progressAddress to publish the results to",
        fetcher.badRequest(Addresses.FETCH_CHAIN, new JsonObject().put("url", "http://x").put("progressOnly", true)));
  }
}
