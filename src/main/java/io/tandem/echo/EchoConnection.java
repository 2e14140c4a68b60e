package io.tandem.echo;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.tandem.net.HalfClose;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;

/**
 * One client connection: echoes every byte back unchanged, with backpressure, and feeds the
 * optional line view. Confined to the connection's event loop.
 *
 * <p>It takes Netty's buffers as they are read ({@code messageHandler}) and writes the same
 * buffers back: no copy on the hot path, unlike {@code handler(Buffer)}, which copies each read
 * into a heap buffer. The buffer's ownership passes to the write, which releases it.
 *
 * <p>Backpressure: when the socket's write queue is full (the client is not reading), reading
 * from the client stops until the queue drains, so the server holds at most about one write
 * queue per connection however much the client pushes.
 */
final class EchoConnection {

  private final NetSocketInternal socket;
  private final LineFramer lines;

  /** @param lines the line view, or null when lines are not published */
  EchoConnection(NetSocketInternal socket, LineFramer lines) {
    this.socket = socket;
    this.lines = lines;
  }

  void start() {
    HalfClose.enableInBand(socket.channelHandlerContext());
    socket.messageHandler(this::handleMessage);
    socket.drainHandler(drained -> socket.resume());
    // server shutting down: close once the echo already queued is written
    socket.shutdownHandler(shutdown -> socket.end());
  }

  /** Writes a line the bus asked for (broadcast); thread-safe. */
  void write(Buffer line) {
    socket.write(line);
  }

  private void handleMessage(Object message) {
    if (message instanceof ByteBuf data) {
      if (lines != null) {
        lines.feed(data);
      }
      socket.writeMessage(data);
      if (socket.writeQueueFull()) {
        socket.pause();
      }
    } else if (message == HalfClose.END_OF_INPUT) {
      // everything the client sent before its FIN is echoed (or queued): flush, then close
      socket.end();
    } else {
      ReferenceCountUtil.release(message);
    }
  }
}
