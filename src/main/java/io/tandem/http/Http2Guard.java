package io.tandem.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Stream;
import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Holds an HTTP/2 connection (HTTPS, negotiated through ALPN) to the timing rules
 * {@link RequestGuard} keeps for HTTP/1: a client that stops sending a request it began is cut
 * after {@code http.requestHeaderTimeoutMs}, and a connection with no request open is closed after
 * {@code http.idleTimeoutSeconds}. A request that has arrived whole is never timed: its answer
 * (a fetch batch) may take as long as it takes.
 *
 * <p>What RequestGuard checks of a head does not arise here: HTTP/2 frames a request's body
 * itself, with no Content-Length/chunked ambiguity, and Netty holds headers to
 * {@code maxHeaderListSize} (8 KiB, as HTTP/1's head), streams to {@code maxConcurrentStreams}
 * (100) and resets to Vert.x's rapid-reset limit. The preface is timed by
 * {@link io.tandem.net.AcceptGate}'s handover deadline, since Vert.x hands an HTTP/2 connection
 * over only once it has read the client's SETTINGS.
 *
 * <p>One check per connection a few times per timeout, on its event loop; per read, one field
 * store. HTTP/2 connections are few and long-lived (one per browser), so a timer each is cheap.
 */
final class Http2Guard extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(Http2Guard.class);

  private final HttpConnection connection;
  private final Http2Connection streams;
  private final long headerTimeoutNanos;
  private final long idleTimeoutNanos;
  private ChannelHandlerContext context;
  private ScheduledFuture<?> timer;
  /** Set by every read, cleared by the check: the connection is timed from the check that saw it. */
  private boolean readSinceCheck = true;
  private long lastRead = System.nanoTime();
  /** When the last request ended (or the connection began), 0 while one is open. */
  private long idleSince = System.nanoTime();
  /** The check found a request whose client has not sent all of it. */
  private boolean waitingForClient;

  private Http2Guard(HttpConnection connection, Http2Connection streams, int headerTimeoutMs, int idleTimeoutSeconds) {
    this.connection = connection;
    this.streams = streams;
    this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
    this.idleTimeoutNanos = TimeUnit.SECONDS.toNanos(idleTimeoutSeconds);
  }

  /** Sets up a new HTTP/2 connection, from the server's connection handler. */
  static void install(HttpConnection connection, ChannelHandlerContext vertx, int headerTimeoutMs, int idleTimeoutSeconds) {
    // a client that resets a stream or its connection is ordinary, not an ERROR in the log
    connection.exceptionHandler(err -> log.debug("HTTP/2 connection from {}: {}", connection.remoteAddress(), err.toString()));
    Http2ConnectionHandler codec = vertx.pipeline().get(Http2ConnectionHandler.class);
    Http2Guard guard = new Http2Guard(connection, codec.connection(), headerTimeoutMs, idleTimeoutSeconds);
    vertx.pipeline().addBefore(vertx.pipeline().context(codec).name(), "tandem-h2-guard", guard);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
    if (!ctx.channel().isActive()) {
      return; // closed before it was handed over: nothing to time
    }
    long shortest = idleTimeoutNanos == 0 ? headerTimeoutNanos : Math.min(headerTimeoutNanos, idleTimeoutNanos);
    long periodMs = Math.max(10, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(shortest) / 10));
    timer = ctx.executor().scheduleAtFixedRate(this::check, periodMs, periodMs, TimeUnit.MILLISECONDS);
    ctx.channel().closeFuture().addListener(closed -> stop());
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    readSinceCheck = true;
    ctx.fireChannelRead(message);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  private void check() {
    long now = System.nanoTime();
    if (readSinceCheck) {
      readSinceCheck = false;
      lastRead = now;
    }
    if (streams.numActiveStreams() == 0) {
      if (idleSince == 0) {
        idleSince = now;
      }
      if (idleTimeoutNanos > 0 && now - idleSince >= idleTimeoutNanos) {
        stop();
        connection.close(); // a GOAWAY, then the close
      }
      return;
    }
    idleSince = 0;
    waitingForClient = false;
    try {
      streams.forEachActiveStream(this::stillSending);
    } catch (Http2Exception e) {
      throw new IllegalStateException(e); // only a visitor throws it, and this one does not
    }
    if (waitingForClient && now - lastRead >= headerTimeoutNanos) {
      stop();
      ClientWarnings.warn(log, "HTTP/2 request stalled", context.channel().remoteAddress(),
          "no bytes for " + TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) + " ms in a request not yet complete (http.requestHeaderTimeoutMs)");
      context.close();
    }
  }

  /** Whether a stream's client still has to send (the rest of its request): visits every active stream until one does. */
  private boolean stillSending(Http2Stream stream) {
    Http2Stream.State state = stream.state();
    waitingForClient = state == Http2Stream.State.OPEN || state == Http2Stream.State.HALF_CLOSED_LOCAL;
    return !waitingForClient;
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
