package io.tandem.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;

/**
 * A TLS client that ends with {@code close_notify} gets Tandem's {@code close_notify} back, after
 * whatever is still queued for it. Netty only reports the client's; Vert.x does nothing with it, so
 * the connection stayed open, and a client that waits for the answer before it closes (Python's
 * asyncio does, then gives up after 30 s with "SSL shutdown timed out") hung.
 */
public final class CloseNotify extends ChannelInboundHandlerAdapter {

  private static final CloseNotify INSTANCE = new CloseNotify();

  private CloseNotify() {
  }

  @Override
  public boolean isSharable() {
    return true;
  }

  /** On a TLS connection, before it reads; a connection in clear is left as it is. */
  public static void answer(Channel channel) {
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls != null) {
      channel.pipeline().addAfter(channel.pipeline().context(tls).name(), "tandem-close-notify", INSTANCE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SslCloseCompletionEvent) {
      // queued writes first, then SslHandler sends close_notify on the close
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    ctx.fireUserEventTriggered(event);
  }
}
