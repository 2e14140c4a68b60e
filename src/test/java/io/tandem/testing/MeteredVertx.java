package io.tandem.testing;

import io.tandem.config.MetricsSettings;
import io.tandem.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** A Vert.x built as the launcher builds it with metrics on: a registry of its own, Tandem's meters on its SPI. */
public final class MeteredVertx {

  private MeteredVertx() {
  }

  public static Vertx create() {
    return Metrics.builder(new VertxOptions(), new MetricsSettings(true, MetricsSettings.DEFAULT_PATH)).build();
  }
}
