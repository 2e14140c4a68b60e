package io.tandem.http;

import io.netty.channel.Channel;
import io.tandem.auth.Principals;
import io.tandem.bus.Addresses;
import io.tandem.config.AuthSettings;
import io.tandem.config.HttpSettings;
import io.tandem.config.ListenException;
import io.tandem.config.VerticleConfig;
import io.tandem.net.ConnectionGate;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP server: {@code GET /}'s greeting and the HTTP front of the bus services. It also
 * owns {@link Addresses#HELLO}.
 */
public final class HttpVerticle extends VerticleBase {

  private static final int WEBSOCKET_CLOSING_SECONDS = 2;

  private final Supplier<String> notReady;
  private HttpServer server;
  private ApiRoutes routes;
  private int graceSeconds;
  private HttpServerOptions options;
  private ConnectionGate gate;
  private RequestGuard.Sweep sweep;
  private long sweepTimer;

  /** Deployed alone, with nothing to say when the rest of a service is deployed: never ready. */
  public HttpVerticle() {
    this(() -> "verticles are still being deployed");
  }

  /** @param notReady why the process must not get traffic ({@code /ready} is 503), or null when it may */
  public HttpVerticle(Supplier<String> notReady) {
    this.notReady = notReady;
  }

  @Override
  public Future<?> start() {
    VerticleConfig all = VerticleConfig.of(config());
    HttpSettings settings = all.http();
    graceSeconds = all.shutdownGraceSeconds();
    // HTTP/1.x only: h2c (on by default in Vert.x 5) would bypass RequestGuard and ClientHangUp.
    // A WebSocket that never answers the server's close (1001 on shutdown) is cut after 2 s, not
    // Vert.x's 10: shutdown waits for it, and the close frame itself has reached the client anyway.
    options = new HttpServerOptions().setHttp2ClearTextEnabled(false).setWebSocketClosingTimeout(WEBSOCKET_CLOSING_SECONDS);
    gate = ConnectionGate.of(vertx, HttpSettings.SECTION, settings.maxConnections(), settings.maxConnectionsPerClient(),
        all.unlimitedClients(), all.descriptorReserve(), true);
    sweep = new RequestGuard.Sweep(settings.requestHeaderTimeoutMs(), settings.idleTimeoutSeconds());
    sweepTimer = vertx.setPeriodic(sweep.periodMs(), tick -> sweep.run());
    AuthSettings auth = all.auth();
    return Principals.load(vertx, auth).compose(known -> {
      routes = new ApiRoutes(vertx, settings, all.bridge(), all.fronts(), new Access(vertx, auth, known));
      server = vertx.createHttpServer(options)
          .requestHandler(routes.requestHandler(new Readiness(vertx, all.fronts(), notReady)))
          .invalidRequestHandler(ErrorResponses::handleInvalidRequest)
          .connectionHandler(this::connected);
      return vertx.eventBus().consumer(Addresses.HELLO, new HelloService(settings.greeting())).completion();
    }).compose(registered -> server.listen(settings.listener().port(), settings.listener().host())
        .recover(err -> Future.failedFuture(new ListenException("HTTP", settings.listener(), err))));
  }

  /**
   * Lets in-flight requests finish (up to the grace period); new connections are refused at once,
   * idle ones and the bridge's idle sessions are closed at once.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    routes.goAway();
    return server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  /** The port this server listens on (the real one when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** Admits a new connection (or closes it at once) and sets it up, before it reads a byte. */
  private void connected(HttpConnection connection) {
    if (!(connection instanceof Http1xServerConnection http1)) {
      connection.close(); // cannot happen with h2c off and no TLS; never serve a connection unguarded
      return;
    }
    Channel channel = http1.channelHandlerContext().channel();
    InetAddress remote = ConnectionGate.remoteOf(channel.remoteAddress());
    ConnectionGate.Admission admission = gate.admit(remote);
    if (!admission.admitted()) {
      channel.close();
      return;
    }
    channel.closeFuture().addListener(closed -> gate.release(remote, admission));
    RequestGuard.install(http1, options, sweep, admission == ConnectionGate.Admission.PROBE_ONLY, ClientHangUp.watch(http1));
  }
}
