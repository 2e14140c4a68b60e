package io.tandem.fetch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PermitsTest {

  @Test
  void waitersThatReleaseAtOnceDoNotRecurseThroughTheQueue(Vertx vertx) throws Exception {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    vertx.runOnContext(start -> {
      Permits permits = new Permits(vertx.getOrCreateContext(), 1);
      AtomicInteger granted = new AtomicInteger();
      int waiters = 100_000;
      permits.acquire();
      for (int i = 0; i < waiters; i++) {
        permits.acquire().onSuccess(permit -> {
          // like a URL that fails without I/O: give the permit straight back
          permits.release();
          if (granted.incrementAndGet() == waiters) {
            done.complete(permits.inUse());
          }
        });
      }
      permits.release();
    });
    assertEquals(0, done.get(20, TimeUnit.SECONDS));
  }

  @Test
  void aWithdrawnWaiterIsNeverGrantedAndTheNextOneIs(Vertx vertx) throws Exception {
    CompletableFuture<List<String>> events = new CompletableFuture<>();
    vertx.runOnContext(start -> {
      Permits permits = new Permits(vertx.getOrCreateContext(), 1);
      List<String> seen = new ArrayList<>();
      permits.acquire();
      Future<Void> first = permits.acquire();
      Future<Void> second = permits.acquire();
      first.onSuccess(permit -> seen.add("first"));
      second.onSuccess(permit -> {
        seen.add("second");
        events.complete(seen);
      });
      assertTrue(permits.withdraw(first));
      assertFalse(permits.withdraw(first));
      assertEquals(1, permits.waiting());
      permits.release();
    });
    assertEquals(List.of("second"), events.get(10, TimeUnit.SECONDS));
  }
}
