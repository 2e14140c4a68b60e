package io.tandem.fetch;

import io.tandem.tracing.Traces;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The fetching instances of this process, for the batches coordinated here: a job for one of them
 * is handed over as it is, on that instance's event loop, instead of being written to JSON, copied
 * and read again by the bus. Jobs for other nodes still go over the bus. Kept in a Vert.x local
 * map, the way verticles of one Vert.x instance share an object.
 */
final class LocalWorkers implements Shareable {

  private static final String MAP = "tandem.fetch";
  private static final String KEY = "local-workers";

  /** Replaced, never changed in place: coordinators on other event loops read it without locks. */
  private volatile List<Worker> workers = List.of();

  static LocalWorkers of(Vertx vertx) {
    return (LocalWorkers) vertx.sharedData().<String, Shareable>getLocalMap(MAP).computeIfAbsent(KEY, key -> new LocalWorkers());
  }

  /** One fetching instance: it runs a job on its own event loop. */
  record Worker(Context context, Function<UrlJob, Future<JsonObject>> runner) {

    /** The job's answer; completed on the worker's event loop, within the batch's trace when there is one. */
    Future<JsonObject> run(UrlJob job) {
      Promise<JsonObject> answer = Promise.promise();
      Traces.following(context).runOnContext(start -> runner.apply(job).onComplete(answer));
      return answer.future();
    }
  }

  synchronized void add(Worker worker) {
    List<Worker> more = new ArrayList<>(workers);
    more.add(worker);
    workers = List.copyOf(more);
  }

  synchronized void remove(Worker worker) {
    workers = workers.stream().filter(other -> other != worker).toList();
  }

  /** The instance whose turn it is, or null when none fetches here. */
  Worker next(int turn) {
    List<Worker> now = workers;
    return now.isEmpty() ? null : now.get(Math.floorMod(turn, now.size()));
  }

  boolean isEmpty() {
    return workers.isEmpty();
  }
}
