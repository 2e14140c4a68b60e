package io.tandem.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

import java.time.Duration;

/**
 * Histogram buckets for the time Vert.x's HTTP server takes to answer: without them its timer is
 * a count, a sum and a max, and no latency distribution (no percentile) can be read off a scrape.
 * Thirteen fixed buckets, from a millisecond (a keep-alive {@code GET /}) to ten seconds (a
 * {@code /fetch} that waits for its batch), as Prometheus's {@code histogram_quantile} wants them.
 */
final class LatencyBuckets implements MeterFilter {

  static final String HTTP_SERVER_RESPONSE_TIME = "vertx.http.server.response.time";
  private static final double[] BUCKETS = nanos(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000);

  @Override
  public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
    if (!id.getName().equals(HTTP_SERVER_RESPONSE_TIME)) {
      return config;
    }
    return DistributionStatisticConfig.builder().serviceLevelObjectives(BUCKETS).build().merge(config);
  }

  private static double[] nanos(double... millis) {
    double[] nanos = new double[millis.length];
    for (int i = 0; i < millis.length; i++) {
      nanos[i] = Duration.ofMillis(1).toNanos() * millis[i];
    }
    return nanos;
  }
}
