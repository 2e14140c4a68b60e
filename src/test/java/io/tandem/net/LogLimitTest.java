package io.tandem.net;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLimitTest {

  private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(5));
  private final LogLimit limit = new LogLimit(now::get);

  @Test
  void theFirstLineIsWrittenThenOneASecond() {
    assertTrue(limit.allows());
    assertFalse(limit.allows());
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
    assertFalse(limit.allows());
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    assertTrue(limit.allows(), "a second after the last line written");
    assertFalse(limit.allows());
  }

  @Test
  void theNextLineSaysHowManyWereHeldBack() {
    assertTrue(limit.allows());
    assertEquals("", limit.heldBackNote());
    for (int i = 0; i < 41; i++) {
      assertFalse(limit.allows());
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertTrue(limit.allows());
    assertEquals(" (41 more since the last such line)", limit.heldBackNote());
    assertEquals(0, limit.takeHeldBack(), "counted once");
  }

  @Test
  void manyThreadsAtOnceWriteOneLine() throws Exception {
    AtomicLong written = new AtomicLong();
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          if (limit.allows()) {
            written.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(1, written.get(), "the clock did not move: one line");
    assertEquals(80_000 - 1, limit.takeHeldBack());
  }
}
