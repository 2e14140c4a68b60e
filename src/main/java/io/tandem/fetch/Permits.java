package io.tandem.fetch;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;

/**
 * A counting semaphore for one event loop: at most {@code max} permits out, the rest wait in
 * arrival order. Bounds the requests one fetcher instance has in flight across all its batches.
 * Confined to the verticle's event loop, so it needs no locks.
 */
final class Permits {

  private final int max;
  private final ArrayDeque<Promise<Void>> waiting = new ArrayDeque<>();
  private int inUse;

  Permits(int max) {
    this.max = max;
  }

  Future<Void> acquire() {
    if (inUse < max) {
      inUse++;
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    waiting.add(promise);
    return promise.future();
  }

  void release() {
    Promise<Void> next = waiting.poll();
    if (next != null) {
      next.complete();
    } else {
      inUse--;
    }
  }

  int inUse() {
    return inUse;
  }

  int waiting() {
    return waiting.size();
  }
}
