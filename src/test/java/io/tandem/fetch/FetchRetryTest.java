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

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tandem.fetch.FetchService.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch's {@code retry}: transient failures fetched again, with backoff or the origin's
 * {@code Retry-After}, never past the batch's deadline, never a POST unless asked.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchRetryTest {

  private Origin origin;
  private FetchService fetcher;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    origin = Origin.start(vertx);
    fetcher = FetchService.deploy(vertx, new JsonObject());
  }

  @Test
  void a503WithRetryAfterIsFetchedAgainAfterTheWaitItAsks() throws Exception {
    long started = System.nanoTime();
    JsonObject result = fetcher.fetchOne(origin.url("/flaky/a?fails=2&retryAfter=1"), new JsonObject().put("retry", new JsonObject().put("attempts", 3)));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(result.getBoolean("ok"), result.encode());
    assertEquals("answered on try 3", result.getString("body"));
    assertEquals(3, result.getInteger("attempts"));
    assertTrue(tookMs >= 2000, "two waits of Retry-After: 1, took " + tookMs + " ms");
  }

  @Test
  void withoutRetryOrPastItsAttemptsTheLastAnswerStands() throws Exception {
    JsonObject once = fetcher.fetchOne(origin.url("/flaky/b?fails=5"), new JsonObject());
    assertEquals(503, once.getInteger("status"), once.encode());
    assertEquals(1, once.getInteger("attempts"), "fetcher.retryAttempts is 0 by default");
    JsonObject twice = fetcher.fetchOne(origin.url("/flaky/c?fails=5"), new JsonObject()
        .put("retry", new JsonObject().put("attempts", 1).put("backoffMs", 10)));
    assertEquals("busy 2", twice.getString("body"));
    assertEquals(2, twice.getInteger("attempts"));
  }

  @Test
  void aWaitThatWouldPassTheDeadlineIsNotTaken() throws Exception {
    JsonObject result = fetcher.fetchOne(origin.url("/flaky/d?fails=5&retryAfter=2"), new JsonObject().put("deadlineMs", 1500)
        .put("retry", new JsonObject().put("attempts", 5)));
    assertEquals(503, result.getInteger("status"), result.encode());
    assertEquals(1, result.getInteger("attempts"));
    assertEquals("deadline", result.getString("retryStoppedBecause"));
  }

  @Test
  void aPostIsFetchedAgainOnlyWhenUnsafeSaysSo() throws Exception {
    JsonObject retry = new JsonObject().put("attempts", 2).put("backoffMs", 10);
    JsonObject post = new JsonObject().put("url", origin.url("/flaky/e?fails=1")).put("method", "POST").put("json", 1);
    assertEquals(1, fetcher.fetchOne(post, new JsonObject().put("retry", retry)).getInteger("attempts"), "not idempotent");
    JsonObject again = post.copy().put("url", origin.url("/flaky/f?fails=1"));
    JsonObject result = fetcher.fetchOne(again, new JsonObject().put("retry", retry.copy().put("unsafe", true)));
    assertEquals(2, result.getInteger("attempts"), result.encode());
    assertTrue(result.getBoolean("ok"));
  }

  @Test
  void aRefusedConnectionIsRetriedAndABlockedUrlIsNot() throws Exception {
    int closed;
    try (ServerSocket probe = new ServerSocket(0)) {
      closed = probe.getLocalPort();
    }
    JsonObject retry = new JsonObject().put("attempts", 2).put("backoffMs", 5).put("on", new JsonArray(List.of("connect")));
    JsonObject refused = fetcher.fetchOne("http://127.0.0.1:" + closed + "/", new JsonObject().put("retry", retry));
    assertEquals("connect", kind(refused), refused.encode());
    assertEquals(3, refused.getInteger("attempts"));
    JsonObject blocked = fetcher.fetchOne("http://10.0.0.1/", new JsonObject().put("retry", retry));
    assertEquals("blocked", kind(blocked));
    assertEquals(1, blocked.getInteger("attempts"));
    assertNull(blocked.getString("retryStoppedBecause"));
  }

  @Test
  void aWrongRetryIsRefusedWithTheFieldNamed() {
    JsonObject batch = new JsonObject().put("urls", new JsonArray().add(origin.url("/")));
    assertEquals("retry.attempts must be an integer 0..10, got 11",
        fetcher.badRequest(Addresses.FETCH, batch.copy().put("retry", new JsonObject().put("attempts", 11))));
    assertEquals("retry.on holds \"blocked\": a kind (connect, reset, timeout, dns, io) or a status 100..599",
        fetcher.badRequest(Addresses.FETCH, batch.copy().put("retry", new JsonObject().put("on", new JsonArray().add("blocked")))));
    assertEquals("unknown field retry.tries",
        fetcher.badRequest(Addresses.FETCH, batch.copy().put("retry", new JsonObject().put("tries", 1))));
    assertEquals("retry is for batches: a chain's hops are fetched once",
        fetcher.badRequest(Addresses.FETCH_CHAIN, new JsonObject().put("url", origin.url("/")).put("retry", new JsonObject())));
    assertFalse(batch.containsKey("retry"));
  }
}
