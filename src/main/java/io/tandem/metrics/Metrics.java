package io.tandem.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.config.MetricsSettings;
import io.tandem.net.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.shareddata.Shareable;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.EnumSet;
import java.util.function.Function;

/**
 * Where the meters of a Vert.x instance live: a Prometheus registry of its own, made with the
 * instance ({@link #builder}), holding Vert.x's meters (vertx-micrometer-metrics) and Tandem's.
 * Each verticle finds it through its {@code vertx} ({@link #registry}); a Vert.x built without
 * metrics (one a user embeds Tandem's verticles in, or a test's) gets a registry that keeps
 * nothing, so the code that counts never asks whether anyone listens.
 */
public final class Metrics {

  /**
   * The labels vertx-micrometer-metrics's meters carry (its HTTP client's and pools'; the HTTP
   * server's and the bus's are Tandem's own): never a path, a remote or local address.
   */
  private static final EnumSet<Label> LABELS = EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME);
  /** Registers nothing: counting into it is a no-op. */
  private static final MeterRegistry NONE = new CompositeMeterRegistry();
  private static final String SHARED = "tandem.metrics";

  private Metrics() {
  }

  /** A builder of a Vert.x with {@code options}, and with metrics when {@code settings} turn them on. */
  public static VertxBuilder builder(VertxOptions options, MetricsSettings settings) {
    if (!settings.enabled()) {
      return Vertx.builder().with(options);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // no pause detector: its bookkeeping on every timer record buys corrections for stop-the-world
    // pauses that a histogram of request times does not need
    registry.config().meterFilter(new BoundedLabels()).pauseDetector(new NoPauseDetector());
    // the JVM's meters later, once the service is ready: jvmMeters
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false).setLabels(LABELS));
    return Vertx.builder().with(options).withMetrics(TandemVertxMetrics.factory(registry));
  }

  /** The registry of {@code vertx}'s meters; one that keeps nothing when it was built without metrics. */
  public static MeterRegistry registry(Vertx vertx) {
    return VertxInternals.metrics(vertx) instanceof TandemVertxMetrics metrics ? metrics.registry() : NONE;
  }

  /**
   * Binds the JVM's meters ({@link JvmMeters}) on a worker, once, the first time it is asked: the
   * service asks once it is ready, and a scrape waits for them so that it never shows half.
   * Completes at once for a Vert.x that keeps no metrics.
   */
  public static Future<Void> jvmMeters(Vertx vertx) {
    return VertxInternals.metrics(vertx) instanceof TandemVertxMetrics metrics ? metrics.jvmMeters(vertx) : Future.succeededFuture();
  }

  /** The registry {@code GET /metrics} scrapes, or null when {@code vertx} keeps no metrics. */
  public static PrometheusMeterRegistry prometheus(Vertx vertx) {
    return registry(vertx) instanceof PrometheusMeterRegistry prometheus ? prometheus : null;
  }

  /**
   * The one {@code T} of {@code vertx} named {@code name}, made on first use: meters whose state
   * every instance of a verticle shares (a gauge reads one object) are registered once.
   */
  public static <T extends Shareable> T shared(Vertx vertx, String name, Function<MeterRegistry, T> make) {
    return vertx.sharedData().<String, T>getLocalMap(SHARED).computeIfAbsent(name, key -> make.apply(registry(vertx)));
  }
}
