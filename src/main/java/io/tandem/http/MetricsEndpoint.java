package io.tandem.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
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

  private final PrometheusMeterRegistry registry;

  MetricsEndpoint(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(registry.scrape(type));
  }
}
