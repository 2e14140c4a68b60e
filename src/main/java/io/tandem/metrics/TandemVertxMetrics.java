package io.tandem.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
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
 * Vert.x's metrics SPI as Tandem builds it: vertx-micrometer-metrics's for the worker pools, the
 * TCP servers and clients and the JVM, and Tandem's own for the paths every request takes — the
 * HTTP server ({@link HttpServerMeters}), the event bus ({@link BusMeters}) and the fetcher's
 * HTTP client ({@link HttpClientMeters}) — where the library's cost a sixth of {@code GET /}, a
 * third of the bus and a seventh of a fetch of small URLs.
 */
final class TandemVertxMetrics implements VertxMetrics {

  private final VertxMetrics library;
  private final PrometheusMeterRegistry registry;

  /** The pool type Vert.x gives the HTTP client's connection pools. */
  private static final String HTTP_POOLS = "http";

  /** One for every HTTP server of the process (one per verticle instance): their series are the same series. */
  private final HttpServerMeters httpServers;
  /** One for every HTTP client (one per fetcher instance), likewise. */
  private final HttpClientMeters httpClients;

  /** The JVM's meters: asked for once the service is ready (see {@link JvmMeters}). */
  private Future<Void> jvm;
  private JvmMeters jvmBound;
  private boolean closed;

  private TandemVertxMetrics(VertxMetrics library, PrometheusMeterRegistry registry) {
    this.library = library;
    this.registry = registry;
    this.httpServers = new HttpServerMeters(registry);
    this.httpClients = new HttpClientMeters(registry);
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
    return httpClients;
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

  /** The worker pools'; not the HTTP client's connection pools (one per origin), timed at every request: see {@link HttpClientMeters}. */
  @Override
  public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
    return HTTP_POOLS.equals(poolType) ? null : library.createPoolMetrics(poolType, poolName, maxPoolSize);
  }

  @Override
  public void vertxCreated(Vertx vertx) {
    library.vertxCreated(vertx);
  }

  @Override
  public boolean isMetricsEnabled() {
    return true;
  }

  /** Binds the JVM's meters on a worker the first time it is asked; completes once they are in the registry. */
  synchronized Future<Void> jvmMeters(Vertx vertx) {
    if (jvm == null) {
      jvm = vertx.executeBlocking(() -> {
        JvmMeters bound = JvmMeters.bind(registry);
        synchronized (this) {
          if (closed) {
            bound.close();
          } else {
            jvmBound = bound;
          }
        }
        return null;
      }, false);
    }
    return jvm;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (jvmBound != null) {
        jvmBound.close();
      }
    }
    library.close();
  }
}
