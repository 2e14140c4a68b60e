package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.FailureCodes;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.tandem.cluster.ClusterView;
import io.tandem.config.FetcherSettings;
import io.tandem.config.VerticleConfig;
import io.tandem.net.LogLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * A fetcher instance's coordinating side: serves {@link Addresses#FETCH} (a {@link Batch} per
 * request, its URLs handed as jobs to the fetching instances through {@link Workers}) and
 * {@link Addresses#FETCH_CANCEL}. It fetches nothing itself: {@link FetchingSide} does, on this
 * node or others. The HTTP verticle fronts it; {@link FetcherVerticle} runs it.
 */
final class CoordinatingSide extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(CoordinatingSide.class);

  private final InFlight batches = new InFlight();
  /** Malformed cancels may come from bridge clients when an operator lets them send there. */
  private final LogLimit malformedLog = new LogLimit();
  private FetcherSettings settings;
  private int graceSeconds;
  private Workers workers;
  private FetchMeters meters;

  @Override
  public Future<?> start() {
    meters = FetchMeters.of(vertx);
    VerticleConfig all = VerticleConfig.of(config());
    settings = all.fetcher();
    graceSeconds = all.shutdownGraceSeconds();
    workers = new Workers(context, vertx.eventBus(), ClusterView.of(vertx), LocalWorkers.of(vertx));
    return Future.all(
        vertx.eventBus().consumer(Addresses.FETCH, this::fetch).completion(),
        vertx.eventBus().consumer(Addresses.FETCH_CANCEL, this::cancel).completion());
  }

  /** Lets running batches finish for the grace period, then ends them as cancelled. */
  @Override
  public Future<?> stop() {
    long timer = vertx.setTimer(Math.max(1, graceSeconds * 1000L), late -> batches.shutDown("the fetcher is shutting down"));
    return batches.drained().eventually(() -> {
      vertx.cancelTimer(timer);
      workers.close();
      return Future.succeededFuture();
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
    workers.available().onComplete(available -> {
      if (available.failed()) {
        log.error("cannot read the cluster's fetcher instances", available.cause());
        message.fail(FailureCodes.INTERNAL, "internal error");
      } else if (!available.result()) {
        message.fail(FailureCodes.UNAVAILABLE, "no fetcher instance that fetches URLs is up");
      } else {
        String id = request.id() != null ? request.id() : UUID.randomUUID().toString();
        meters.begun(false);
        Batch batch = new Batch(request, id, workers, vertx, Results.progressTo(vertx.eventBus(), request.progressAddress(), meters),
            settings.maxRedirects());
        batches.track(id, batch, batch.run()).onSuccess(message::reply);
      }
    });
  }

  private void cancel(Message<Object> message) {
    String id = FetchMessages.cancelId(message.body());
    if (id != null) {
      batches.stop(id, Kind.CANCELLED, "cancelled");
    } else if (malformedLog.allows()) {
      log.warn("dropped a malformed {} message: it needs {\"id\":\"...\"}{}", Addresses.FETCH_CANCEL, malformedLog.heldBackNote());
    }
  }
}
