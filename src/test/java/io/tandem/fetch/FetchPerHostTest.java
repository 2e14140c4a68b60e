package io.tandem.fetch;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch's {@code perHost} politeness against real origins: each host's concurrency and delay
 * held while other hosts go on, an adaptive slowdown after a 503, and time queued behind a
 * host that is never a timeout.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchPerHostTest {

  private Origin a;
  private Origin b;
  private FetchService fetcher;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    a = Origin.start(vertx);
    b = Origin.start(vertx);
    fetcher = FetchService.deploy(vertx, new JsonObject());
  }

  private static void assertAllOk(JsonObject reply) {
    assertEquals(0, reply.getInteger("failed"), reply.encode());
  }

  private static List<Long> gapsMs(Origin origin) {
    List<Long> at = new ArrayList<>(origin.arrivedAt);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < at.size(); i++) {
      gaps.add(TimeUnit.NANOSECONDS.toMillis(at.get(i) - at.get(i - 1)));
    }
    return gaps;
  }

  @Test
  void eachHostGetsAtMostItsConcurrencyWhileTheBatchRunsWide() throws Exception {
    JsonArray urls = new JsonArray();
    for (int i = 0; i < 20; i++) {
      urls.add(a.url("/delay/100?i=" + i)).add(b.url("/delay/100?i=" + i));
    }
    long started = System.nanoTime();
    JsonObject reply = fetcher.fetch(new JsonObject().put("urls", urls).put("concurrency", 40)
        .put("perHost", new JsonObject().put("concurrency", 2)));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertAllOk(reply);
    assertEquals(2, a.maxInFlight(), "never more than 2 at a, and 2 were used");
    assertEquals(2, b.maxInFlight());
    assertTrue(tookMs >= 1000, "20 answers of 100 ms, 2 at a time, take 1 s at least: took " + tookMs + " ms");

    JsonObject unlimited = fetcher.fetch(new JsonObject().put("urls", new JsonArray(urls.getList().subList(0, 20))).put("concurrency", 40));
    assertAllOk(unlimited);
    assertEquals(10, a.maxInFlight(), "without perHost the batch's concurrency is the only limit");
  }

  @Test
  void aDelaySpacesTheRequestsToOneHost() throws Exception {
    JsonArray urls = new JsonArray();
    for (int i = 0; i < 4; i++) {
      urls.add(a.url("/status/200?i=" + i)).add(b.url("/status/200?i=" + i));
    }
    assertAllOk(fetcher.fetch(new JsonObject().put("urls", urls).put("perHost", new JsonObject().put("delayMs", 300))));
    for (Origin origin : List.of(a, b)) {
      List<Long> gaps = gapsMs(origin);
      assertEquals(3, gaps.size());
      // started 300 ms apart by the coordinator; a request's way to the origin may differ by a little
      gaps.forEach(gap -> assertTrue(gap >= 250, "requests to one host " + gaps + " ms apart"));
    }
  }

  @Test
  void anAdaptiveBatchSlowsDownForAHostThatSays503() throws Exception {
    JsonObject reply = fetcher.fetch(new JsonObject()
        .put("urls", new JsonArray().add(a.url("/flaky/x?fails=1&retryAfter=1")).add(a.url("/status/200")).add(a.url("/status/200")))
        .put("perHost", new JsonObject().put("concurrency", 1).put("adaptive", true)));
    JsonObject busy = reply.getJsonArray("results").getJsonObject(0);
    assertEquals(503, busy.getInteger("status"), busy.encode());
    assertEquals(1000, busy.getLong("retryAfterMs"), "the answer's Retry-After, in the result");
    List<Long> gaps = gapsMs(a);
    assertTrue(gaps.get(0) >= 950, "the next request waited for the Retry-After: " + gaps);
    assertTrue(gaps.get(1) >= 950, "and so did the one after (the delay stays until ten 2xx): " + gaps);

    b.arrivedAt.clear();
    fetcher.fetch(new JsonObject()
        .put("urls", new JsonArray().add(b.url("/flaky/y?fails=1&retryAfter=1")).add(b.url("/status/200")))
        .put("perHost", new JsonObject().put("concurrency", 1)));
    assertTrue(gapsMs(b).get(0) < 950, "not adaptive: no slowdown " + gapsMs(b));
  }

  @Test
  void aRedirectCountsAgainstTheHostItLeadsTo() throws Exception {
    JsonArray urls = new JsonArray();
    for (int i = 0; i < 3; i++) {
      urls.add(b.url("/delay/300?direct=" + i)).add(a.url("/redirect-to?url=" + b.url("/delay/300?via=" + i)));
    }
    // a 307 keeps its POST and body on the way to the other host, without the secret header
    urls.add(new JsonObject().put("url", a.url("/redirect-status/307?to=" + b.url("/inspect"))).put("method", "POST")
        .put("headers", new JsonObject().put("Authorization", "Bearer s3cret")).put("json", new JsonObject().put("n", 1)));
    JsonObject reply = fetcher.fetch(new JsonObject().put("urls", urls).put("concurrency", 10).put("body", "text").put("timings", true)
        .put("perHost", new JsonObject().put("concurrency", 1)));
    assertAllOk(reply);
    assertEquals(1, b.maxInFlight(), "the URLs sent to b by a's redirects wait for b's slot like b's own");
    JsonObject viaA = reply.getJsonArray("results").getJsonObject(1);
    assertEquals(a.url("/redirect-to?url=" + b.url("/delay/300?via=0")), viaA.getString("url"), "a result keeps its URL");
    assertEquals(new JsonArray().add(b.url("/delay/300?via=0")), viaA.getJsonArray("redirects"));
    assertTrue(viaA.getLong("elapsedMs") >= 300, viaA.encode());
    assertEquals(viaA.getLong("elapsedMs"), viaA.getJsonObject("timings").getLong("totalMs"));
    assertTrue(viaA.getJsonObject("timings").getLong("queuedMs") >= 300, "it waited for b: " + viaA.encode());
    JsonObject inspected = new JsonObject(reply.getJsonArray("results").getJsonObject(6).getString("body"));
    assertEquals("POST", inspected.getString("method"), inspected.encode());
    assertEquals("{\"n\":1}", inspected.getString("body"));
    assertEquals(null, inspected.getJsonObject("headers").getString("authorization"), "another origin: no secret");
  }

  @Test
  void timeQueuedBehindAHostIsNotATimeout() throws Exception {
    JsonArray urls = new JsonArray();
    for (int i = 0; i < 3; i++) {
      urls.add(a.url("/delay/400?i=" + i));
    }
    JsonObject reply = fetcher.fetch(new JsonObject().put("urls", urls).put("timeoutMs", 700)
        .put("perHost", new JsonObject().put("concurrency", 1)));
    assertAllOk(reply);
    assertTrue(reply.getLong("elapsedMs") >= 1200, "one at a time: " + reply.getLong("elapsedMs") + " ms");
  }

  @Test
  void wrongPerHostFieldsAreNamed() {
    assertEquals("perHost.concurrency must be an integer 1..64, got 0", fetcher.badRequest("tandem.fetch",
        FetchService.urls(a.url("/")).put("perHost", new JsonObject().put("concurrency", 0))));
    assertEquals("perHost.delayMs must be an integer 0..60000, got 60001", fetcher.badRequest("tandem.fetch",
        FetchService.urls(a.url("/")).put("perHost", new JsonObject().put("delayMs", 60_001))));
    assertTrue(fetcher.badRequest("tandem.fetch", FetchService.urls(a.url("/")).put("perHost", new JsonObject().put("rate", 1)))
        .contains("perHost.rate"));
    assertTrue(fetcher.badRequest("tandem.fetch", FetchService.urls(a.url("/")).put("perHost", 4)).startsWith("perHost "));
  }
}
