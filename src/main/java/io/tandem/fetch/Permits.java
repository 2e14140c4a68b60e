package io.tandem.fetch;

import io.tandem.net.VertxInternals;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A counting semaphore for one event loop: at most {@code max} permits out, the rest wait in
 * arrival order. Bounds the requests one fetcher instance has in flight across all its batches.
 * Confined to the verticle's event loop, so it needs no locks.
 *
 * <p>A released permit goes to the next waiter on the next tick, never inside
 * {@code release()}: a waiter that releases at once (its URL failed without any I/O, its batch
 * was stopped) would otherwise recurse through the whole queue and overflow the stack.
 */
final class Permits {

  private final Context context;
  private final int max;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private int inUse;

  Permits(Context context, int max) {
    this.context = context;
    this.max = max;
  }

  Future<Void> acquire() {
    if (inUse < max) {
      inUse++;
      return Future.succeededFuture();
    }
    Waiter waiter = new Waiter(Promise.promise(), VertxInternals.currentWithin(context));
    waiting.add(waiter);
    return waiter.promise.future();
  }

  void release() {
    Waiter next = waiting.poll();
    if (next == null) {
      inUse--;
    } else {
      next.context.runOnContext(tick -> next.promise.complete());
    }
  }

  /** Takes a waiting acquisition out of the queue; false when it has already been granted. */
  boolean withdraw(Future<Void> pending) {
    for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
      if (it.next().promise.future() == pending) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  int inUse() {
    return inUse;
  }

  int waiting() {
    return waiting.size();
  }

  /**
   * A wait and the context it began on: the permit is granted there, so the URL's work goes on
   * within its own batch's context (and trace), not the verticle's.
   */
  private record Waiter(Promise<Void> promise, Context context) {
  }
}
