package io.tandem.fetch;

import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@code tandem.fetch} request: its URLs as a queue and at most {@code concurrency} of them
 * out at a time as jobs for the cluster's fetching instances ({@link Workers}), each of which also
 * bounds what it runs at once, so a batch of thousands never means thousands of waiting connects.
 * With {@code perHost} politeness, a URL also waits for its host ({@link HostQueue}) before it is
 * handed to any instance, so the limit holds over the whole cluster; the time it waits counts
 * toward the deadline, never toward its {@code timeoutMs}.
 * Each result is handed to {@code progress} the moment it completes; the reply holds them all in
 * input order. At the batch's deadline, or on a cancel, every unfinished URL ends at once; the
 * instances holding its jobs end them by the same deadline, or on the same cancel, on their own.
 * Confined to the coordinating instance's event loop.
 */
final class Batch implements Stoppable {

  private static final Logger log = LoggerFactory.getLogger(Batch.class);

  /** Why a URL still unfinished at its batch's deadline ended, wherever it was. */
  static final String DEADLINE_PASSED = "the batch's deadline passed first";
  /** How long past the deadline a job on another node may stay unanswered before the bus gives up on it. */
  private static final long JOB_TIMEOUT_MARGIN_MS = 5_000;

  private final FetchRequest request;
  private final String id;
  private final Workers workers;
  private final Vertx vertx;
  private final Consumer<JsonObject> progress;
  private final JsonObject[] results;
  /** When each job out was sent, for the elapsed time of a URL ended by a stop. */
  private final Map<Integer, Long> out = new HashMap<>();
  private final Promise<JsonObject> reply = Promise.promise();
  private final long started = System.nanoTime();
  /** Null when the batch is not polite to hosts: URLs then go in input order. */
  private final HostQueue hosts;
  private long deadlineTimer = -1;
  /** The timer that starts URLs held back by a host's delay, when one is set. */
  private long hostTimer = -1;
  private long hostTimerAt;
  /** With hosts: URLs a redirect sent to another host, until they go on; and each URL's time queued so far. */
  private final Map<Integer, Moved> moved = new HashMap<>();
  private final long[] queuedMs;
  /** With hosts: each URL's redirects when it was last handed back. */
  private final int[] redirected;
  private final int maxRedirects;
  private int next;
  private int running;
  private int completed;
  private boolean stopped;

  /** @param id the request's id, or one made for it: the jobs carry it, so a cancel by it reaches them */
  /** @param maxRedirects fetcher.maxRedirects: the most a URL handed back on a redirect may say it has had */
  Batch(FetchRequest request, String id, Workers workers, Vertx vertx, Consumer<JsonObject> progress, int maxRedirects) {
    this.request = request;
    this.id = id;
    this.workers = workers;
    this.vertx = vertx;
    this.progress = progress;
    this.results = new JsonObject[request.urls().size()];
    this.hosts = request.perHost().limits() ? new HostQueue(request.perHost(), request.urls()) : null;
    this.queuedMs = hosts == null ? null : new long[results.length];
    this.redirected = hosts == null ? null : new int[results.length];
    this.maxRedirects = maxRedirects;
  }

  Future<JsonObject> run() {
    deadlineTimer = vertx.setTimer(request.deadlineMs(), fired -> {
      deadlineTimer = -1;
      stop(Kind.DEADLINE, DEADLINE_PASSED);
    });
    fill();
    return reply.future();
  }

  @Override
  public void stop(Kind kind, String message) {
    if (stopped) {
      return;
    }
    stopped = true;
    if (hostTimer >= 0) {
      vertx.cancelTimer(hostTimer);
      hostTimer = -1;
    }
    long now = System.nanoTime();
    for (int index = 0; index < results.length; index++) {
      if (results[index] == null) {
        Long sent = out.get(index);
        JsonObject result = Results.notStarted(index, request.urls().get(index), kind, message);
        if (sent != null) {
          result.put(FetchMessages.ELAPSED_MS, TimeUnit.NANOSECONDS.toMillis(now - sent));
        }
        record(index, result);
      }
    }
  }

  /** Starts URLs while the batch's concurrency (and each host's politeness) allows. */
  private void fill() {
    while (!stopped && running < request.concurrency()) {
      int index = hosts == null ? (next < results.length ? next++ : -1) : hosts.take(elapsedMs());
      if (index < 0) {
        break;
      }
      start(index);
    }
    if (hosts != null && !stopped && running < request.concurrency()) {
      // at its concurrency, the batch waits for an answer, which fills again
      wakeForHosts();
    }
  }

  /** A timer for the first URL held back by its host's delay, unless one already fires by then. */
  private void wakeForHosts() {
    long at = hosts.nextStartMs();
    if (at < 0 || hostTimer >= 0 && hostTimerAt <= at) {
      return;
    }
    if (hostTimer >= 0) {
      vertx.cancelTimer(hostTimer);
    }
    hostTimerAt = at;
    hostTimer = vertx.setTimer(Math.max(1, at - elapsedMs()), fired -> {
      hostTimer = -1;
      fill();
    });
  }

  private void start(int index) {
    running++;
    out.put(index, System.nanoTime());
    long now = elapsedMs();
    long left = Math.max(1, request.deadlineMs() - now);
    Moved on = hosts == null ? null : moved.remove(index);
    long queued = on == null ? now : queuedMs[index] + now - on.atMs;
    if (queuedMs != null) {
      queuedMs[index] = queued;
    }
    UrlJob job = new UrlJob(id, index, request.urls().get(index), on == null ? request.outgoing().get(index) : on.outgoing,
        request.options(), left, queued, hosts != null, on == null ? null : on.resume);
    workers.run(job, left + JOB_TIMEOUT_MARGIN_MS, () -> !stopped).onSuccess(answer -> {
      out.remove(index);
      running--;
      try {
        if (hosts != null) {
          hosts.done(index, answer, elapsedMs());
        }
        if (hosts != null && answer.getValue(Resume.FIELD) instanceof JsonObject) {
          moveOn(index, answer);
        } else if (answer.getValue(FetchMessages.OK) instanceof Boolean) {
          record(index, answer);
        } else {
          record(index, unreadable(index, "it is no result"));
        }
      } catch (RuntimeException e) {
        // an instance on another node answered what no instance of this build sends: that URL's end, not the batch's
        record(index, unreadable(index, String.valueOf(e.getMessage())));
      } finally {
        // on the next tick: a job that ends at once (no instance left) must not recurse through the batch
        vertx.runOnContext(tick -> fill());
      }
    });
  }

  private JsonObject unreadable(int index, String why) {
    return Results.notStarted(index, request.urls().get(index), Kind.IO, "a fetching instance's answer cannot be used: " + why);
  }

  /** A URL handed back on a redirect to another host: it waits for that host like any other URL of the batch. */
  private void moveOn(int index, JsonObject answer) {
    if (stopped) {
      return; // it has ended with the batch
    }
    Outgoing sent = request.outgoing().get(index);
    try {
      Resume resume = Resume.read(RequestReader.of(answer), maxRedirects);
      List<String> hops = resume.redirects();
      if (hops.size() <= redirected[index] || !hops.get(hops.size() - 1).equals(resume.at())) {
        // each hand-back is one redirect further, or the URL could bounce until the deadline
        throw BusException.badRequest("a hand-back that is not one redirect further");
      }
      redirected[index] = hops.size();
      // what goes on is what was sent, or less (a redirect drops a body, never adds one)
      Outgoing outgoing = Resume.outgoing(answer, sent.body() == null ? 0 : sent.body().length());
      moved.put(index, new Moved(resume, outgoing, elapsedMs()));
      hosts.moved(index, Urls.hostKey(resume.at()), elapsedMs());
    } catch (BusException e) {
      record(index, unreadable(index, e.getMessage()));
    }
  }

  /** Where a URL goes on after a redirect to another host, and when it was handed back. */
  private record Moved(Resume resume, Outgoing outgoing, long atMs) {
  }

  private long elapsedMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
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
      vertx.cancelTimer(deadlineTimer);
    }
    int succeeded = 0;
    JsonArray list = request.progressOnly() ? null : new JsonArray(new ArrayList<>(results.length));
    for (JsonObject result : results) {
      if (list != null) {
        list.add(result);
      }
      if (result.getBoolean(FetchMessages.OK)) {
        succeeded++;
      }
    }
    JsonObject summary = new JsonObject();
    if (list != null) {
      summary.put(FetchMessages.RESULTS, list);
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    if (log.isDebugEnabled()) {
      log.atDebug().addKeyValue("batch", id).addKeyValue("urls", results.length).addKeyValue("succeeded", succeeded)
          .log("batch {} done: {} of {} URLs succeeded in {} ms", id, succeeded, results.length, elapsedMs);
    }
    reply.complete(summary
        .put(FetchMessages.SUCCEEDED, succeeded)
        .put(FetchMessages.FAILED, results.length - succeeded)
        .put(FetchMessages.ELAPSED_MS, elapsedMs));
  }
}
