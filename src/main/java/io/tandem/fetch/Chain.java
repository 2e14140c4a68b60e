package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;

import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@code tandem.fetch.chain} request: chained requests, where the next URL comes out of the
 * previous answer. Fetch, read the JSON answer's {@code next} field (or JSON
 * Pointer), resolve it against the current URL, and go on, until there is no next link, the hop
 * limit, a URL already visited, a failed hop, the deadline or a cancel. Confined to the fetcher
 * instance's event loop.
 */
final class Chain implements Stoppable {

  private final ChainRequest request;
  private final Fetcher fetcher;
  private final Permits permits;
  private final Consumer<JsonObject> progress;
  private final JsonArray hops = new JsonArray();
  private final Set<String> visited = new HashSet<>();
  private final Promise<JsonObject> reply = Promise.promise();
  private final long started = System.nanoTime();
  private long deadlineTimer = -1;
  private UrlFetch current;
  private Future<Void> queued;
  private String stoppedBecause;
  private String stopMessage;

  Chain(ChainRequest request, Fetcher fetcher, Permits permits, Consumer<JsonObject> progress) {
    this.request = request;
    this.fetcher = fetcher;
    this.permits = permits;
    this.progress = progress;
  }

  Future<JsonObject> run() {
    deadlineTimer = fetcher.vertx.setTimer(request.deadlineMs(), fired -> {
      deadlineTimer = -1;
      stop(Kind.DEADLINE, "the chain's deadline of " + request.deadlineMs() + " ms passed first");
    });
    try {
      visited.add(Urls.normalized(Urls.parse(request.url())));
    } catch (Urls.InvalidUrl e) {
      // the hop itself reports it as an invalid-url result
    }
    hop(request.url());
    return reply.future();
  }

  @Override
  public void stop(Kind kind, String message) {
    if (stoppedBecause != null || reply.future().isComplete()) {
      return;
    }
    stoppedBecause = kind == Kind.DEADLINE ? FetchMessages.STOPPED_BY_DEADLINE : FetchMessages.STOPPED_BY_CANCEL;
    stopMessage = message;
    if (current != null) {
      current.stop(kind, message);
    } else {
      if (queued != null && permits.withdraw(queued)) {
        queued = null;
      }
      finish(stoppedBecause, message);
    }
  }

  private void hop(String url) {
    Future<Void> permit = permits.acquire();
    queued = permit;
    permit.onSuccess(granted -> {
      queued = null;
      if (stoppedBecause != null) {
        permits.release();
        finish(stoppedBecause, stopMessage);
        return;
      }
      // the chain's own deadline timer stops the hop in flight
      current = fetcher.fetch(hops.size(), url, forHop(url), request.options(), true, Long.MAX_VALUE);
      current.start().onSuccess(result -> {
        Buffer body = current.body();
        current = null;
        hops.add(result);
        progress.accept(result);
        permits.release();
        decide(url, result, body);
      });
    });
  }

  /**
   * What a hop sends: the chain's request, without its secret headers on a hop to another origin
   * than the first URL's. A link is an answer's word, as a redirect's Location is, and gets no more.
   */
  private Outgoing forHop(String url) {
    try {
      return request.outgoing().toOrigin(Urls.sameOrigin(Urls.parse(request.url()), Urls.parse(url)), fetcher.secretHeaders);
    } catch (Urls.InvalidUrl e) {
      return request.outgoing(); // the hop reports it as an invalid-url result and sends nothing
    }
  }

  private void decide(String url, JsonObject result, Buffer body) {
    if (stoppedBecause != null) {
      finish(stoppedBecause, stopMessage);
      return;
    }
    if (!result.getBoolean(FetchMessages.OK)) {
      JsonObject error = result.getJsonObject(FetchMessages.ERROR);
      finish(FetchMessages.STOPPED_BY_ERROR, error != null ? error.getString(FetchMessages.MESSAGE)
          : "hop " + (hops.size() - 1) + " answered " + result.getInteger(FetchMessages.STATUS));
      return;
    }
    if (result.getBoolean(FetchMessages.TRUNCATED)) {
      finish(FetchMessages.STOPPED_BY_ERROR, "hop " + (hops.size() - 1) + " was cut at maxBodyBytes, so its next link cannot be read");
      return;
    }
    Object link;
    try {
      Object answer = Json.decodeValue(body);
      link = request.next().startsWith("/")
          ? JsonPointer.from(request.next()).queryJson(answer)
          : answer instanceof JsonObject object ? object.getValue(request.next()) : null;
    } catch (DecodeException e) {
      finish(FetchMessages.STOPPED_BY_ERROR, "hop " + (hops.size() - 1) + " did not answer JSON");
      return;
    }
    if (link == null) {
      finish(FetchMessages.NO_NEXT, null);
      return;
    }
    if (!(link instanceof String reference)) {
      finish(FetchMessages.STOPPED_BY_ERROR, request.next() + " of hop " + (hops.size() - 1) + " is not a string");
      return;
    }
    if (hops.size() >= request.maxHops()) {
      finish(FetchMessages.MAX_HOPS_REACHED, null);
      return;
    }
    URI nextUri;
    try {
      nextUri = Urls.resolve(Urls.parse(url), reference);
    } catch (Urls.InvalidUrl e) {
      finish(FetchMessages.STOPPED_BY_ERROR, "the next link " + e.getMessage());
      return;
    }
    if (!visited.add(Urls.normalized(nextUri))) {
      finish(FetchMessages.CYCLE, nextUri + " was already visited");
      return;
    }
    // on the next tick, so the connection that just answered is back in the pool for the next hop
    fetcher.vertx.runOnContext(tick -> hop(nextUri.toString()));
  }

  private void finish(String because, String reason) {
    if (reply.future().isComplete()) {
      return;
    }
    if (deadlineTimer >= 0) {
      fetcher.vertx.cancelTimer(deadlineTimer);
    }
    JsonObject answer = new JsonObject();
    if (!request.progressOnly()) {
      answer.put(FetchMessages.HOPS, hops);
    }
    answer
        .put(FetchMessages.STOPPED_BECAUSE, because)
        .put(FetchMessages.ELAPSED_MS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    if (reason != null) {
      answer.put(FetchMessages.REASON, reason);
    }
    reply.complete(answer);
  }
}
