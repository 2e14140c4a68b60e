package io.tandem.http;

import io.tandem.bus.Addresses;
import io.tandem.config.HttpSettings;
import io.tandem.config.ListenException;
import io.tandem.config.TandemSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP server: the tutorial's "Hello, world!" and the HTTP front of the bus services. It also
 * owns {@link Addresses#HELLO}.
 */
public final class HttpVerticle extends VerticleBase {

  private HttpServer server;
  private ApiRoutes routes;
  private int graceSeconds;

  @Override
  public Future<?> start() {
    TandemSettings all = TandemSettings.fromJson(config());
    HttpSettings settings = all.http();
    graceSeconds = all.shutdownGraceSeconds();
    routes = new ApiRoutes(vertx, all);
    server = vertx.createHttpServer(new HttpServerOptions())
        .requestHandler(routes.requestHandler(new Readiness(vertx, all)))
        .invalidRequestHandler(ErrorResponses::handleInvalidRequest)
        .connectionHandler(ClientHangUp::watch);
    return vertx.eventBus().consumer(Addresses.HELLO, new HelloService(settings.greeting())).completion()
        .compose(registered -> server.listen(settings.listener().port(), settings.listener().host())
            .recover(err -> Future.failedFuture(new ListenException("HTTP", settings.listener(), err))));
  }

  /**
   * Lets in-flight requests finish (up to the grace period); new connections are refused at once,
   * idle ones and the bridge's idle sessions are closed at once.
   */
  @Override
  public Future<?> stop() {
    routes.goAway();
    return server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  /** The port this server listens on (the real one when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
