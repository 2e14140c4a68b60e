package io.tandem.fetch;

import ch.qos.logback.classic.Level;
import io.tandem.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static io.tandem.fetch.FetchService.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a coordinator does with answers no fetching instance of this build sends (a node of
 * another build, or a hostile member of the cluster): each such URL ends as {@code io} at once,
 * the rest of the batch goes on, and nothing is logged as an error.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchHostileAnswersTest {

  private static final JsonObject POLITE = new JsonObject().put("concurrency", 1).put("deadlineMs", 20_000)
      .put("perHost", new JsonObject().put("concurrency", 1).put("adaptive", true));

  /** A coordinator whose only fetching instance answers each URL job with {@code answer}. */
  private static JsonObject batchAnsweredBy(Vertx vertx, Function<UrlJob, JsonObject> answer, JsonObject batch) throws Exception {
    FetchService coordinator = FetchService.deploy(vertx, new JsonObject().put("worker", false));
    LocalWorkers.Worker liar = new LocalWorkers.Worker(vertx.getOrCreateContext(), job -> Future.succeededFuture(answer.apply(job)));
    LocalWorkers.of(vertx).add(liar);
    try (LogCapture errors = new LogCapture("io")) {
      JsonObject reply = coordinator.fetch(batch.copy().put("urls", new JsonArray()
          .add("http://a.test/1").add("http://a.test/2").add("http://b.test/1")));
      errors.drainEvents().forEach(event -> assertFalse(event.getLevel().isGreaterOrEqual(Level.ERROR), event.getFormattedMessage()));
      return reply;
    } finally {
      LocalWorkers.of(vertx).remove(liar);
    }
  }

  private static JsonObject ok(UrlJob job) {
    return new JsonObject().put("index", job.index()).put("url", job.url()).put("ok", true).put("status", 200);
  }

  @Test
  void aMoveThatIsNoObjectOrNotOneRedirectFurtherEndsItsUrlOnly(Vertx vertx) throws Exception {
    AtomicInteger bounces = new AtomicInteger();
    JsonObject reply = batchAnsweredBy(vertx, job -> switch (job.index()) {
      case 0 -> new JsonObject().put("index", 0).putNull("moved");
      // hands the URL back again and again without getting anywhere
      case 1 -> {
        bounces.incrementAndGet();
        yield new JsonObject().put("index", 1).put("moved", new JsonObject().put("at", "http://c.test/")
            .put("redirects", new JsonArray().add("http://c.test/")).put("spentMs", 0).put("method", "GET").put("headers", new JsonObject()));
      }
      default -> ok(job);
    }, POLITE);
    JsonArray results = reply.getJsonArray("results");
    assertEquals("io", kind(results.getJsonObject(0)), results.encode());
    assertEquals("io", kind(results.getJsonObject(1)), results.encode());
    assertEquals(2, bounces.get(), "handed back once, then once more without a further redirect: ended");
    assertTrue(results.getJsonObject(2).getBoolean("ok"), "the rest of the batch goes on");
  }

  @Test
  void answersThatAreNoResultsEndAsIo(Vertx vertx) throws Exception {
    JsonObject reply = batchAnsweredBy(vertx, job -> switch (job.index()) {
      case 0 -> new JsonObject().put("index", 0).put("ok", "yes");
      case 1 -> new JsonObject().put("index", 1).put("ok", false).put("status", "503").put("retryAfterMs", "soon");
      default -> ok(job);
    }, POLITE);
    JsonArray results = reply.getJsonArray("results");
    assertEquals("io", kind(results.getJsonObject(0)), results.encode());
    assertEquals(false, results.getJsonObject(1).getBoolean("ok"), "a result, though its status is no number");
    assertTrue(results.getJsonObject(2).getBoolean("ok"));

    JsonObject unpolite = batchAnsweredBy(vertx, job -> job.index() == 0
        ? new JsonObject().put("index", 0).put("moved", new JsonObject().put("at", "http://c.test/"))
        : ok(job), new JsonObject());
    assertEquals("io", kind(unpolite.getJsonArray("results").getJsonObject(0)), "a batch that is not polite takes no hand-back");
  }
}
