package io.tandem.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import io.vertx.core.Future;
import io.vertx.core.Handler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fetch workloads' origin: {@code GET /?delay=ms&bytes=n} answers n bytes after ms
 * milliseconds, on one event loop (it shares the load core with the load generator). With
 * {@code &fail=k&i=n}, a URL whose n is a multiple of k is answered 503 every other time (first,
 * third, ...): each round's retry of it succeeds. {@code --more-ports p,q,...} listens there too,
 * one host:port each for the per-host workloads.
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
    Map<String, Integer> visits = new HashMap<>();
    Handler<HttpServerRequest> handler = request -> {
      long delay = param(request, "delay", 0);
      int bytes = (int) Math.min(MAX_BYTES, param(request, "bytes", 0));
      long fail = param(request, "fail", 0);
      int status = fail > 0 && param(request, "i", 1) % fail == 0
          && visits.merge(request.uri(), 1, Integer::sum) % 2 == 1 ? 503 : 200;
      if (delay <= 0) {
        answer(request, body, bytes, status);
      } else {
        vertx.setTimer(delay, fired -> answer(request, body, bytes, status));
      }
    };
    List<Integer> ports = new ArrayList<>(List.of(port));
    String more = args.text("more-ports", "");
    if (!more.isEmpty()) {
      Arrays.stream(more.split(",")).map(Integer::valueOf).forEach(ports::add);
    }
    Future.all(ports.stream().map(each -> vertx.createHttpServer().requestHandler(handler).listen(each, "127.0.0.1")).toList())
        .onSuccess(servers -> System.out.println("origin ready on " + ports))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(1);
        });
  }

  private static long param(HttpServerRequest request, String name, long fallback) {
    String value = request.getParam(name);
    return value == null ? fallback : Long.parseLong(value);
  }

  private static void answer(HttpServerRequest request, Buffer body, int bytes, int status) {
    request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, OCTETS).end(body.slice(0, bytes));
  }
}
