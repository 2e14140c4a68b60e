package io.tandem.echo;

import io.tandem.net.LineRate;
import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.TcpMessages;
import io.tandem.config.ListenException;
import io.tandem.config.VerticleConfig;
import io.tandem.config.TcpSettings;
import io.tandem.net.AcceptGate;
import io.tandem.net.CertificateReload;
import io.tandem.net.CloseNotify;
import io.tandem.net.HandshakeFailures;
import io.tandem.net.ConnectionGate;
import io.tandem.net.TlsFiles;
import io.tandem.net.LogLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.tandem.net.VertxInternals;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The TCP echo server: each byte comes back to its sender, a broadcast reaches every client, and
 * each connection's comings, goings and lines are published ({@link Addresses#TCP_CONNECTIONS},
 * {@link Addresses#TCP_MESSAGES}). It also serves {@link Addresses#ECHO}, and
 * {@link Addresses#TCP_SEND} through {@link TcpSends}, which finds a connection on any node.
 */
public final class TcpEchoVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(TcpEchoVerticle.class);

  /** This instance's connections, for broadcasts; event-loop confined. */
  private final Map<String, EchoConnection> mine = new HashMap<>();
  private TcpSettings settings;
  private int graceSeconds;
  private TcpConnections connections;
  /** Per client and descriptors; {@link TcpConnections} keeps tcp.maxConnections. */
  private ConnectionGate gate;
  private EventBus bus;
  private NetServer server;
  private Runnable stopReloads = () -> { };
  /** What this instance's connections may publish together; event-loop confined like them. */
  private LineRate instanceLines;
  private EchoMeters meters;
  private final LogLimit refusalLog = new LogLimit();
  /** Bridge clients may publish broadcasts (bridge.inbound): their mistakes are logged at most once a second. */
  private final LogLimit malformedLog = new LogLimit();

  @Override
  public Future<?> start() {
    VerticleConfig all = VerticleConfig.of(config());
    settings = all.tcp();
    graceSeconds = all.shutdownGraceSeconds();
    connections = TcpConnections.of(vertx);
    meters = EchoMeters.of(vertx);
    gate = ConnectionGate.of(vertx, TcpSettings.SECTION, Integer.MAX_VALUE, settings.maxConnectionsPerClient(),
        all.unlimitedClients(), all.descriptorReserve(), false);
    bus = vertx.eventBus();
    TcpSends sends = new TcpSends(bus, connections, vertx.isClustered());
    instanceLines = new LineRate(settings.maxInstanceLinesPerSecond(), System::nanoTime, null);
    NetServerOptions options = new NetServerOptions()
        .setIdleTimeout(settings.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setTcpNoDelay(true);
    server = vertx.createNetServer(settings.tls() ? TlsFiles.serve(options, all.tls()) : options)
        .exceptionHandler(HandshakeFailures.of(TcpSettings.SECTION))
        .connectHandler(this::accept);
    return Future.all(
            bus.consumer(Addresses.ECHO, this::echo).completion(),
            bus.consumer(Addresses.TCP_SEND, sends::send).completion(),
            bus.consumer(Addresses.TCP_SEND_NODE + connections.node(), sends::sendHere).completion(),
            bus.consumer(Addresses.TCP_BROADCAST, this::broadcast).completion())
        .compose(registered -> server.listen(settings.listener().port(), settings.listener().host())
            .recover(err -> Future.failedFuture(new ListenException("TCP echo", settings.listener(), err))))
        .onSuccess(listening -> {
          AcceptGate.install(VertxInternals.listening(server), gate, 0); // handed over at the handshake, which Vert.x times
          if (settings.tls()) {
            stopReloads = CertificateReload.register(vertx, options.getSslOptions(), next -> server.updateSSLOptions(next, true));
          }
        });
  }

  @Override
  public Future<?> stop() {
    stopReloads.run();
    // each socket's shutdown handler ends it once its pending echo is written
    return server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  /** The port this server listens on (the real one when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void accept(NetSocket socket) {
    String remote = format(socket.remoteAddress());
    if (AcceptGate.admission(VertxInternals.channel(socket), gate) == null) {
      return; // closed, counted and logged by the gate
    }
    String id = connections.admit(settings.maxConnections());
    if (id == null) {
      meters.refused.increment();
      socket.close();
      logRefusal(remote);
      return;
    }
    LineFramer lines = settings.publishMessages()
        ? new LineFramer(settings.maxLineBytes(), new LineRate(settings.maxLinesPerSecond(), System::nanoTime, instanceLines),
            (text, truncated, skippedBytes) -> {
              bus.publish(Addresses.TCP_MESSAGES, TcpMessages.line(id, remote, text, truncated, skippedBytes));
              meters.published.increment();
              if (skippedBytes > 0) {
                meters.skippedBytes.increment(skippedBytes);
              }
            })
        : null;
    if (settings.tls()) {
      CloseNotify.answer(VertxInternals.channel(socket));
    }
    EchoConnection connection = new EchoConnection(VertxInternals.raw(socket), lines);
    mine.put(id, connection);
    connections.register(id, socket);
    if (settings.idleTimeoutSeconds() > 0) {
      VertxInternals.addBeforeVertx(socket, "tandem-idle-watch", meters.idleWatch);
    }
    socket.closeHandler(closed -> {
      if (lines != null && lines.skippedBytes() > 0) {
        meters.skippedBytes.increment(lines.skippedBytes()); // skipped after its last published line
      }
      mine.remove(id);
      connections.release(id);
      bus.publish(Addresses.TCP_CONNECTIONS, TcpMessages.connectionEvent(TcpMessages.DISCONNECTED, id, remote));
    });
    socket.exceptionHandler(err -> log.atDebug().addKeyValue("connection", id).log("connection {} from {}: {}", id, remote, err.toString()));
    connection.start();
    bus.publish(Addresses.TCP_CONNECTIONS, TcpMessages.connectionEvent(TcpMessages.CONNECTED, id, remote));
  }

  private void echo(Message<Object> message) {
    if (message.headers().isEmpty()) {
      // the common case: no options object to build for every reply
      message.reply(message.body());
    } else {
      message.reply(message.body(), new DeliveryOptions().setHeaders(message.headers()));
    }
  }

  private void broadcast(Message<Object> message) {
    String text;
    try {
      text = TcpMessages.readBroadcast(message.body());
    } catch (BusException e) {
      if (malformedLog.allows()) {
        log.warn("dropped a malformed {} message: {}{}", Addresses.TCP_BROADCAST, e.getMessage(), malformedLog.heldBackNote());
      }
      return;
    }
    Buffer line = Buffer.buffer(text + "\n");
    for (EchoConnection connection : mine.values()) {
      connection.write(line);
    }
  }

  private void logRefusal(String remote) {
    if (refusalLog.allows()) {
      log.warn("refused TCP connection from {}: tcp.maxConnections ({}) reached; {} refused so far",
          remote, settings.maxConnections(), connections.refusedCount());
    }
  }

  static String format(SocketAddress address) {
    String host = address.hostAddress() != null ? address.hostAddress() : address.host();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.port();
  }
}
