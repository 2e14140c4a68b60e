package io.tandem.echo;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.internal.net.NetSocketInternal;

/**
 * Lets a client shut down its write side and still get every byte echoed.
 *
 * <p>By default Netty closes a channel the moment it reads the peer's FIN, and a close drops the
 * echo bytes still queued for a slow reader. Vert.x 5 has no option for half-closure, so this
 * turns Netty's on for the socket and converts the resulting input-shutdown event into
 * {@link #END_OF_INPUT}, a message that travels the socket's inbound queue behind the data read
 * before it. The echo sees it only after echoing all of that data and then ends the socket,
 * which flushes the queue before closing.
 */
@ChannelHandler.Sharable
final class HalfClose extends ChannelInboundHandlerAdapter {

  /** Delivered to the socket's message handler once all data before the client's FIN. */
  static final Object END_OF_INPUT = new Object() {
    @Override
    public String toString() {
      return "END_OF_INPUT";
    }
  };

  private static final HalfClose INSTANCE = new HalfClose();

  /** Must run on the socket's event loop, before it reads its first bytes (the connect handler). */
  static void enable(NetSocketInternal socket) {
    ChannelHandlerContext handler = socket.channelHandlerContext();
    handler.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    handler.pipeline().addBefore("handler", "tandem-half-close", INSTANCE);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent) {
      ctx.fireChannelRead(END_OF_INPUT);
      // ends Vert.x's read batch, as Netty does after real reads, so queued writes get flushed
      ctx.fireChannelReadComplete();
    }
    ctx.fireUserEventTriggered(event);
  }
}
