package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tandem.fetch.FetchService.urls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One fetcher instance never has more than fetcher.maxConcurrency requests in flight, whatever its batches ask. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchLimitsTest {

  @Test
  void twoBatchesAtOnceShareTheInstanceLimit(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService.deploy(vertx, new JsonObject().put("maxConcurrency", 3).put("concurrency", 3));
    String[] urls = new String[6];
    Arrays.fill(urls, origin.url("/delay/150"));
    // each batch may have 3 in flight: together they would have 6 without the instance's limit
    Future<Message<Object>> first = vertx.eventBus().request(Addresses.FETCH, urls(urls));
    Future<Message<Object>> second = vertx.eventBus().request(Addresses.FETCH, urls(urls));
    for (Future<Message<Object>> reply : List.of(first, second)) {
      assertEquals(6, ((JsonObject) reply.await(30, TimeUnit.SECONDS).body()).getInteger("succeeded"));
    }
    assertEquals(3, origin.maxInFlight.get());
  }

  @Test
  void shutdownCancelsWhatIsStillRunningAfterTheGracePeriodWithOrWithoutAnId(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deployWith(vertx, new JsonObject().put("shutdownGraceSeconds", 1), new JsonObject());
    Future<Message<Object>> anonymous = vertx.eventBus().request(Addresses.FETCH,
        urls(origin.url("/hang")).put("timeoutMs", 60_000).put("deadlineMs", 60_000), new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(60_000));
    origin.awaitRequests(1);
    long start = System.nanoTime();
    fetcher.undeploy();
    assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10, "shutdown waited for the batch's own deadline");
    JsonObject reply = (JsonObject) anonymous.await(10, TimeUnit.SECONDS).body();
    assertEquals("cancelled", FetchService.kind(reply.getJsonArray("results").getJsonObject(0)));
  }

  @Test
  void aBatchQueuedBehindASaturatedInstanceEndsAtItsDeadlineAndLeaksNoPermit(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject().put("maxConcurrency", 2).put("concurrency", 2));
    Future<Message<Object>> slow = vertx.eventBus().request(Addresses.FETCH,
        urls(origin.url("/hang"), origin.url("/hang")).put("timeoutMs", 1500));
    origin.awaitRequests(2);
    String[] refused = new String[200];
    Arrays.fill(refused, "http://10.0.0.1/");
    JsonObject queued = fetcher.fetch(urls(refused).put("deadlineMs", 500));
    assertEquals(200, queued.getInteger("failed"));
    assertEquals("deadline", FetchService.kind(queued.getJsonArray("results").getJsonObject(199)));
    assertEquals(2, ((JsonObject) slow.await(10, TimeUnit.SECONDS).body()).getInteger("failed"));
    // both permits came back: two more URLs run at once
    JsonObject after = fetcher.fetch(urls(origin.url("/delay/200"), origin.url("/delay/200")));
    assertEquals(2, after.getInteger("succeeded"));
  }
}
