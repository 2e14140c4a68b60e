package io.tandem.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The HTTP server's meters: {@code tandem_http_server_requests_seconds}, a histogram of the time
 * to answer by route template, method and status. In place of vertx-micrometer-metrics's own,
 * which builds a meter id and looks it up in the registry several times per request (and a gauge
 * per request): that cost {@code GET /} 16–18 % of its throughput. Here a request costs a map read
 * by route, two array reads and one observation into this event loop's own cells of a
 * {@link LoopHistogram} (a Micrometer timer's histogram records each value into several time
 * windows, the Prometheus client's into adders all event loops share: BENCHMARKS.md). Labels are bounded as {@link BoundedLabels} says, decided once
 * per route, method and status, never per request.
 */
final class HttpServerMeters implements HttpServerMetrics<HttpServerMeters.Request, Void, Void> {

  /** Seconds, from a millisecond (a keep-alive {@code GET /}) to ten (a {@code /fetch} waiting for its batch). */
  private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  private static final List<HttpMethod> METHODS = BoundedLabels.METHODS;
  private static final int OTHER_METHOD = METHODS.size();
  private static final int MIN_STATUS = 100;
  private static final int STATUSES = 900; // 100..999, all Vert.x lets a response have
  /** A request that matched no route: a 404, a 405, or Tandem's {@code GET /} shortcut before it names its route. */
  private static final String NO_ROUTE = "";

  private final LoopHistogram requests;
  private final ConcurrentMap<String, Route> routes = new ConcurrentHashMap<>();
  private final Counter resets;

  HttpServerMeters(PrometheusMeterRegistry registry) {
    this.requests = new LoopHistogram("tandem_http_server_requests_seconds",
        "HTTP requests answered and the time to answer them, by route template, method and status", BUCKETS, "route", "method", "code");
    registry.getPrometheusRegistry().register(requests);
    this.resets = Counter.builder("tandem.http.server.resets").description("Requests the client reset before their answer")
        .register(registry);
  }

  /** One request in flight: its method, when it began, the routes it went through. */
  static final class Request {
    final HttpMethod method;
    final long start = System.nanoTime();
    String route;

    Request(HttpMethod method) {
      this.method = method;
    }
  }

  @Override
  public Request requestBegin(Void socket, HttpRequest request) {
    return new Request(request.method());
  }

  @Override
  public void requestRouted(Request request, String route) {
    if (route == null || route.equals(request.route)) {
      return; // an endpoint's access check and the endpoint itself are two routes on one path
    }
    request.route = request.route == null ? route : request.route + ">" + route;
  }

  @Override
  public void requestReset(Request request) {
    resets.increment();
  }

  @Override
  public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
    long nanos = System.nanoTime() - request.start;
    String route = request.route == null ? NO_ROUTE : request.route;
    Route meters = routes.get(route);
    if (meters == null) {
      meters = routes.computeIfAbsent(route, Route::new);
    }
    meters.of(request.method, response.statusCode()).observe(nanos);
  }

  /**
   * The method's place in {@link #METHODS}, or {@link #OTHER_METHOD}. Vert.x hands a standard
   * method as its constant, so identity finds it; {@code List.indexOf}'s equals on each was 3 %
   * of {@code GET /}'s CPU (JFR).
   */
  private static int methodIndex(HttpMethod method) {
    for (int i = 0; i < OTHER_METHOD; i++) {
      if (METHODS.get(i) == method) {
        return i;
      }
    }
    int found = METHODS.indexOf(method);
    return found < 0 ? OTHER_METHOD : found;
  }

  /** The series of one route, each made at its method and status's first request. */
  private final class Route {

    private final String template;
    private final AtomicReferenceArray<AtomicReferenceArray<LoopHistogram.Series>> byMethod = new AtomicReferenceArray<>(OTHER_METHOD + 1);

    Route(String raw) {
      this.template = BoundedLabels.template(raw);
    }

    LoopHistogram.Series of(HttpMethod method, int status) {
      int m = methodIndex(method);
      int s = Math.min(Math.max(status, MIN_STATUS), MIN_STATUS + STATUSES - 1) - MIN_STATUS;
      AtomicReferenceArray<LoopHistogram.Series> byStatus = byMethod.get(m);
      if (byStatus == null) {
        byMethod.compareAndSet(m, null, new AtomicReferenceArray<>(STATUSES));
        byStatus = byMethod.get(m);
      }
      LoopHistogram.Series series = byStatus.get(s);
      if (series == null) {
        // once per route, method and status: locked, so two event loops at once make one series, not two alike
        synchronized (byStatus) {
          series = byStatus.get(s);
          if (series == null) {
            series = requests.series(template, m == OTHER_METHOD ? BoundedLabels.OTHER : METHODS.get(m).name(),
                Integer.toString(s + MIN_STATUS));
            byStatus.set(s, series);
          }
        }
      }
      return series;
    }
  }
}
