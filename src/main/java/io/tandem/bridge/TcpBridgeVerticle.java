package io.tandem.bridge;

import io.tandem.config.BridgeSettings;
import io.tandem.config.ListenException;
import io.tandem.config.TandemSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * The TCP event-bus bridge: any language that can open a socket and write JSON uses the bus
 * through it, within the {@code bridge.inbound} and {@code bridge.outbound} permission lists.
 * Tandem's own, not {@code vertx-tcp-eventbus-bridge}: the same frames, but every bad frame is
 * answered (the stock bridge goes silent after an unknown type and has no frame size limit).
 */
public final class TcpBridgeVerticle extends VerticleBase {

  private NetServer server;

  @Override
  public Future<?> start() {
    BridgeSettings settings = TandemSettings.fromJson(config()).bridge();
    Permissions inbound = new Permissions(settings.inbound());
    Permissions outbound = new Permissions(settings.outbound());
    server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true))
        .connectHandler(socket -> new BridgeConnection(vertx, socket, settings, inbound, outbound).start());
    return server.listen(settings.tcpPort(), settings.tcpHost())
        .recover(err -> Future.failedFuture(new ListenException("TCP bridge", settings.tcpListener(), err)));
  }

  /** The port this bridge listens on (the real one when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
