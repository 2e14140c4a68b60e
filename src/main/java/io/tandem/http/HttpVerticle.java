package io.tandem.http;

import io.netty.channel.Channel;
import io.tandem.auth.Principals;
import io.tandem.bus.Addresses;
import io.tandem.config.AuthSettings;
import io.tandem.config.HttpSettings;
import io.tandem.config.ListenException;
import io.tandem.config.VerticleConfig;
import io.tandem.net.AcceptGate;
import io.tandem.net.CertificateReload;
import io.tandem.net.ConnectionGate;
import io.tandem.net.HandshakeFailures;
import io.tandem.net.TlsFiles;
import io.tandem.net.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.Http2ServerConnection;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP server: {@code GET /}'s greeting and the HTTP front of the bus services; HTTPS with
 * HTTP/2 through ALPN when {@code http.tls} is on. It also owns {@link Addresses#HELLO}.
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
  private int requestHeaderTimeoutMs;
  private Runnable stopReloads = () -> { };
  private int idleTimeoutSeconds;

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
    // No h2c (on by default in Vert.x 5): in clear, HTTP/1.x only, so that every connection reaches
    // RequestGuard; HTTP/2 is offered over TLS, through ALPN, and held by Http2Guard.
    // A WebSocket that never answers the server's close (1001 on shutdown) is cut after 2 s, not
    // Vert.x's 10: shutdown waits for it, and the close frame itself has reached the client anyway.
    options = new HttpServerOptions().setHttp2ClearTextEnabled(false).setWebSocketClosingTimeout(WEBSOCKET_CLOSING_SECONDS);
    if (settings.tls()) {
      // a handshake is timed like a request head; HTTP/2 streams are Http2Guard's; Vert.x's
      // defaults hold HTTP/2 headers to 8 KiB (HTTP/1's head) and resets to 200 per 30 s
      TlsFiles.serve(options, all.tls()).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setSslHandshakeTimeout(settings.requestHeaderTimeoutMs()).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
          .getInitialSettings().setMaxConcurrentStreams(Http2Guard.STREAMS);
    }
    gate = ConnectionGate.of(vertx, HttpSettings.SECTION, settings.maxConnections(), settings.maxConnectionsPerClient(),
        all.unlimitedClients(), all.descriptorReserve(), true);
    sweep = new RequestGuard.Sweep(settings.requestHeaderTimeoutMs(), settings.idleTimeoutSeconds());
    requestHeaderTimeoutMs = settings.requestHeaderTimeoutMs();
    idleTimeoutSeconds = settings.idleTimeoutSeconds();
    sweepTimer = vertx.setPeriodic(sweep.periodMs(), tick -> sweep.run());
    AuthSettings auth = all.auth();
    return Principals.load(vertx, auth).compose(known -> ApiDocuments.load(vertx).compose(documents -> {
      routes = new ApiRoutes(vertx, settings, all.bridge(), all.metrics(), all.fronts(), new Access(vertx, auth, known), documents);
      server = vertx.createHttpServer(options)
          .requestHandler(routes.requestHandler(new Readiness(vertx, all.fronts(), notReady)))
          .invalidRequestHandler(ErrorResponses::handleInvalidRequest)
          .exceptionHandler(HandshakeFailures.of(HttpSettings.SECTION))
          .connectionHandler(this::connected);
      return vertx.eventBus().consumer(Addresses.HELLO, new HelloService(settings.greeting())).completion();
    })).compose(registered -> server.listen(settings.listener().port(), settings.listener().host())
        .recover(err -> Future.failedFuture(new ListenException("HTTP", settings.listener(), err))))
        .onSuccess(listening -> {
          AcceptGate.install(VertxInternals.listening(server), gate, settings.tls() ? settings.requestHeaderTimeoutMs() : 0);
          if (settings.tls()) {
            stopReloads = CertificateReload.register(vertx, options.getSslOptions(), next -> server.updateSSLOptions(next, true));
          }
        });
  }

  /**
   * Lets in-flight requests finish (up to the grace period); new connections are refused at once,
   * idle ones and the bridge's idle sessions are closed at once.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    stopReloads.run();
    routes.goAway();
    return server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  /** The port this server listens on (the real one when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** Sets up a connection Vert.x hands over (admitted by the gate at accept), before it reads a request. */
  private void connected(HttpConnection connection) {
    if (connection instanceof Http1xServerConnection http1) {
      ConnectionGate.Admission admission = AcceptGate.admission(http1.channelHandlerContext().channel(), gate);
      if (admission != null) {
        RequestGuard.install(http1, options, sweep, admission == ConnectionGate.Admission.PROBE_ONLY, ClientHangUp.watch(http1));
      }
    } else if (connection instanceof Http2ServerConnection http2) {
      Channel channel = http2.channelHandlerContext().channel();
      ConnectionGate.Admission admission = AcceptGate.admission(channel, gate);
      InetAddress remote = ConnectionGate.remoteOf(channel.remoteAddress());
      if (admission == ConnectionGate.Admission.PROBE_ONLY) {
        // past the descriptor budget only health probes are answered, and those come over HTTP/1.1
        http2.close();
      } else if (admission != null && gate.takeMore(remote, Http2Guard.STREAMS - 1)) {
        // its streams count as connections: a client has no more requests in flight than over HTTP/1
        channel.closeFuture().addListener(closed -> gate.giveBack(remote, Http2Guard.STREAMS - 1));
        Http2Guard.install(http2, http2.channelHandlerContext(), requestHeaderTimeoutMs, idleTimeoutSeconds);
      } else if (admission != null) {
        http2.close(); // counted and logged by the gate
      }
    } else {
      connection.close(); // no other kind is configured; never serve a connection unguarded
    }
  }
}
