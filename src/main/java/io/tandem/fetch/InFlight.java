package io.tandem.fetch;

import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one fetch verticle instance has running — batches, chains or URL jobs — by their request
 * {@code id}: the one place a cancel (which names an id) and a shutdown (which names them all)
 * find them. Several may share an id: a cancel stops them all. Confined to the instance's event loop.
 */
final class InFlight {

  private final Map<String, Set<Stoppable>> byId = new HashMap<>();
  private Promise<Void> drained;

  /** Keeps {@code work} under {@code id} until {@code done} completes; returns {@code done}. */
  <T> Future<T> track(String id, Stoppable work, Future<T> done) {
    byId.computeIfAbsent(id, key -> new LinkedHashSet<>()).add(work);
    return done.andThen(finished -> {
      Set<Stoppable> sameId = byId.get(id);
      sameId.remove(work);
      if (sameId.isEmpty()) {
        byId.remove(id);
        if (drained != null && byId.isEmpty()) {
          drained.tryComplete();
        }
      }
    });
  }

  /** Stops everything running under {@code id}. */
  void stop(String id, Kind kind, String message) {
    Set<Stoppable> work = byId.get(id);
    if (work != null) {
      new ArrayList<>(work).forEach(stoppable -> stoppable.stop(kind, message));
    }
  }

  /** Ends everything still running, as a shutdown whose grace period is over. */
  void shutDown(String reason) {
    List<Stoppable> all = new ArrayList<>();
    byId.values().forEach(all::addAll);
    all.forEach(work -> work.shutDown(reason));
  }

  /** Completes once nothing is running; what is tracked after this call is waited for too. */
  Future<Void> drained() {
    if (drained == null) {
      drained = Promise.promise();
    }
    if (byId.isEmpty()) {
      drained.tryComplete();
    }
    return drained.future();
  }
}
