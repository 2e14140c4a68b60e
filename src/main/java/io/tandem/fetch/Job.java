package io.tandem.fetch;

import io.tandem.bus.FailureCodes;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * One URL job on the instance that fetches it: it waits for one of the instance's permits, then
 * fetches, and ends with exactly one answer: the URL's result, or — when the instance shuts down
 * before it is done and the job came over the bus (from another node) — a 503 failure that hands it back for its
 * batch to send elsewhere. (A job of a batch coordinated in this process is cancelled instead:
 * the process is shutting down, its coordinator with it.) It ends by its batch's deadline on its
 * own. A URL whose result its batch's {@link Retry} names is fetched again after the wait the
 * rule gives, keeping its permit, unless the wait would pass the deadline ({@code
 * "retryStoppedBecause":"deadline"}); the result says how many {@code attempts} it took.
 * Confined to the instance's event loop.
 */
final class Job implements Stoppable {

  private final UrlJob request;
  private final Fetcher fetcher;
  private final Permits permits;
  private final boolean overTheBus;
  private final Promise<JsonObject> answer = Promise.promise();
  private final long received = System.nanoTime();
  private Future<Void> permit;
  /** From the batch's start to this job's permit: what its timings call queued. */
  private long queuedMs;
  private UrlFetch fetch;
  private int attempts;
  /** Between two attempts: the wait's timer, and the result it would be if the job ended now. */
  private long retryTimer = -1;
  private JsonObject previous;

  Job(UrlJob request, Fetcher fetcher, Permits permits, boolean overTheBus) {
    this.request = request;
    this.fetcher = fetcher;
    this.permits = permits;
    this.overTheBus = overTheBus;
  }

  /** The URL's result; failed with a 503 {@link ReplyException} when handed back. */
  Future<JsonObject> run() {
    permit = permits.acquire();
    permit.onSuccess(granted -> {
      if (answer.future().isComplete()) {
        // stopped just as the permit came
        permits.release();
        return;
      }
      queuedMs = request.queuedMs() + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - received);
      attempt();
    });
    return answer.future();
  }

  private void attempt() {
    long left = leftMs();
    if (left <= 0) {
      permits.release();
      answer.tryComplete(Results.notStarted(request.index(), request.url(), Kind.DEADLINE, Batch.DEADLINE_PASSED));
      return;
    }
    attempts++;
    UrlFetch current = fetcher.fetch(request, left);
    fetch = current;
    current.start().onSuccess(result -> {
      if (answer.future().isComplete()) {
        permits.release(); // handed back meanwhile
        return;
      }
      if (Resume.isMove(result)) {
        // redirected to another host: its coordinator decides when it goes on
        permits.release();
        answer.tryComplete(result);
        return;
      }
      if (current.retryAfter() != null && Boolean.FALSE.equals(result.getBoolean(FetchMessages.OK))) {
        long asked = Retry.retryAfterMs(current.retryAfter());
        if (asked >= 0) {
          result.put(FetchMessages.RETRY_AFTER_MS, asked); // for the user, and for an adaptive coordinator
        }
      }
      long wait = request.options().retry().waitBefore(attempts, result, current.sent().method(), current.retryAfter());
      if (wait < 0) {
        finish(result);
      } else if (wait >= leftMs()) {
        finish(result.put(FetchMessages.RETRY_STOPPED_BECAUSE, FetchMessages.STOPPED_BY_DEADLINE));
      } else {
        fetcher.meters.retried(result);
        fetch = null;
        previous = result;
        retryTimer = fetcher.vertx.setTimer(Math.max(1, wait), fired -> {
          retryTimer = -1;
          previous = null;
          attempt();
        });
      }
    });
  }

  private void finish(JsonObject result) {
    permits.release();
    JsonObject timings = result.getJsonObject(FetchMessages.TIMINGS);
    if (timings != null) {
      timings.put(FetchMessages.QUEUED_MS, queuedMs);
    }
    answer.tryComplete(result.put(FetchMessages.ATTEMPTS, attempts));
  }

  private long leftMs() {
    return request.deadlineMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - received);
  }

  /** Stopped while waiting to fetch again: the last result, saying why there is no other. */
  private boolean stopWaiting(String why) {
    if (retryTimer < 0) {
      return false;
    }
    fetcher.vertx.cancelTimer(retryTimer);
    retryTimer = -1;
    finish(previous.put(FetchMessages.RETRY_STOPPED_BECAUSE, why));
    return true;
  }

  @Override
  public void stop(Kind kind, String message) {
    if (stopWaiting(kind.wire())) {
      return;
    }
    if (fetch != null) {
      fetch.stop(kind, message);
    } else {
      // waiting, or granted a moment ago: the grant sees the answer and gives the permit back
      permits.withdraw(permit);
      answer.tryComplete(Results.notStarted(request.index(), request.url(), kind, message));
    }
  }

  /** Hands the job back: answered first, so that the stopped fetch's own result is not used instead. */
  @Override
  public void shutDown(String reason) {
    if (!overTheBus) {
      stop(Kind.CANCELLED, reason);
    } else if (answer.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FailureCodes.UNAVAILABLE, reason))) {
      if (retryTimer >= 0) {
        fetcher.vertx.cancelTimer(retryTimer);
        retryTimer = -1;
        permits.release();
      } else if (fetch != null) {
        fetch.stop(Kind.CANCELLED, reason);
      } else {
        permits.withdraw(permit);
      }
    }
  }
}
