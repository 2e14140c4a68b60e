package io.tandem.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * The ceiling: what a Vert.x user writes in a few lines with no framework around it — a
 * NetServer echo with backpressure and an HttpServer without a Router answering "Hello, world!"
 * (after {@code ?delay=ms}, like Tandem's {@code GET /}). Same instance rule as Tandem: one
 * instance per available core.
 */
final class BareServers {

  private static final Buffer HELLO = Buffer.buffer("Hello, world!");
  private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain; charset=utf-8");

  static void run(Args args) {
    int echoPort = args.integer("echo-port", 9080);
    int httpPort = args.integer("http-port", 9888);
    int instances = args.integer("instances", Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx();
    DeploymentOptions options = new DeploymentOptions().setInstances(instances);
    Future.all(
            vertx.deployVerticle(() -> new Echo(echoPort), options),
            vertx.deployVerticle(() -> new Hello(httpPort), options))
        .onSuccess(done -> System.out.println("bare ready: echo " + echoPort + ", http " + httpPort
            + " (" + instances + " instances)"))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(1);
        });
  }

  static final class Echo extends VerticleBase {
    private final int port;

    Echo(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      return vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true))
          .connectHandler(Echo::echo)
          .listen(port);
    }

    private static void echo(NetSocket socket) {
      socket.handler(data -> {
        socket.write(data);
        if (socket.writeQueueFull()) {
          socket.pause();
          socket.drainHandler(drained -> socket.resume());
        }
      });
    }
  }

  static final class Hello extends VerticleBase {
    private final int port;

    Hello(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer().requestHandler(this::hello).listen(port);
    }

    private void hello(HttpServerRequest request) {
      String delay = request.query() == null ? null : request.getParam("delay");
      if (delay == null) {
        answer(request);
      } else {
        vertx.setTimer(Math.max(1, Long.parseLong(delay)), fired -> answer(request));
      }
    }

    private static void answer(HttpServerRequest request) {
      request.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN).end(HELLO);
    }
  }
}
