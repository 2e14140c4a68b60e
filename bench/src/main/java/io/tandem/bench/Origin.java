package io.tandem.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.Arrays;

/**
 * The fetch workloads' origin: {@code GET /?delay=ms&bytes=n} answers n bytes after ms
 * milliseconds, on one event loop (it shares the load core with the load generator).
 */
final class Origin {

  private static final int MAX_BYTES = 16 << 20;
  private static final CharSequence OCTETS = HttpHeaders.createOptimized("application/octet-stream");

  static void run(Args args) {
    int port = args.integer("port", 9000);
    byte[] filler = new byte[MAX_BYTES];
    Arrays.fill(filler, (byte) 'x');
    Buffer body = Buffer.buffer(filler);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx.createHttpServer()
        .requestHandler(request -> {
          long delay = param(request, "delay", 0);
          int bytes = (int) Math.min(MAX_BYTES, param(request, "bytes", 0));
          if (delay <= 0) {
            answer(request, body, bytes);
          } else {
            vertx.setTimer(delay, fired -> answer(request, body, bytes));
          }
        })
        .listen(port, "127.0.0.1")
        .onSuccess(server -> System.out.println("origin ready on " + server.actualPort()))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(1);
        });
  }

  private static long param(HttpServerRequest request, String name, long fallback) {
    String value = request.getParam(name);
    return value == null ? fallback : Long.parseLong(value);
  }

  private static void answer(HttpServerRequest request, Buffer body, int bytes) {
    request.response().putHeader(HttpHeaders.CONTENT_TYPE, OCTETS).end(body.slice(0, bytes));
  }
}
