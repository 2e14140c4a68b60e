package io.tandem.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;

import java.util.function.Consumer;

/**
 * Lets a client shut down its write side (send FIN) and still get its answer.
 *
 * <p>By default Netty closes a channel the moment it reads the peer's FIN, and that close drops
 * whatever is still queued for the client: the tail of an echo, the answer to a request. Vert.x 5
 * has no option for half-closure, so this turns Netty's on for one connection and hands the
 * input-shutdown event to the server, which finishes its work and then closes. A handler that is
 * in the pipeline anyway may take the event itself after {@link #allow} (the HTTP server's request
 * decoder does: every request crosses every handler, and a handler fewer is a hop fewer).
 */
public final class HalfClose extends ChannelInboundHandlerAdapter {

  /**
   * Travels the connection's inbound queue behind the data read before the client's FIN
   * ({@link #enableInBand}), so a handler meets it only after all of that data, however long
   * backpressure held it.
   */
  public static final Object END_OF_INPUT = new Object() {
    @Override
    public String toString() {
      return "END_OF_INPUT";
    }
  };

  private final Consumer<ChannelHandlerContext> onInputShutdown;

  private HalfClose(Consumer<ChannelHandlerContext> onInputShutdown) {
    this.onInputShutdown = onInputShutdown;
  }

  /**
   * Must run on the connection's event loop before it reads its first bytes (a connect handler).
   *
   * @param connection      the context of Vert.x's handler at the end of the pipeline
   * @param onInputShutdown runs on the event loop, after every byte the client sent was read
   */
  public static void enable(ChannelHandlerContext connection, Consumer<ChannelHandlerContext> onInputShutdown) {
    allow(connection.channel());
    connection.pipeline().addBefore(connection.name(), "tandem-half-close", new HalfClose(onInputShutdown));
  }

  /**
   * As {@link #enable}, the client's FIN arriving as {@link #END_OF_INPUT} in the connection's own
   * stream of messages (a {@code messageHandler}), after everything it sent before.
   */
  public static void enableInBand(ChannelHandlerContext connection) {
    enable(connection, HalfClose::sendEndOfInput);
  }

  private static void sendEndOfInput(ChannelHandlerContext ctx) {
    ctx.fireChannelRead(END_OF_INPUT);
    // ends Vert.x's read batch, as Netty does after real reads, so queued writes get flushed
    ctx.fireChannelReadComplete();
  }

  /** Netty's half-closure on, for a handler that takes the {@link ChannelInputShutdownEvent} itself. */
  public static void allow(Channel channel) {
    channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
  }

  /**
   * Back to Netty's default, closing the channel at the client's FIN: for a connection upgraded to
   * a WebSocket, where a FIN without a close frame is the end of the connection (RFC 6455 §7.1.5).
   */
  public static void closeOnFin(Channel channel) {
    channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent) {
      onInputShutdown.accept(ctx);
    }
    ctx.fireUserEventTriggered(event);
  }
}
