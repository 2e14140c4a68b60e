package io.tandem.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Holds an HTTP/2 connection (HTTPS, negotiated through ALPN) to the timing rules
 * {@link RequestGuard} keeps for HTTP/1: a request whose client stops sending it (no HEADERS or
 * DATA frame of that stream for {@code http.requestHeaderTimeoutMs}) cuts the connection, and a
 * connection with no request open is closed after {@code http.idleTimeoutSeconds}. A request that
 * has arrived whole is never timed: its answer (a fetch batch) may take as long as it takes.
 * Progress is a stream's own frames: PINGs, SETTINGS or WINDOW_UPDATEs keep nothing alive.
 *
 * <p>What RequestGuard checks of a head does not arise here: HTTP/2 frames a request's body
 * itself, with no Content-Length/chunked ambiguity, and Netty holds headers to
 * {@code maxHeaderListSize} (8 KiB, as HTTP/1's head), streams to {@code maxConcurrentStreams}
 * ({@link #STREAMS}, each counted against {@code http.maxConnectionsPerClient} by the verticle)
 * and resets to Vert.x's rapid-reset limit. The preface is timed by
 * {@link io.tandem.net.AcceptGate}'s handover deadline, since Vert.x hands an HTTP/2 connection
 * over only once it has read the client's SETTINGS.
 *
 * <p>A check per connection a few times per timeout, on its event loop, and a store per HEADERS
 * or DATA frame; HTTP/2 connections are few and long-lived (one per browser), so a timer each is cheap.
 */
final class Http2Guard {

  /**
   * Requests one HTTP/2 connection may have open at once. A connection of 16 streams counts as 16
   * connections against {@code http.maxConnectionsPerClient}, so HTTP/2 lets a client have no
   * more requests (and request bodies) in flight than HTTP/1 does.
   */
  static final int STREAMS = 16;

  private static final Logger log = LoggerFactory.getLogger(Http2Guard.class);

  private final HttpConnection connection;
  private final ChannelHandlerContext context;
  private final Http2Connection streams;
  /** Each stream's last progress, in this guard's clock, as a {@code long[1]} (no boxing per frame). */
  private final Http2Connection.PropertyKey progress;
  private final long headerTimeoutNanos;
  private final long idleTimeoutNanos;
  private ScheduledFuture<?> timer;
  /** The clock frames copy: read once per check, not per frame. */
  private long now = System.nanoTime();
  /** When the last request ended (or the connection began), 0 while one is open. */
  private long idleSince = now;
  /** Set by the visit of the streams: one of them has stalled. */
  private boolean stalled;

  private Http2Guard(HttpConnection connection, ChannelHandlerContext context, Http2Connection streams, int headerTimeoutMs,
                     int idleTimeoutSeconds) {
    this.connection = connection;
    this.context = context;
    this.streams = streams;
    this.progress = streams.newKey();
    this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
    this.idleTimeoutNanos = TimeUnit.SECONDS.toNanos(idleTimeoutSeconds);
  }

  /** Sets up a new HTTP/2 connection, from the server's connection handler, on its event loop. */
  static void install(HttpConnection connection, ChannelHandlerContext vertx, int headerTimeoutMs, int idleTimeoutSeconds) {
    // a client that resets a stream or its connection is ordinary, not an ERROR in the log
    connection.exceptionHandler(err -> log.debug("HTTP/2 connection from {}: {}", connection.remoteAddress(), err.getClass().getName()));
    if (!vertx.channel().isActive()) {
      return; // closed before it was handed over: nothing to time
    }
    Http2ConnectionHandler codec = vertx.pipeline().get(Http2ConnectionHandler.class);
    Http2Guard guard = new Http2Guard(connection, vertx, codec.connection(), headerTimeoutMs, idleTimeoutSeconds);
    Http2ConnectionDecoder decoder = codec.decoder();
    decoder.frameListener(guard.new Progress(decoder.frameListener()));
    guard.start();
  }

  private void start() {
    long shortest = idleTimeoutNanos == 0 ? headerTimeoutNanos : Math.min(headerTimeoutNanos, idleTimeoutNanos);
    long periodMs = Math.max(10, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(shortest) / 10));
    timer = context.executor().scheduleAtFixedRate(this::check, periodMs, periodMs, TimeUnit.MILLISECONDS);
    context.channel().closeFuture().addListener(closed -> timer.cancel(false));
  }

  /** A stream's HEADERS or DATA arrived: it is progressing. */
  private void progressed(int streamId) {
    Http2Stream stream = streams.stream(streamId);
    if (stream != null) {
      long[] last = stream.getProperty(progress);
      if (last == null) {
        stream.setProperty(progress, new long[] {now});
      } else {
        last[0] = now;
      }
    }
  }

  private void check() {
    now = System.nanoTime();
    if (streams.numActiveStreams() == 0) {
      if (idleSince == 0) {
        idleSince = now;
      }
      if (idleTimeoutNanos > 0 && now - idleSince >= idleTimeoutNanos) {
        timer.cancel(false);
        connection.close(); // a GOAWAY, then the close
      }
      return;
    }
    idleSince = 0;
    stalled = false;
    try {
      streams.forEachActiveStream(this::stillProgressing);
    } catch (Http2Exception e) {
      throw new IllegalStateException(e); // only a visitor throws it, and this one does not
    }
    if (stalled) {
      timer.cancel(false);
      ClientWarnings.warn(log, "HTTP/2 request stalled", context.channel().remoteAddress(),
          "no frame of a request not yet complete for " + TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos)
              + " ms (http.requestHeaderTimeoutMs)");
      context.close();
    }
  }

  /** Whether to visit on: false once a stream whose client still has to send has not progressed in time. */
  private boolean stillProgressing(Http2Stream stream) {
    Http2Stream.State state = stream.state();
    if (state != Http2Stream.State.OPEN && state != Http2Stream.State.HALF_CLOSED_LOCAL) {
      return true; // its request is whole: only the answer is pending
    }
    long[] last = stream.getProperty(progress);
    if (last == null) {
      stream.setProperty(progress, new long[] {now});
      return true;
    }
    stalled = now - last[0] >= headerTimeoutNanos;
    return !stalled;
  }

  /** Vert.x's frame listener, with each stream's HEADERS and DATA noted on their way to it. */
  private final class Progress extends Http2FrameListenerDecorator {

    Progress(io.netty.handler.codec.http2.Http2FrameListener vertx) {
      super(vertx);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
        throws Http2Exception {
      progressed(streamId);
      return super.onDataRead(ctx, streamId, data, padding, endOfStream);
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream)
        throws Http2Exception {
      super.onHeadersRead(ctx, streamId, headers, padding, endOfStream);
      progressed(streamId);
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency, short weight,
                              boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
      super.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endOfStream);
      progressed(streamId);
    }
  }
}
