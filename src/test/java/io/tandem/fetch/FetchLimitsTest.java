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
}
