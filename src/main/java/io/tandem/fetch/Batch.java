package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@code tandem.fetch} request: the tutorials' {@code asyncio.gather} with a semaphore, done
 * as a queue of URLs and at most {@code concurrency} workers (each also holding one of the
 * instance's permits), so a batch of thousands never means thousands of waiting connects. Each
 * result is handed to {@code progress} the moment it completes; the reply holds them all in
 * input order. At the batch's deadline, or on a cancel, every unfinished URL ends at once.
 * Confined to the fetcher instance's event loop.
 */
final class Batch implements Stoppable {

  private final FetchRequest request;
  private final Fetcher fetcher;
  private final Permits permits;
  private final Consumer<JsonObject> progress;
  private final JsonObject[] results;
  private final Map<Integer, UrlFetch> running = new HashMap<>();
  /** URLs waiting for one of the instance's permits. */
  private final Map<Integer, Future<Void>> queued = new HashMap<>();
  private final Promise<JsonObject> reply = Promise.promise();
  private final long started = System.nanoTime();
  private long deadlineTimer = -1;
  private int next;
  private int completed;
  private boolean stopped;

  Batch(FetchRequest request, Fetcher fetcher, Permits permits, Consumer<JsonObject> progress) {
    this.request = request;
    this.fetcher = fetcher;
    this.permits = permits;
    this.progress = progress;
    this.results = new JsonObject[request.urls().size()];
  }

  Future<JsonObject> run() {
    deadlineTimer = fetcher.vertx.setTimer(request.deadlineMs(), fired -> {
      deadlineTimer = -1;
      stop(Kind.DEADLINE, "the batch's deadline of " + request.deadlineMs() + " ms passed first");
    });
    int workers = Math.min(request.concurrency(), results.length);
    for (int i = 0; i < workers; i++) {
      startNext();
    }
    return reply.future();
  }

  @Override
  public void stop(Kind kind, String message) {
    if (stopped) {
      return;
    }
    stopped = true;
    for (Future<Void> pending : queued.values()) {
      permits.withdraw(pending);
    }
    queued.clear();
    for (UrlFetch fetch : new ArrayList<>(running.values())) {
      fetch.stop(kind, message);
    }
    for (int index = 0; index < results.length; index++) {
      if (results[index] == null && !running.containsKey(index)) {
        record(index, Results.notStarted(index, request.urls().get(index), kind, message));
      }
    }
  }

  private void startNext() {
    if (stopped || next >= results.length) {
      return;
    }
    int index = next++;
    Future<Void> permit = permits.acquire();
    queued.put(index, permit);
    permit.onSuccess(granted -> {
      queued.remove(index);
      if (stopped) {
        // granted just before stop() could withdraw it; stop() has given this URL its result
        permits.release();
        return;
      }
      UrlFetch fetch = fetcher.fetch(index, request.urls().get(index), request.options(), false);
      running.put(index, fetch);
      fetch.start().onSuccess(result -> {
        running.remove(index);
        record(index, result);
        permits.release();
        // on the next tick: the connection that just answered is back in the pool by then, for reuse
        fetcher.vertx.runOnContext(tick -> startNext());
      });
    });
  }

  private void record(int index, JsonObject result) {
    if (results[index] != null) {
      return;
    }
    results[index] = result;
    completed++;
    progress.accept(result);
    if (completed == results.length) {
      finish();
    }
  }

  private void finish() {
    if (deadlineTimer >= 0) {
      fetcher.vertx.cancelTimer(deadlineTimer);
    }
    int succeeded = 0;
    JsonArray list = new JsonArray(new ArrayList<>(results.length));
    for (JsonObject result : results) {
      list.add(result);
      if (result.getBoolean(FetchMessages.OK)) {
        succeeded++;
      }
    }
    reply.complete(new JsonObject()
        .put(FetchMessages.RESULTS, list)
        .put(FetchMessages.SUCCEEDED, succeeded)
        .put(FetchMessages.FAILED, results.length - succeeded)
        .put(FetchMessages.ELAPSED_MS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
  }
}
