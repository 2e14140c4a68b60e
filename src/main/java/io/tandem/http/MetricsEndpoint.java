package io.tandem.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET metrics.path}: the scrape, in Prometheus's text format, or OpenMetrics when the
 * {@code Accept} header asks for it (Prometheus does, so it gets exemplar-ready counters with
 * their {@code _created}). Vert.x's own {@code PrometheusScrapingHandler} answers text only,
 * whatever is asked. The scrape is a few hundred series: CPU, not waiting, so the event loop does it.
 */
final class MetricsEndpoint implements Handler<RoutingContext> {

  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;

  MetricsEndpoint(Vertx vertx) {
    this.vertx = vertx;
    this.registry = Metrics.prometheus(vertx);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
    // the JVM's meters are bound after start-up (or by the first scrape): a scrape never shows half
    Future<Void> jvmMeters = Metrics.jvmMeters(vertx);
    if (jvmMeters.isComplete()) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(registry.scrape(type));
    } else {
      // whatever the binding's outcome: without the JVM's meters the rest is still worth a scrape
      jvmMeters.onComplete(bound -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(registry.scrape(type)));
    }
  }
}
