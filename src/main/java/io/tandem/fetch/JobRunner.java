package io.tandem.fetch;

import io.tandem.bus.FailureCodes;
import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The worker side of a fetcher instance: runs the URL jobs sent to it, each under one of the
 * instance's permits, and answers each job with its URL's result. A batch's coordinator may tell
 * it to stop that batch's jobs; shutting down, it lets running jobs finish for the grace period,
 * then hands the rest back (503) for the coordinator to send elsewhere. Confined to the
 * instance's event loop.
 */
final class JobRunner {

  private final Fetcher fetcher;
  private final Permits permits;
  /** Jobs taken and not yet answered, by batch then index. */
  private final Map<String, Map<Integer, Job>> byBatch = new HashMap<>();
  private final Promise<Void> idle = Promise.promise();
  private boolean draining;

  JobRunner(Fetcher fetcher, Permits permits) {
    this.fetcher = fetcher;
    this.permits = permits;
  }

  void run(UrlJob request, Message<Object> message) {
    Job job = new Job(request, message);
    byBatch.computeIfAbsent(request.batch(), key -> new HashMap<>()).put(request.index(), job);
    job.permit = permits.acquire();
    job.permit.onSuccess(granted -> {
      if (job.answered) {
        // stopped just as the permit came
        permits.release();
        return;
      }
      job.fetch = fetcher.fetch(request.index(), request.url(), request.options(), false);
      job.fetch.start().onSuccess(result -> {
        permits.release();
        job.answer(result);
      });
    });
  }

  /** Ends a batch's jobs here: each answers with {@code kind} at once. */
  void stop(String batch, Kind kind, String message) {
    Map<Integer, Job> jobs = byBatch.get(batch);
    if (jobs == null) {
      return;
    }
    for (Job job : new ArrayList<>(jobs.values())) {
      if (job.fetch != null) {
        job.fetch.stop(kind, message);
      } else {
        permits.withdraw(job.permit);
        job.answer(Results.notStarted(job.request.index(), job.request.url(), kind, message));
      }
    }
  }

  /** Completes when no job is left; from then on, new jobs are refused by the caller. */
  Future<Void> drain() {
    draining = true;
    checkIdle();
    return idle.future();
  }

  /** Hands every job still here back to its coordinator, which sends it to another instance. */
  void handBack(String reason) {
    for (Map<Integer, Job> jobs : new ArrayList<>(byBatch.values())) {
      for (Job job : new ArrayList<>(jobs.values())) {
        // answered first: the stopped fetch's own result must not reach the coordinator instead
        job.handBack(reason);
        if (job.fetch != null) {
          job.fetch.stop(Kind.CANCELLED, reason);
        } else {
          permits.withdraw(job.permit);
        }
      }
    }
  }

  private void forget(Job job) {
    Map<Integer, Job> jobs = byBatch.get(job.request.batch());
    jobs.remove(job.request.index());
    if (jobs.isEmpty()) {
      byBatch.remove(job.request.batch());
    }
    checkIdle();
  }

  private void checkIdle() {
    if (draining && byBatch.isEmpty()) {
      idle.tryComplete();
    }
  }

  private final class Job {
    final UrlJob request;
    final Message<Object> message;
    Future<Void> permit;
    UrlFetch fetch;
    boolean answered;

    Job(UrlJob request, Message<Object> message) {
      this.request = request;
      this.message = message;
    }

    void answer(JsonObject result) {
      if (!answered) {
        answered = true;
        message.reply(result);
        forget(this);
      }
    }

    void handBack(String reason) {
      if (!answered) {
        answered = true;
        message.fail(FailureCodes.UNAVAILABLE, reason);
        forget(this);
      }
    }
  }
}
