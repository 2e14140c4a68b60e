package io.tandem.echo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.tandem.config.TcpSettings;
import io.tandem.metrics.Metrics;
import io.tandem.net.ConnectionGate;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

/**
 * The TCP echo's meters, one set per Vert.x instance for all its echo instances: lines published
 * to {@code tandem.tcp.messages}, input skipped over the line rates, connections closed idle and
 * refused at {@code tcp.maxConnections} (the others are the connection gate's).
 */
final class EchoMeters implements Shareable {

  final Counter published;
  final Counter skippedBytes;
  /** Connections refused at {@code tcp.maxConnections}, which the echo counts itself (its gate has no such cap). */
  final Counter refused;
  /** Sees the idle event Vert.x closes a connection on ({@code tcp.idleTimeoutSeconds}), which Vert.x tells nobody of. */
  final ChannelHandler idleWatch;

  private EchoMeters(MeterRegistry registry) {
    published = Counter.builder("tandem.tcp.lines.published").description("Lines published to tandem.tcp.messages")
        .register(registry);
    skippedBytes = Counter.builder("tandem.tcp.skipped").baseUnit("bytes")
        .description("Input not published because its connection or the process was over tcp.max*LinesPerSecond").register(registry);
    Counter closedIdle = Counter.builder("tandem.connections.closed.idle").description("Connections closed for saying nothing, by listener")
        .tag(ConnectionGate.LISTENER, TcpSettings.SECTION).register(registry);
    refused = ConnectionGate.refusalCounter(registry, TcpSettings.SECTION, ConnectionGate.MAX_CONNECTIONS);
    idleWatch = new IdleWatch(closedIdle);
  }

  static EchoMeters of(Vertx vertx) {
    return Metrics.shared(vertx, "tcp", EchoMeters::new);
  }

  @ChannelHandler.Sharable
  private static final class IdleWatch extends ChannelInboundHandlerAdapter {

    private final Counter closedIdle;

    IdleWatch(Counter closedIdle) {
      this.closedIdle = closedIdle;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent) {
        closedIdle.increment();
      }
      ctx.fireUserEventTriggered(event);
    }
  }
}
