package io.tandem.bridge;

import io.tandem.auth.Principals;
import io.tandem.config.AuthSettings;
import io.tandem.config.BridgeSettings;
import io.tandem.config.ListenException;
import io.tandem.config.VerticleConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.netty.channel.Channel;
import io.tandem.net.AcceptGate;
import io.tandem.net.CertificateReload;
import io.tandem.net.CloseNotify;
import io.tandem.net.HandshakeFailures;
import io.tandem.net.ConnectionGate;
import io.tandem.net.TlsFiles;
import io.tandem.net.VertxInternals;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.NetServerOptions;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The TCP event-bus bridge: any language that can open a socket and write JSON uses the bus
 * through it, within the {@code bridge.inbound} and {@code bridge.outbound} permission lists.
 * Tandem's own, not {@code vertx-tcp-eventbus-bridge}: the same frames, but every bad frame is
 * answered (the stock bridge goes silent after an unknown type and has no frame size limit).
 */
public final class TcpBridgeVerticle extends VerticleBase {

  private static final String OFF_MACHINE =
      "the TCP bridge serves only clients on this machine (protected mode): name who may use it in auth.tokensFile, "
          + "or set auth.protectedMode to false to open it to every client";

  private NetServer server;
  private Runnable stopReloads = () -> { };
  private int graceSeconds;

  @Override
  public Future<?> start() {
    VerticleConfig all = VerticleConfig.of(config());
    BridgeSettings settings = all.bridge();
    graceSeconds = all.shutdownGraceSeconds();
    ConnectionGate gate = ConnectionGate.of(vertx, BridgeSettings.SECTION, Integer.MAX_VALUE, settings.maxConnectionsPerClient(),
        all.unlimitedClients(), all.descriptorReserve(), false);
    BridgePolicy policy = new BridgePolicy(settings);
    AuthSettings auth = all.auth();
    // with a tokens file every client shows a token first, wherever it is; without one, protected
    // mode keeps the bridge to this machine
    boolean loopbackOnly = auth.tokensFile() == null && auth.protectedMode();
    return Principals.load(vertx, auth).compose(principals -> {
      NetServerOptions options = new NetServerOptions().setTcpNoDelay(true);
      server = vertx.createNetServer(settings.tls() ? TlsFiles.serve(options, all.tls()) : options)
        .exceptionHandler(HandshakeFailures.of(BridgeSettings.SECTION))
          .connectHandler(socket -> {
            Channel channel = VertxInternals.channel(socket);
            if (AcceptGate.admission(channel, gate) == null) {
              return; // closed, counted and logged by the gate
            }
            InetAddress remote = ConnectionGate.remoteOf(channel.remoteAddress());
            if (loopbackOnly && !remote.isLoopbackAddress()) {
              // said, then closed: a client that cannot use the bridge learns why instead of timing out
              BridgeMeters.of(vertx).tcp.refused("protected_mode");
              socket.end(Frames.encode(Frames.refused("protected_mode", OFF_MACHINE)));
              return;
            }
            if (settings.tls()) {
              CloseNotify.answer(channel);
            }
            new BridgeConnection(vertx, socket, settings, policy, principals).start();
          });
      return server.listen(settings.tcpPort(), settings.tcpHost())
          .recover(err -> Future.failedFuture(new ListenException("TCP bridge", settings.tcpListener(), err)))
          .onSuccess(listening -> {
            AcceptGate.install(VertxInternals.listening(server), gate, 0); // handed over at the handshake, which Vert.x times
            if (settings.tls()) {
              stopReloads = CertificateReload.register(vertx, options.getSslOptions(), next -> server.updateSSLOptions(next, true));
            }
          });
    });
  }

  /** Lets requests in flight get their answers (up to the grace period); each connection says goodbye itself. */
  @Override
  public Future<?> stop() {
    stopReloads.run();
    return server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  /** The port this bridge listens on (the real one when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
