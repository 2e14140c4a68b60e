package io.tandem.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpClientMetrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The fetcher's HTTP client: the connections it holds to origins, {@code tandem_http_client_connections}.
 * Nothing per request: {@code fetch/FetchMeters} counts and times every URL by its outcome, and
 * vertx-micrometer-metrics's client meters (a meter looked up by tags for each request, its pool
 * timed at each acquisition) cost the fetch of small URLs 14 % of its CPU for what those already say.
 */
final class HttpClientMeters implements HttpClientMetrics<Void, Void, Void> {

  private final AtomicLong open = new AtomicLong();

  HttpClientMeters(PrometheusMeterRegistry registry) {
    Gauge.builder("tandem.http.client.connections", open, AtomicLong::get)
        .description("Connections the fetcher's HTTP client holds to origins").register(registry);
  }

  @Override
  public Void connected(SocketAddress remoteAddress, String remoteName) {
    open.incrementAndGet();
    return null;
  }

  @Override
  public void disconnected(Void socketMetric, SocketAddress remoteAddress) {
    open.decrementAndGet();
  }
}
