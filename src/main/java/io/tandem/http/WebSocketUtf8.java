package io.tandem.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.impl.Http1xServerConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails a WebSocket whose text is not UTF-8 with close code 1007, as RFC 6455 section 8.1 requires.
 * Vert.x adds no such check: it decodes a text message with replacement, so bad bytes reached the
 * SockJS bridge (and a client's answer) as U+FFFD. Netty's validator does the checking, across
 * fragments too; this answers with the close frame (1007) and closes, and does what Tandem does
 * with client garbage: one WARN line, no stack trace, nothing more read from the connection.
 *
 * <p>Put in front of Vert.x's handler when a connection is upgraded ({@link RequestGuard} sees its
 * decoder replaced), so that plain HTTP requests never pass through it; it sees the frames once any
 * permessage-deflate decoder (which Netty puts right after Vert.x's extension handler, ahead of
 * this) has inflated them.
 */
final class WebSocketUtf8 extends Utf8FrameValidator {

  private static final Logger log = LoggerFactory.getLogger(WebSocketUtf8.class);
  private static final String NAME = "tandem-websocket-utf8";

  private boolean failed;

  private WebSocketUtf8() {
    // not Netty's own close: it goes through Vert.x's handler, which takes it for its WebSocket's
    // closing handshake and keeps the connection for webSocketClosingTimeout (10 s) after a 1000
    super(false);
  }

  static void install(Http1xServerConnection connection) {
    ChannelHandlerContext vertx = connection.channelHandlerContext();
    ChannelPipeline pipeline = vertx.pipeline();
    pipeline.addBefore(vertx.name(), NAME, new WebSocketUtf8());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      super.channelRead(ctx, msg);
    } catch (CorruptedWebSocketFrameException e) {
      // thrown by the validator itself (a handler further on reports its own failures), the frame
      // released; from here the close goes only through the handlers before this one
      failed = true;
      ClientWarnings.warn(log, "WebSocket closed (1007)", ctx.channel().remoteAddress(), "a text frame that is not UTF-8");
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "text is not UTF-8"))
          .addListener(written -> ctx.close());
    }
  }
}
