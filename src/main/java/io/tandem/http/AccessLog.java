package io.tandem.http;

import io.tandem.tracing.Traces;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One line per request through the logger {@value #LOGGER}: method, path, status, bytes sent,
 * duration and remote address, e.g. {@code GET /hello/Ada 200 11B 1ms 127.0.0.1:53122}.
 * A request whose connection closed before the answer shows status {@code -}. Traced, the line
 * carries the request's trace and span ids like any line written during it.
 */
final class AccessLog implements Handler<RoutingContext> {

  static final String LOGGER = "io.tandem.http.access";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    // Vert.x closes the request's span as the answer ends, before this line is written: it is written within it again
    Consumer<Runnable> trace = Traces.capture();
    ctx.addEndHandler(ended -> {
      if (trace == null) {
        write(ctx.request(), ended.succeeded(), start);
      } else {
        trace.accept(() -> write(ctx.request(), ended.succeeded(), start));
      }
    });
    ctx.next();
  }

  private static void write(HttpServerRequest request, boolean answered, long start) {
    String status = answered ? Integer.toString(request.response().getStatusCode()) : "-";
    long bytes = request.response().bytesWritten();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // the fields as key-value pairs too: in logging.format json, a pipeline indexes them
    log.atInfo().addKeyValue("method", request.method().name()).addKeyValue("path", request.path()).addKeyValue("status", status)
        .addKeyValue("bytes", bytes).addKeyValue("ms", ms).addKeyValue("remote", String.valueOf(request.remoteAddress()))
        .log("{} {} {} {}B {}ms {}", request.method(), request.path(), status, bytes, ms, request.remoteAddress());
  }
}
