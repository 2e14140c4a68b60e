package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.tandem.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tandem.fetch.FetchService.kind;
import static io.tandem.fetch.FetchService.urls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a URL can fail ends as its own result, on time, while the rest of the batch succeeds. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchFailuresTest {

  private static int closedPort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  @Test
  void eachWayOfFailingIsItsOwnResultAndTheRestSucceed(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject().put("maxRedirects", 5));
    JsonObject request = urls(
        "not a url",
        "ftp://127.0.0.1/file",
        "http://no-such-host.invalid/",
        "http://127.0.0.1:" + closedPort() + "/",
        origin.url("/reset"),
        origin.url("/redirect/20"),
        origin.garbageUrl(),
        origin.url("/hang"),
        origin.url("/bytes/10"),
        origin.url("/status/500"))
        .put("timeoutMs", 1000);
    JsonObject reply;
    try (LogCapture connectionErrors = new LogCapture("io.vertx.core.net.impl.ConnectionBase")) {
      reply = fetcher.fetch(request);
      // the batch waited a second for /hang: any log line from the failures before it is in by now
      assertEquals(List.of(), connectionErrors.drain(), "each failure is its URL's result, not an ERROR in the log");
    }
    JsonArray results = reply.getJsonArray("results");
    List<String> kinds = List.of("invalid-url", "blocked", "dns", "connect", "reset", "too-many-redirects", "io", "timeout");
    for (int i = 0; i < kinds.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      assertFalse(result.getBoolean("ok"), result.encode());
      assertEquals(kinds.get(i), kind(result), result.encode());
      assertFalse(result.getJsonObject("error").getString("message").isBlank());
    }
    assertTrue(results.getJsonObject(6).getJsonObject("error").getString("message").startsWith("not a valid HTTP answer: "),
        results.getJsonObject(6).encode());
    assertTrue(results.getJsonObject(8).getBoolean("ok"));
    assertEquals(500, results.getJsonObject(9).getInteger("status"));
    assertEquals(1, reply.getInteger("succeeded"));
    assertEquals(9, reply.getInteger("failed"));
  }

  @Test
  void atTheBatchDeadlineUnfinishedUrlsEndWithDeadline(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject());
    JsonObject reply = fetcher.fetch(urls(origin.url("/bytes/1"), origin.url("/hang"), origin.url("/bytes/2"))
        .put("concurrency", 1).put("timeoutMs", 30_000).put("deadlineMs", 800));
    JsonArray results = reply.getJsonArray("results");
    assertTrue(results.getJsonObject(0).getBoolean("ok"));
    assertEquals("deadline", kind(results.getJsonObject(1)), "in flight at the deadline");
    assertEquals("deadline", kind(results.getJsonObject(2)), "still queued at the deadline");
    long elapsed = reply.getLong("elapsedMs");
    // not before its deadline, and not when the hanging URL's own 30 s timeout would have ended it
    assertTrue(elapsed >= 800 && elapsed < 30_000, "the batch ended at " + elapsed + " ms, not at its deadline");
    origin.awaitClosedConnection();
  }

  @Test
  void theTimeoutIsADeadlineNotAnIdleTimer(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject());
    // /drip sends a few bytes every 5 ms for ever: never idle, never done
    JsonObject result = fetcher.fetch(urls(origin.url("/drip")).put("timeoutMs", 600)).getJsonArray("results").getJsonObject(0);
    assertEquals("timeout", kind(result));
    assertEquals(200, result.getInteger("status"));
    // /drip never ends by itself: that it ended at all, as a timeout, is the deadline; not before it
    assertTrue(result.getLong("elapsedMs") >= 600, result.encode());
    origin.awaitClosedConnection();
  }

  @Test
  void theBodyCapCutsTheTransferItself(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject());
    int cap = 64 * 1024;
    JsonObject result = fetcher.fetch(urls(origin.url("/big")).put("maxBodyBytes", cap).put("body", "none"))
        .getJsonArray("results").getJsonObject(0);
    assertTrue(result.getBoolean("ok"), result.encode());
    assertTrue(result.getBoolean("truncated"));
    assertEquals(cap, result.getLong("bytes"));
    // the 10 GiB answer stops: the connection closes, and only socket buffers' worth was ever sent
    origin.awaitClosedConnection();
    assertTrue(origin.bytesSent.get() < 32L * 1024 * 1024, "the origin sent " + origin.bytesSent.get() + " bytes");

    JsonObject endless = fetcher.fetch(urls(origin.url("/drip")).put("maxBodyBytes", 1000)).getJsonArray("results").getJsonObject(0);
    assertTrue(endless.getBoolean("truncated"));
    assertEquals(1000, endless.getLong("bytes"));
    assertEquals(1000, endless.getString("body").length());
  }

  @Test
  void privateAndLoopbackAddressesAreBlockedByDefault(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject().put("allowHosts", new JsonArray().add("localhost")));
    JsonArray results = fetcher.fetch(urls(
        origin.url("/bytes/1"),
        "http://[::1]:" + origin.port() + "/bytes/1",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "http://[::ffff:127.0.0.1]:" + origin.port() + "/",
        "http://localhost:" + origin.port() + "/redirect-to?url=" + origin.url("/bytes/1"),
        "http://localhost:" + origin.port() + "/bytes/3"))
        .getJsonArray("results");
    for (int i = 0; i < 6; i++) {
      assertEquals("blocked", kind(results.getJsonObject(i)), results.getJsonObject(i).encode());
    }
    assertTrue(results.getJsonObject(0).getJsonObject("error").getString("message").contains("loopback"));
    assertTrue(results.getJsonObject(2).getJsonObject("error").getString("message").contains("link-local"));
    assertEquals(new JsonArray().add(origin.url("/bytes/1")), results.getJsonObject(5).getJsonArray("redirects"),
        "the redirect's target was checked and refused");
    assertTrue(results.getJsonObject(6).getBoolean("ok"), "an allowed name still works");
    assertEquals(List.of("/bytes/3", "/redirect-to?url=" + origin.url("/bytes/1")), origin.requested.stream().sorted().toList(),
        "only the allowed name was ever requested");
  }

  @Test
  void denyHostsWinsEvenWhenPrivateNetworksAreAllowed(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject()
        .put("allowPrivateNetworks", true).put("denyHosts", new JsonArray().add("127.0.0.0/8").add("*.internal").add("localhost")));
    JsonArray results = fetcher.fetch(urls(origin.url("/bytes/1"), "http://db.internal/", "http://localhost.:" + origin.port() + "/bytes/1"))
        .getJsonArray("results");
    assertEquals("blocked", kind(results.getJsonObject(0)));
    assertEquals("blocked", kind(results.getJsonObject(2)), "a trailing dot is the same name");
    assertTrue(results.getJsonObject(2).getJsonObject("error").getString("message").contains("denyHosts (localhost)"));
    assertTrue(results.getJsonObject(1).getJsonObject("error").getString("message").contains("denyHosts"));
    assertEquals("blocked", kind(results.getJsonObject(1)), "a denied name is refused before it is resolved");
  }

  @Test
  void aCancelEndsTheBatchAndClosesItsConnections(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject());
    var reply = vertx.eventBus().request(Addresses.FETCH, urls(origin.url("/hang"), origin.url("/hang"), origin.url("/hang"))
        .put("id", "batch-7").put("concurrency", 2));
    // two requests are in flight and one is queued when the cancel comes
    origin.awaitRequests(2);
    vertx.eventBus().publish(Addresses.FETCH_CANCEL, new JsonObject().put("id", "batch-7"));
    JsonArray results = ((JsonObject) reply.await(10, TimeUnit.SECONDS).body()).getJsonArray("results");
    for (int i = 0; i < 3; i++) {
      assertEquals("cancelled", kind(results.getJsonObject(i)));
    }
    origin.awaitClosedConnection();
    origin.awaitClosedConnection();
  }
}
