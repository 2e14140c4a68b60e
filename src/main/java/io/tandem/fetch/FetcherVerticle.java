package io.tandem.fetch;

import io.tandem.config.VerticleConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * One instance of the fetcher: its fetching side ({@link FetchingSide}, where {@code
 * fetcher.worker} is true) and its coordinating side ({@link CoordinatingSide}) on one event loop.
 *
 * <p>Why one verticle and not two: a batch hands each URL to a fetching instance and takes its
 * result back, and when the two sides sit on different event loops each URL crosses threads
 * twice. Deployed apart, where each side landed was Vert.x's round robin over the event loops,
 * which every HTTP client built also turns (for its pool's cleaner): one more client made 10,000
 * URLs x 1 KiB take 0.30 s instead of 0.19 s (BENCHMARKS.md, item 14). Together, an instance's
 * own fetching side is always on its loop.
 */
public final class FetcherVerticle extends VerticleBase {

  private FetchingSide fetching;
  private CoordinatingSide coordinating;

  @Override
  public Future<?> start() {
    fetching = VerticleConfig.of(config()).fetcher().worker() ? new FetchingSide() : null;
    coordinating = new CoordinatingSide();
    coordinating.init(vertx, context);
    if (fetching == null) {
      return coordinating.start();
    }
    fetching.init(vertx, context);
    // the fetching side first, so that the first batch finds it; a coordinating side that cannot
    // start takes it down again, so that no half of an instance is left taking work
    return fetching.start().compose(up -> coordinating.start()
        .recover(failed -> fetching.stop().transform(stopped -> Future.failedFuture(failed))));
  }

  /** Both sides at once: each lets its work finish for the grace period on its own. */
  @Override
  public Future<?> stop() {
    return fetching == null ? coordinating.stop() : Future.join(coordinating.stop(), fetching.stop());
  }
}
