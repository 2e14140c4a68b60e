package io.tandem.fetch;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which of a batch's URLs may start, host by host: turns, concurrency, delays, adaptive slowdowns. */
class HostQueueTest {

  private static final JsonObject OK = new JsonObject().put("ok", true).put("status", 200);

  private static List<Integer> takeAll(HostQueue queue, long nowMs) {
    List<Integer> taken = new ArrayList<>();
    for (int index; (index = queue.take(nowMs)) >= 0; ) {
      taken.add(index);
    }
    return taken;
  }

  @Test
  void hostsTakeTurnsAndEachKeepsItsConcurrency() {
    HostQueue queue = new HostQueue(new PerHost(2, 0, false), List.of(
        "http://a.test/1", "http://a.test/2", "http://a.test/3", "http://B.test:80/1", "http://b.test/2", "http://b.test/3",
        "https://a.test/1", "not a url"));
    // the unparsable one first (nothing to wait for), then a.test:80, b.test:80 and a.test:443 in turn, two each
    assertEquals(List.of(7, 0, 3, 6, 1, 4), takeAll(queue, 0));
    queue.done(1, OK, 5);
    assertEquals(List.of(2), takeAll(queue, 5), "a.test:80 had a slot free");
    queue.done(6, OK, 5);
    assertEquals(List.of(), takeAll(queue, 5), "a.test:443 has nothing left");
    queue.done(4, OK, 6);
    assertEquals(List.of(5), takeAll(queue, 6));
    assertEquals(-1, queue.nextStartMs(), "nothing waits for a time");
  }

  @Test
  void aDelaySpacesTheStartsAtOneHostOnly() {
    HostQueue queue = new HostQueue(new PerHost(0, 250, false), List.of(
        "http://a.test/1", "http://a.test/2", "http://a.test/3", "http://b.test/1"));
    assertEquals(List.of(0, 3), takeAll(queue, 0));
    assertEquals(250, queue.nextStartMs());
    assertEquals(List.of(), takeAll(queue, 249));
    assertEquals(List.of(1), takeAll(queue, 250));
    assertEquals(500, queue.nextStartMs());
    assertEquals(List.of(2), takeAll(queue, 530));
    assertEquals(-1, queue.nextStartMs());
  }

  @Test
  void adaptiveDoublesOn503TakesRetryAfterAndCalmsDownAfterTenSuccesses() {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      urls.add("http://a.test/" + i);
    }
    HostQueue queue = new HostQueue(new PerHost(1, 0, true), urls);
    assertEquals(List.of(0), takeAll(queue, 0));
    queue.done(0, new JsonObject().put("ok", false).put("status", 503), 10);
    assertEquals(10 + HostQueue.FIRST_BACKOFF_MS, queue.nextStartMs(), "a host with no delay starts from 100 ms");
    assertEquals(List.of(1), takeAll(queue, 110));
    queue.done(1, new JsonObject().put("ok", false).put("status", 429), 120);
    assertEquals(120 + 200, queue.nextStartMs(), "doubled");
    assertEquals(List.of(2), takeAll(queue, 320));
    queue.done(2, new JsonObject().put("ok", false).put("status", 503).put("retryAfterMs", 3000), 330);
    assertEquals(330 + 3000, queue.nextStartMs(), "Retry-After, when longer than the doubled delay");
    long now = 3330;
    for (int i = 3; i < 3 + HostQueue.CALM_AFTER; i++) {
      assertEquals(List.of(i), takeAll(queue, now));
      queue.done(i, OK, now);
      assertEquals(now + 3000, queue.nextStartMs(), "the slowdown holds while the host recovers");
      now = queue.nextStartMs();
    }
    assertEquals(List.of(3 + HostQueue.CALM_AFTER), takeAll(queue, now));
    queue.done(3 + HostQueue.CALM_AFTER, OK, now);
    assertEquals(now + 1500, queue.nextStartMs(), "ten 2xx in a row halve it");
  }
}
