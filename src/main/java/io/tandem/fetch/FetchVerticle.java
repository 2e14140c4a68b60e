package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.tandem.config.FetcherSettings;
import io.tandem.config.TandemSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The fetcher: no server of its own, it serves {@link Addresses#FETCH},
 * {@link Addresses#FETCH_CHAIN} and {@link Addresses#FETCH_CANCEL} on the bus; the HTTP verticle
 * fronts it. Each instance has its own HTTP client, connection pool and limit of
 * {@code fetcher.maxConcurrency} requests in flight across all its batches.
 */
public final class FetchVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(FetchVerticle.class);

  /** Running batches and chains by their request {@code id}, for cancels. */
  private final Map<String, Set<Stoppable>> byId = new HashMap<>();
  /** All running batches and chains, with or without an id, for shutdown. */
  private final Map<Stoppable, Future<JsonObject>> running = new HashMap<>();
  private FetcherSettings settings;
  private int graceSeconds;
  private Fetcher fetcher;
  private Permits permits;
  private EventBus bus;

  @Override
  public Future<?> start() {
    TandemSettings all = TandemSettings.fromJson(config());
    settings = all.fetcher();
    graceSeconds = all.shutdownGraceSeconds();
    fetcher = new Fetcher(vertx, settings);
    permits = new Permits(context, settings.maxConcurrency());
    bus = vertx.eventBus();
    // the User-Agent reads a resource; the JVM's one-time TLS and digest costs are paid after
    // start-up (see MainVerticle)
    return vertx.executeBlocking(() -> UserAgent.VALUE)
        .compose(ready -> Future.all(
            bus.consumer(Addresses.FETCH, this::fetch).completion(),
            bus.consumer(Addresses.FETCH_CHAIN, this::chain).completion(),
            bus.consumer(Addresses.FETCH_CANCEL, this::cancel).completion()));
  }

  /** Lets running batches finish (up to the grace period, then cancels them), then closes the client. */
  @Override
  public Future<?> stop() {
    long timer = vertx.setTimer(Math.max(1, graceSeconds * 1000L), late ->
        new ArrayList<>(running.keySet()).forEach(work -> work.stop(Kind.CANCELLED, "the fetcher is shutting down")));
    return Future.join(new ArrayList<>(running.values())).eventually(() -> {
      vertx.cancelTimer(timer);
      return fetcher.close();
    });
  }

  private void fetch(Message<Object> message) {
    FetchRequest request;
    try {
      request = FetchRequest.read(message.body(), settings);
    } catch (BusException e) {
      e.failReply(message);
      return;
    }
    Batch batch = new Batch(request, fetcher, permits, progressTo(request.progressAddress()));
    track(request.id(), batch, batch::run, message);
  }

  private void chain(Message<Object> message) {
    ChainRequest request;
    try {
      request = ChainRequest.read(message.body(), settings);
    } catch (BusException e) {
      e.failReply(message);
      return;
    }
    Chain chain = new Chain(request, fetcher, permits, progressTo(request.progressAddress()));
    track(request.id(), chain, chain::run, message);
  }

  private void cancel(Message<Object> message) {
    if (message.body() instanceof JsonObject body && body.getValue(FetchMessages.ID) instanceof String id) {
      Set<Stoppable> work = byId.get(id);
      if (work != null) {
        new ArrayList<>(work).forEach(stoppable -> stoppable.stop(Kind.CANCELLED, "cancelled"));
      }
    } else {
      log.warn("dropped a malformed {} message: it needs {\"id\":\"...\"}", Addresses.FETCH_CANCEL);
    }
  }

  private void track(String id, Stoppable work, Supplier<Future<JsonObject>> run, Message<Object> message) {
    if (id != null) {
      byId.computeIfAbsent(id, key -> new HashSet<>()).add(work);
    }
    Future<JsonObject> done = run.get();
    running.put(work, done);
    done.onComplete(finished -> {
      running.remove(work);
      if (id != null) {
        Set<Stoppable> sameId = byId.get(id);
        sameId.remove(work);
        if (sameId.isEmpty()) {
          byId.remove(id);
        }
      }
      if (finished.succeeded()) {
        message.reply(finished.result());
      } else {
        log.error("{} failed", message.address(), finished.cause());
        message.fail(500, "internal error");
      }
    });
  }

  private Consumer<JsonObject> progressTo(String address) {
    return address == null ? result -> { } : result -> bus.publish(address, result);
  }
}
