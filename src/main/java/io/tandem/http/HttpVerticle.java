package io.tandem.http;

import io.tandem.bus.Addresses;
import io.tandem.config.HttpSettings;
import io.tandem.config.ListenException;
import io.tandem.config.TandemSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.tandem.net.HalfClose;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerConnection;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP server: the tutorial's "Hello, world!" and the HTTP front of the bus services. It also
 * owns {@link Addresses#HELLO}.
 */
public final class HttpVerticle extends VerticleBase {

  private static final long HALF_CLOSED_ANSWER_MINUTES = 5;

  private HttpServer server;
  private int graceSeconds;

  @Override
  public Future<?> start() {
    TandemSettings all = TandemSettings.fromJson(config());
    HttpSettings settings = all.http();
    graceSeconds = all.shutdownGraceSeconds();
    server = vertx.createHttpServer(new HttpServerOptions())
        .requestHandler(new ApiRoutes(vertx, settings).router(new Readiness(vertx, all)))
        .invalidRequestHandler(ErrorResponses::handleInvalidRequest)
        .connectionHandler(HttpVerticle::answerHalfClosedClients);
    return vertx.eventBus().consumer(Addresses.HELLO, new HelloService(settings.greeting())).completion()
        .compose(registered -> server.listen(settings.listener().port(), settings.listener().host())
            .recover(err -> Future.failedFuture(new ListenException("HTTP", settings.listener(), err))));
  }

  /** Lets in-flight requests finish (up to the grace period); new connections are refused at once. */
  @Override
  public Future<?> stop() {
    return server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  /**
   * A client may send its request and shut down its side, as the tutorial's server allows by
   * reading to EOF: answer what it sent, then close. Shutting the connection down does exactly
   * that: in-flight requests finish (for at most {@value #HALF_CLOSED_ANSWER_MINUTES} minutes).
   */
  private static void answerHalfClosedClients(HttpConnection connection) {
    if (connection instanceof HttpServerConnection http1) {
      HalfClose.enable(http1.channelHandlerContext(),
          ctx -> connection.shutdown(HALF_CLOSED_ANSWER_MINUTES, TimeUnit.MINUTES));
    }
  }

  /** The port this server listens on (the real one when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
