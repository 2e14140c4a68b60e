package io.tandem.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The collector the tracing suite points Tandem at: it reads each OTLP/HTTP post whole and answers
 * 200 with an empty body, as a collector accepting every span does; a GET answers how many posts
 * came, for the suite to tell that spans were sent at all. It runs on the load core: what a real
 * collector costs is not Tandem's.
 */
final class OtlpSink {

  static void run(Args args) throws Exception {
    int port = args.integer("port", 4318);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    AtomicLong posts = new AtomicLong();
    vertx.createHttpServer()
        .requestHandler(request -> request.body().onComplete(read -> {
          if (request.method() == HttpMethod.POST) {
            posts.incrementAndGet();
            request.response().putHeader("Content-Type", "application/x-protobuf").end();
          } else {
            request.response().putHeader("Content-Type", "application/json").end("{\"posts\":" + posts.get() + "}");
          }
        }))
        .listen(port, "127.0.0.1").await();
    System.out.println("{\"otlpSink\":" + port + "}");
    System.out.flush();
  }
}
