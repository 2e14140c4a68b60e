package io.tandem.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The HTTP server's meters: {@code tandem.http.server.requests}, a timer (count, sum, max and a
 * latency histogram) by route template, method and status. In place of vertx-micrometer-metrics's
 * own, which builds a meter id and looks it up in the registry several times per request (and a
 * gauge per request): that cost {@code GET /} 16–18 % of its throughput, where this costs a map
 * read by route, two array reads and one timer record (BENCHMARKS.md). Labels are bounded as
 * {@link BoundedLabels} says, decided once per route, method and status, never per request.
 */
final class HttpServerMeters implements HttpServerMetrics<HttpServerMeters.Request, Void, Void> {

  /** From a millisecond (a keep-alive {@code GET /}) to ten seconds (a {@code /fetch} waiting for its batch). */
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
  private static final List<HttpMethod> METHODS = BoundedLabels.METHODS;
  private static final int OTHER_METHOD = METHODS.size();
  private static final int MIN_STATUS = 100;
  private static final int STATUSES = 900; // 100..999, all Vert.x lets a response have
  /** A request that matched no route: a 404, a 405, or Tandem's {@code GET /} shortcut before it names its route. */
  private static final String NO_ROUTE = "";

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Route> routes = new ConcurrentHashMap<>();
  private final Counter resets;

  HttpServerMeters(MeterRegistry registry) {
    this.registry = registry;
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
    meters.timer(request.method, response.statusCode()).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The timers of one route, made at a method and status's first request. */
  private final class Route {

    private final String template;
    private final AtomicReferenceArray<AtomicReferenceArray<Timer>> byMethod = new AtomicReferenceArray<>(OTHER_METHOD + 1);

    Route(String raw) {
      this.template = BoundedLabels.template(raw);
    }

    Timer timer(HttpMethod method, int status) {
      int m = METHODS.indexOf(method);
      m = m < 0 ? OTHER_METHOD : m;
      int s = Math.min(Math.max(status, MIN_STATUS), MIN_STATUS + STATUSES - 1) - MIN_STATUS;
      AtomicReferenceArray<Timer> byStatus = byMethod.get(m);
      if (byStatus == null) {
        byMethod.compareAndSet(m, null, new AtomicReferenceArray<>(STATUSES));
        byStatus = byMethod.get(m);
      }
      Timer timer = byStatus.get(s);
      if (timer == null) {
        // registering twice at once yields the same timer: the registry keeps one per id
        timer = Timer.builder("tandem.http.server.requests").description("HTTP requests answered, by route template, method and status")
            .tag("route", template).tag("method", m == OTHER_METHOD ? BoundedLabels.OTHER : METHODS.get(m).name())
            .tag("code", Integer.toString(s + MIN_STATUS)).serviceLevelObjectives(BUCKETS).register(registry);
        byStatus.set(s, timer);
      }
      return timer;
    }
  }
}
