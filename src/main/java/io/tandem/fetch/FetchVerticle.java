package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.tandem.bus.FailureCodes;
import io.tandem.cluster.ClusterView;
import io.tandem.config.FetcherSettings;
import io.tandem.config.TandemSettings;
import io.tandem.net.LogLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The fetcher: no server of its own, it serves {@link Addresses#FETCH},
 * {@link Addresses#FETCH_CHAIN} and {@link Addresses#FETCH_CANCEL} on the bus; the HTTP verticle
 * fronts it. An instance coordinates the batches it receives, sending their URLs as jobs to every
 * instance in the cluster that is a worker ({@link Workers}); as a worker it runs such jobs
 * ({@link JobRunner}) with its own HTTP client, connection pool and limit of
 * {@code fetcher.maxConcurrency} requests in flight. Chains run on the instance that receives them.
 */
public final class FetchVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(FetchVerticle.class);

  /** Running batches and chains by their request {@code id}, for cancels. */
  private final Map<String, Set<Stoppable>> byId = new HashMap<>();
  /** All running batches and chains, with or without an id, for shutdown. */
  private final Map<Stoppable, Future<JsonObject>> running = new HashMap<>();
  /** The consumers of fetching work (URL jobs, chains), unregistered first on shutdown so that new work goes elsewhere. */
  private final List<MessageConsumer<Object>> jobConsumers = new ArrayList<>();
  /** Batch keys: unique in the cluster, so that a stop reaches only the batch it is for. */
  private final String batchPrefix = UUID.randomUUID() + "/";
  /** Malformed stop and cancel messages may come from bridge clients when an operator lets them send there. */
  private final LogLimit malformedLog = new LogLimit();
  private long batches;
  private FetcherSettings settings;
  private int graceSeconds;
  private Fetcher fetcher;
  private Permits permits;
  private Workers workers;
  private JobRunner jobs;
  private EventBus bus;

  @Override
  public Future<?> start() {
    TandemSettings all = TandemSettings.fromJson(config());
    settings = all.fetcher();
    graceSeconds = all.shutdownGraceSeconds();
    // the first HTTP client of a process loads and links a good part of Vert.x's and Netty's
    // client, a few hundred milliseconds on a cold JVM: off the event loop, with the User-Agent's
    // resource read; the JVM's one-time TLS and digest costs come after start-up (see MainVerticle)
    return vertx.executeBlocking(() -> UserAgent.VALUE == null ? null : new Fetcher(vertx, settings))
        .compose(this::serve);
  }

  private Future<?> serve(Fetcher built) {
    fetcher = built;
    permits = new Permits(context, settings.maxConcurrency());
    bus = vertx.eventBus();
    ClusterView cluster = ClusterView.of(vertx);
    workers = new Workers(context, bus, cluster);
    jobs = new JobRunner(fetcher, permits);
    List<Future<Void>> registered = new ArrayList<>(List.of(
        bus.consumer(Addresses.FETCH, this::fetch).completion(),
        bus.consumer(Addresses.FETCH_CANCEL, this::cancel).completion(),
        bus.consumer(Addresses.FETCH_STOP, this::stopJobs).completion()));
    if (settings.worker()) {
      // a chain is fetching, hop after hop, on the instance that takes it: a node that fetches
      // nothing (fetcher.worker false) leaves chains to those that do
      jobConsumers.add(bus.consumer(Addresses.FETCH_CHAIN, this::chain));
      jobConsumers.add(bus.consumer(Addresses.FETCH_URL, this::fetchUrl));
      if (cluster != null) {
        jobConsumers.add(bus.consumer(Addresses.FETCH_URL_NODE + cluster.nodeId(), this::fetchUrl));
      }
      jobConsumers.forEach(consumer -> registered.add(consumer.completion()));
    }
    return Future.all(registered);
  }

  /**
   * Takes no new URL jobs, lets running batches and jobs finish (up to the grace period, then
   * cancels the batches and hands the jobs back to their coordinators), then closes the client.
   */
  @Override
  public Future<?> stop() {
    List<Future<Void>> unregistered = new ArrayList<>();
    jobConsumers.forEach(consumer -> unregistered.add(consumer.unregister()));
    long timer = vertx.setTimer(Math.max(1, graceSeconds * 1000L), late -> {
      new ArrayList<>(running.keySet()).forEach(work -> work.stop(Kind.CANCELLED, "the fetcher is shutting down"));
      jobs.handBack("the fetcher instance is shutting down");
    });
    List<Future<?>> work = new ArrayList<>(running.values());
    work.add(jobs.drain());
    return Future.join(unregistered).eventually(() -> Future.join(work)).eventually(() -> {
      vertx.cancelTimer(timer);
      workers.close();
      return fetcher.close();
    });
  }

  private void fetch(Message<Object> message) {
    FetchRequest request = read(message, FetchRequest::read);
    if (request == null) {
      return;
    }
    workers.available(settings.worker()).onComplete(available -> {
      if (available.failed()) {
        log.error("cannot read the cluster's fetcher instances", available.cause());
        message.fail(FailureCodes.INTERNAL, "internal error");
      } else if (!available.result()) {
        message.fail(FailureCodes.UNAVAILABLE, "no fetcher instance that fetches URLs is up");
      } else {
        Batch batch = new Batch(request, batchPrefix + ++batches, workers, vertx, progressTo(request.progressAddress()));
        track(request.id(), batch, batch::run, message);
      }
    });
  }

  private void fetchUrl(Message<Object> message) {
    UrlJob job = read(message, UrlJob::read);
    if (job != null) {
      jobs.run(job, message);
    }
  }

  private void stopJobs(Message<Object> message) {
    if (message.body() instanceof JsonObject body && body.getValue(FetchMessages.BATCH) instanceof String batch
        && body.getValue(FetchMessages.KIND) instanceof String wire && Kind.of(wire) != null
        && body.getValue(FetchMessages.MESSAGE) instanceof String why) {
      jobs.stop(batch, Kind.of(wire), why);
    } else {
      if (malformedLog.allows()) {
        log.warn("dropped a malformed {} message{}", Addresses.FETCH_STOP, malformedLog.heldBackNote());
      }
    }
  }

  private void chain(Message<Object> message) {
    ChainRequest request = read(message, ChainRequest::read);
    if (request == null) {
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
      if (malformedLog.allows()) {
        log.warn("dropped a malformed {} message: it needs {\"id\":\"...\"}{}", Addresses.FETCH_CANCEL, malformedLog.heldBackNote());
      }
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

  /** The request in the message, or null once the message has been failed with what is wrong. */
  private <T> T read(Message<Object> message, BiFunction<Object, FetcherSettings, T> reader) {
    try {
      return reader.apply(message.body(), settings);
    } catch (BusException e) {
      e.failReply(message);
      return null;
    }
  }

  private Consumer<JsonObject> progressTo(String address) {
    return address == null ? result -> { } : result -> bus.publish(address, result);
  }
}
