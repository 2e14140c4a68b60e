package io.tandem.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;

/**
 * Vert.x's metrics SPI as Tandem builds it: vertx-micrometer-metrics's for the pools, the TCP
 * servers and clients, the HTTP client and the JVM, and Tandem's own for the two paths every
 * request takes — the HTTP server ({@link HttpServerMeters}) and the event bus ({@link BusMeters})
 * — where the library's cost a sixth of {@code GET /} and a third of the bus.
 */
final class TandemVertxMetrics implements VertxMetrics {

  private final VertxMetrics library;
  private final PrometheusMeterRegistry registry;

  /** One for every HTTP server of the process (one per verticle instance): their series are the same series. */
  private final HttpServerMeters httpServers;

  private TandemVertxMetrics(VertxMetrics library, PrometheusMeterRegistry registry) {
    this.library = library;
    this.registry = registry;
    this.httpServers = new HttpServerMeters(registry);
  }

  /** The factory {@code Vertx.builder().withMetrics} takes. */
  static VertxMetricsFactory factory(PrometheusMeterRegistry registry) {
    MicrometerMetricsFactory library = new MicrometerMetricsFactory(registry);
    return options -> new TandemVertxMetrics(library.metrics(options), registry);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public EventBusMetrics<?> createEventBusMetrics() {
    return new BusMeters(registry);
  }

  @Override
  public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
    return httpServers;
  }

  @Override
  public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
    return library.createClientMetrics(remoteAddress, type, namespace);
  }

  @Override
  public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
    return library.createHttpClientMetrics(options);
  }

  @Override
  public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
    return library.createNetServerMetrics(options, localAddress);
  }

  @Override
  public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
    return library.createNetClientMetrics(options);
  }

  @Override
  public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
    return library.createDatagramSocketMetrics(options);
  }

  @Override
  public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
    return library.createPoolMetrics(poolType, poolName, maxPoolSize);
  }

  @Override
  public void vertxCreated(Vertx vertx) {
    library.vertxCreated(vertx);
  }

  @Override
  public boolean isMetricsEnabled() {
    return true;
  }

  @Override
  public void close() {
    library.close();
  }
}
