package io.tandem.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;

import java.util.function.Consumer;

/**
 * Lets a client shut down its write side (send FIN) and still get its answer.
 *
 * <p>By default Netty closes a channel the moment it reads the peer's FIN, and that close drops
 * whatever is still queued for the client: the tail of an echo, the answer to a request. Vert.x 5
 * has no option for half-closure, so this turns Netty's on for one connection and hands the
 * input-shutdown event to the server, which finishes its work and then closes.
 *
 * <p>A subclass may also watch what the server writes (the HTTP server sees its responses end
 * here): every request crosses every handler in the pipeline, so one handler for both costs less
 * than two. Netty skips the methods a subclass does not override.
 */
public class HalfClose extends ChannelDuplexHandler {

  private final Consumer<ChannelHandlerContext> onInputShutdown;

  protected HalfClose(Consumer<ChannelHandlerContext> onInputShutdown) {
    this.onInputShutdown = onInputShutdown;
  }

  /**
   * Must run on the connection's event loop before it reads its first bytes (a connect handler).
   *
   * @param connection      the context of Vert.x's handler at the end of the pipeline
   * @param onInputShutdown runs on the event loop, after every byte the client sent was read
   */
  public static void enable(ChannelHandlerContext connection, Consumer<ChannelHandlerContext> onInputShutdown) {
    enable(connection, new HalfClose(onInputShutdown));
  }

  /** The same with a subclass of this handler. */
  public static void enable(ChannelHandlerContext connection, HalfClose handler) {
    connection.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    connection.pipeline().addBefore(connection.name(), "tandem-half-close", handler);
  }

  @Override
  public final void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent) {
      onInputShutdown.accept(ctx);
    }
    ctx.fireUserEventTriggered(event);
  }
}
