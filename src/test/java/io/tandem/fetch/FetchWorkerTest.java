package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tandem.fetch.FetchService.kind;
import static io.tandem.fetch.FetchService.urls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The fetching side on its own: URL jobs as another node sends them ({@code tandem.fetch.url}),
 * which end by their batch's deadline and on a cancel by the batch's id with no coordinator
 * telling them, and which this process's batches hand over without the bus.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchWorkerTest {

  @Test
  void aBatchHandsItsUrlsToThisProcesssInstancesWithoutTheBus(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject().put("instances", 2));
    AtomicInteger jobsOnTheBus = new AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (delivery.message().address().startsWith(Addresses.FETCH_URL)) {
        jobsOnTheBus.incrementAndGet();
      }
      delivery.next();
    });
    String[] many = new String[50];
    Arrays.fill(many, origin.url("/bytes/10"));
    JsonObject reply = fetcher.fetch(urls(many));
    assertEquals(50, reply.getInteger("succeeded"));
    assertEquals(0, jobsOnTheBus.get(), "URL jobs sent over the bus in one process");
  }

  @Test
  void aJobEndsByWhatIsLeftOfItsBatchsDeadlineOnItsOwn(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject());
    JsonObject result = fetcher.ask(Addresses.FETCH_URL, job("batch-1", origin.url("/hang")).put("deadlineMs", 300));
    assertEquals("deadline", kind(result));
  }

  @Test
  void aCancelByTheBatchsIdEndsItsJobsHere(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService.deploy(vertx, new JsonObject());
    Future<Message<Object>> hanging = vertx.eventBus().request(Addresses.FETCH_URL, job("batch-2", origin.url("/hang")),
        new DeliveryOptions().setSendTimeout(60_000));
    Future<Message<Object>> other = vertx.eventBus().request(Addresses.FETCH_URL, job("batch-3", origin.url("/hang")),
        new DeliveryOptions().setSendTimeout(60_000));
    origin.awaitRequests(2);
    vertx.eventBus().publish(Addresses.FETCH_CANCEL, new JsonObject().put("id", "batch-2"));
    assertEquals("cancelled", kind((JsonObject) hanging.await(10, TimeUnit.SECONDS).body()));
    assertEquals(false, other.isComplete(), "a cancel ends only the jobs with its id");
    vertx.eventBus().publish(Addresses.FETCH_CANCEL, new JsonObject().put("id", "batch-3"));
    assertEquals("cancelled", kind((JsonObject) other.await(10, TimeUnit.SECONDS).body()));
  }

  @Test
  void shuttingDownItHandsJobsFromTheBusBackAndCancelsItsOwnProcesssAfterTheGracePeriod(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    FetchService fetcher = FetchService.deployWith(vertx, new JsonObject().put("shutdownGraceSeconds", 1), new JsonObject());
    Future<Message<Object>> overTheBus = vertx.eventBus().request(Addresses.FETCH_URL, job("batch-4", origin.url("/hang")),
        new DeliveryOptions().setSendTimeout(60_000));
    Future<Message<Object>> batch = vertx.eventBus().request(Addresses.FETCH, urls(origin.url("/hang")).put("timeoutMs", 60_000),
        new DeliveryOptions().setSendTimeout(60_000));
    origin.awaitRequests(2);
    fetcher.undeploy();
    ExecutionException handedBack = assertThrows(ExecutionException.class,
        () -> overTheBus.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(503, assertInstanceOf(ReplyException.class, handedBack.getCause()).failureCode());
    JsonObject reply = (JsonObject) batch.await(10, TimeUnit.SECONDS).body();
    assertEquals("cancelled", kind(reply.getJsonArray("results").getJsonObject(0)));
  }

  @Test
  void aMalformedJobIsRefusedNamingTheField(Vertx vertx) throws Exception {
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject());
    for (String field : List.of("id", "url")) {
      JsonObject job = job("batch-5", "http://127.0.0.1/");
      job.remove(field);
      assertEquals(field + " is required", fetcher.badRequest(Addresses.FETCH_URL, job));
    }
  }

  /** A URL job as a coordinator on another node sends it. */
  private static JsonObject job(String id, String url) {
    return new JsonObject().put("id", id).put("index", 0).put("url", url).put("timeoutMs", 60_000).put("deadlineMs", 60_000);
  }
}
