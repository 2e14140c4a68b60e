package io.tandem.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What a client's FIN means on an HTTP connection.
 *
 * <p>Usually "done sending, still listening": a client may send its request and shut down its
 * side (as {@code printf 'GET / …' | nc} does), and it still gets every answer before
 * the server closes (a graceful connection shutdown, at most {@value #ANSWER_MINUTES} minutes).
 *
 * <p>But while a route that works on the client's behalf is in flight (a fetch batch), a FIN is
 * the client hanging up: nothing would otherwise notice until the next write, which may never
 * come. Such a route registers a hook; the FIN then runs it (cancel the work) and closes.
 */
final class ClientHangUp {

  private static final Logger log = LoggerFactory.getLogger(ClientHangUp.class);

  private static final long ANSWER_MINUTES = 5;
  private static final AttributeKey<Runnable> ON_HANG_UP = AttributeKey.valueOf("tandem.onHangUp");

  private ClientHangUp() {
  }

  /**
   * For the server's connection handler: sets up a new HTTP/1.x connection (HTTP/2 is not served:
   * there one connection carries many requests, and a stream has its own reset). Returns what
   * the client's FIN does, for the connection's half-close handler ({@link RequestGuard#install}).
   */
  static Consumer<ChannelHandlerContext> watch(Http1xServerConnection connection) {
    // a client that resets its connection is ordinary, not an ERROR in the log
    connection.exceptionHandler(err -> log.debug("connection from {}: {}", connection.remoteAddress(), err.toString()));
    Channel channel = connection.channelHandlerContext().channel();
    return ctx -> {
      Runnable hangUp = channel.attr(ON_HANG_UP).getAndSet(null);
      if (hangUp != null) {
        hangUp.run();
        connection.close();
      } else {
        connection.shutdown(ANSWER_MINUTES, TimeUnit.MINUTES);
      }
    };
  }

  /** Until {@link #answered}, a FIN (or a close) from this request's client runs {@code onHangUp}. */
  static void whileInFlight(HttpServerRequest request, Runnable onHangUp) {
    request.response().closeHandler(closed -> onHangUp.run());
    if (request.connection() instanceof Http1xServerConnection http1) {
      http1.channelHandlerContext().channel().attr(ON_HANG_UP).set(onHangUp);
    }
  }

  static void answered(HttpServerRequest request) {
    if (request.connection() instanceof Http1xServerConnection http1) {
      http1.channelHandlerContext().channel().attr(ON_HANG_UP).set(null);
    }
  }
}
