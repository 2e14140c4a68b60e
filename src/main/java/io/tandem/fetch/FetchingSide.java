package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.tandem.cluster.ClusterView;
import io.tandem.config.FetcherSettings;
import io.tandem.config.VerticleConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A fetcher instance's fetching side, run by {@link FetcherVerticle} where {@code fetcher.worker}
 * is true: runs the URL jobs of any batch in the cluster (handed over in the process, or sent to
 * {@link Addresses#FETCH_URL_NODE} from another node) and serves {@link Addresses#FETCH_CHAIN},
 * all with its own HTTP client, connection pool and limit of {@code fetcher.maxConcurrency}
 * requests in flight. A {@link Addresses#FETCH_CANCEL} ends the jobs and chains with its id.
 */
final class FetchingSide extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(FetchingSide.class);

  private final InFlight work = new InFlight();
  /** What brings new work: withdrawn first on shutdown, so that new work goes elsewhere. */
  private final List<MessageConsumer<Object>> intake = new ArrayList<>();
  private FetcherSettings settings;
  private int graceSeconds;
  private Fetcher fetcher;
  private Permits permits;
  private LocalWorkers local;
  private LocalWorkers.Worker self;

  @Override
  public Future<?> start() {
    VerticleConfig all = VerticleConfig.of(config());
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
    fetcher.meters.watch(permits);
    EventBus bus = vertx.eventBus();
    ClusterView cluster = ClusterView.of(vertx);
    intake.add(bus.consumer(Addresses.FETCH_URL, this::fetchUrl));
    if (cluster != null) {
      intake.add(bus.consumer(Addresses.FETCH_URL_NODE + cluster.nodeId(), this::fetchUrl));
    }
    intake.add(bus.consumer(Addresses.FETCH_CHAIN, this::chain));
    List<Future<Void>> registered = new ArrayList<>();
    intake.forEach(consumer -> registered.add(consumer.completion()));
    registered.add(bus.consumer(Addresses.FETCH_CANCEL, this::cancel).completion());
    return Future.all(registered).onSuccess(ready -> {
      self = new LocalWorkers.Worker(context, job -> runJob(job, false));
      local = LocalWorkers.of(vertx);
      local.add(self);
    });
  }

  /**
   * Takes no new work, lets running jobs and chains finish for the grace period, then hands the
   * jobs of other nodes' batches back (their batches send them elsewhere) and ends the rest as
   * cancelled; then closes the client.
   */
  @Override
  public Future<?> stop() {
    if (local != null) {
      local.remove(self);
    }
    if (fetcher != null) {
      fetcher.meters.forget(permits);
    }
    List<Future<Void>> withdrawn = new ArrayList<>();
    intake.forEach(consumer -> withdrawn.add(consumer.unregister()));
    long timer = vertx.setTimer(Math.max(1, graceSeconds * 1000L), late -> work.shutDown("the fetcher instance is shutting down"));
    return Future.join(withdrawn).eventually(work::drained).eventually(() -> {
      vertx.cancelTimer(timer);
      return fetcher.close();
    });
  }

  private Future<JsonObject> runJob(UrlJob request, boolean overTheBus) {
    Job job = new Job(request, fetcher, permits, overTheBus);
    Future<JsonObject> done = work.track(request.id(), job, job.run());
    if (log.isDebugEnabled()) {
      // the index, not the URL: a URL's query may hold a secret of the user's
      done.onSuccess(result -> log.atDebug().addKeyValue("batch", request.id()).addKeyValue("index", request.index())
          .log("URL {} of batch {}: {}", request.index(), request.id(), outcome(result)));
    }
    return done;
  }

  /** {@code status 200}, or the error's kind. */
  private static String outcome(JsonObject result) {
    JsonObject error = result.getJsonObject(FetchMessages.ERROR);
    return error != null ? error.getString(FetchMessages.KIND, "error") : FetchMessages.STATUS + " " + result.getValue(FetchMessages.STATUS);
  }

  private void fetchUrl(Message<Object> message) {
    UrlJob request = read(message, UrlJob::read);
    if (request != null) {
      runJob(request, true).onComplete(answer -> {
        if (answer.succeeded()) {
          message.reply(answer.result());
        } else {
          ReplyException handedBack = (ReplyException) answer.cause();
          message.fail(handedBack.failureCode(), handedBack.getMessage());
        }
      });
    }
  }

  private void chain(Message<Object> message) {
    ChainRequest request = read(message, ChainRequest::read);
    if (request != null) {
      fetcher.meters.begun(true);
      Chain chain = new Chain(request, fetcher, permits, Results.progressTo(vertx.eventBus(), request.progressAddress(), fetcher.meters));
      work.track(request.id(), chain, chain.run()).onSuccess(message::reply);
    }
  }

  /** Malformed cancels are logged by the coordinating verticle, which gets them too. */
  private void cancel(Message<Object> message) {
    String id = FetchMessages.cancelId(message.body());
    if (id != null) {
      work.stop(id, Kind.CANCELLED, "cancelled");
    }
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
}
