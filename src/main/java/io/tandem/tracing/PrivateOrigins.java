package io.tandem.tracing;

import io.vertx.core.Context;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code tracing.propagateToOrigins} off: the fetcher's requests still get their client span,
 * but no {@code traceparent} is written into them, so an origin never learns a trace id. Vert.x's
 * own switch ({@link TracingPolicy#IGNORE} on the client) would drop the span too. The bus is
 * untouched: its headers carry the trace to Tandem's other nodes.
 */
final class PrivateOrigins<I, O> implements VertxTracer<I, O> {

  private static final BiConsumer<String, String> NOWHERE = (name, value) -> { };

  private final VertxTracer<I, O> spans;

  PrivateOrigins(VertxTracer<I, O> spans) {
    this.spans = spans;
  }

  @Override
  public <R> I receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                              Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tags) {
    return spans.receiveRequest(context, kind, policy, request, operation, headers, tags);
  }

  @Override
  public <R> void sendResponse(Context context, R response, I payload, Throwable failure, TagExtractor<R> tags) {
    spans.sendResponse(context, response, payload, failure, tags);
  }

  @Override
  public <R> O sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
                           BiConsumer<String, String> headers, TagExtractor<R> tags) {
    // the only HTTP client in Tandem is the fetcher's: its requests go to origins
    return spans.sendRequest(context, kind, policy, request, operation, request instanceof HttpRequest ? NOWHERE : headers, tags);
  }

  @Override
  public <R> void receiveResponse(Context context, R response, O payload, Throwable failure, TagExtractor<R> tags) {
    spans.receiveResponse(context, response, payload, failure, tags);
  }

  @Override
  public void close() {
    spans.close();
  }
}
