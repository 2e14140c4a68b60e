package io.tandem.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.tandem.net.HalfClose;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads an HTTP/1.x connection's requests for Vert.x and holds them to what Vert.x's decoder does
 * not: a request head must be complete within {@code http.requestHeaderTimeoutMs} (else 408 and
 * close), a keep-alive connection may sit idle {@code http.idleTimeoutSeconds}, a request whose
 * body length is ambiguous (RFC 9112 §6.1, §6.3) is answered 400 and nothing after it is read, a
 * malformed chunked body is 400 and close, and after a 413 only a little more is read.
 *
 * <p>It takes the place of Vert.x's own decoder (a subclass of it: Vert.x 5 has no hook into
 * request decoding, and Netty drops the {@code Content-Length} of a chunked request before any
 * later handler could see it). Each read of a keep-alive load passes here, so what it does per
 * read is a clock copy and one test: a head's rules run in the decoder's own hooks as the head is
 * parsed ({@link #isContentAlwaysEmpty}, called once per head), and where a connection stands
 * (between requests, in a head, answering) is asked only by the sweep, from Vert.x's connection and
 * the decoder's buffer. Time is kept without a timer per request: a {@link Sweep} per event loop
 * looks at its connections a few times per timeout. The guard is also the connection's half-close
 * handler (see {@link HalfClose}). Everything here runs on the connection's event loop.
 *
 * <p>Why so little per read: in a keep-alive {@code GET /} profile at 256 connections, a loop over
 * each read's decoded parts here (type tests, bookkeeping) cost about 2 % by itself, and made the
 * JIT stop inlining the buffer accessors of the read path it was compiled into.
 */
final class RequestGuard extends VertxHttpRequestDecoder {

  /** Why a request is refused before Vert.x routes it; {@link ErrorResponses} answers it. */
  static final class Refusal extends RuntimeException {

    final int status;

    Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(RequestGuard.class);

  /** After a 413, how much more of the body is read so that a client still sending sees the answer. */
  static final int DRAIN_BYTES = 64 * 1024;
  private static final long DRAIN_MS = 1000;
  /** A refused request whose route never answers is closed after this anyway. */
  private static final long REFUSED_CLOSE_MS = 2000;
  private static final String DECODER = "httpDecoder";
  /** A probe sends its request at once: a connection in the last of the reserve may not wait longer. */
  private static final long PROBE_HEAD_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int TRANSFER_ENCODING_LENGTH = HttpHeaderNames.TRANSFER_ENCODING.length();

  private static final int READING = 0;
  private static final int DRAINING = 1;
  private static final int DONE = 2;

  /*
   * Vert.x's connection keeps the request it is answering (null: none) and the one it is reading;
   * it has no public view of them, and watching every response on its way out instead would put a
   * handler in every request's path. Read by the sweep only. The fat jar and the tests put Vert.x
   * on the class path, where its fields may be read; if a later Vert.x drops them, the guard's
   * class fails to load and HttpVerticle's deployment fails, never a request.
   */
  private static final VarHandle RESPONSE_IN_PROGRESS = connectionField("responseInProgress");
  private static final VarHandle REQUEST_IN_PROGRESS = connectionField("requestInProgress");

  private final Sweep sweep;
  private final Http1xServerConnection connection;
  private final boolean probesOnly;
  private final Consumer<ChannelHandlerContext> onInputShutdown;
  private ChannelHandlerContext context;
  private int index = -1;

  private int mode = READING;
  /** The head the decoder is reading (its request line is read, its headers are not), or null. */
  private HttpMessage head;
  /** A head the rules refused, to be passed on failed with nothing after it; null: none. */
  private HttpMessage refused;
  /** The request being read may have a chunked body: its parts are looked at for a bad chunk. */
  private boolean chunkedBody;
  /** Sweep time a head began to be awaited (at accept, or its first byte after an answer); 0 = none. */
  private long headSince;
  /** Sweep time of the last head, or the last sweep that saw an answer: an idle connection is timed from it. */
  private long idleSince;
  /** Sweep time of the last read: a body that stops arriving is timed from it. */
  private long lastRead;
  /** A header of the head being read is named Transfer-Encoding. */
  private boolean transferEncodingNamed;
  private long drained;

  private RequestGuard(HttpServerOptions options, Sweep sweep, Http1xServerConnection connection, boolean probesOnly,
                       Consumer<ChannelHandlerContext> onInputShutdown) {
    super(options);
    this.sweep = sweep;
    this.connection = connection;
    this.probesOnly = probesOnly;
    this.onInputShutdown = onInputShutdown;
  }

  /**
   * Puts a guard in the connection's pipeline. Must run before the connection reads its first
   * bytes: from the server's connection handler, with h2c off (else the HTTP/1 pipeline is built
   * after the first read).
   *
   * @param probesOnly      the connection is past the descriptor budget: only {@code /health} and {@code /ready} are answered
   * @param onInputShutdown what the client's FIN means ({@link ClientHangUp})
   */
  static void install(Http1xServerConnection connection, HttpServerOptions options, Sweep sweep, boolean probesOnly,
                      Consumer<ChannelHandlerContext> onInputShutdown) {
    ChannelHandlerContext vertx = connection.channelHandlerContext();
    HalfClose.allow(vertx.channel());
    vertx.pipeline().replace(DECODER, DECODER, new RequestGuard(options, sweep, connection, probesOnly, onInputShutdown));
  }

  private static VarHandle connectionField(String name) {
    try {
      Class<?> type = Http1xServerConnection.class.getDeclaredField(name).getType();
      return MethodHandles.privateLookupIn(Http1xServerConnection.class, MethodHandles.lookup())
          .findVarHandle(Http1xServerConnection.class, name, type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Vert.x's Http1xServerConnection has no field " + name + ": " + e);
    }
  }

  /** After a 413: read at most {@value #DRAIN_BYTES} more bytes (or a second) of the body, then close. */
  static void closeAfterDrain(HttpServerRequest request) {
    if (request.connection() instanceof Http1xServerConnection http1
        && http1.channelHandlerContext().pipeline().get(DECODER) instanceof RequestGuard guard) {
      guard.drain();
    } else {
      request.connection().close();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    context = ctx;
    headSince = sweep.now;
    idleSince = sweep.now;
    lastRead = sweep.now;
    sweep.add(this);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    // the channel closed, or Vert.x replaced the decoder for a WebSocket, which has its own pings
    sweep.remove(this);
    if (ctx.channel().isActive()) {
      // an upgrade: only now is there WebSocket text to check, and no HTTP request pays for it;
      // in place before the bytes this decoder still holds are passed on; and a WebSocket's
      // client is gone at its FIN, not waiting for answers
      WebSocketUtf8.install(connection);
      HalfClose.closeOnFin(ctx.channel());
    }
    super.handlerRemoved0(ctx);
  }

  /** Every header name of a head passes here as it is parsed: noting Transfer-Encoding costs a length compare. */
  @Override
  protected AsciiString splitHeaderName(byte[] line, int start, int length) {
    AsciiString name = super.splitHeaderName(line, start, length);
    if (name.length() == TRANSFER_ENCODING_LENGTH && name.contentEqualsIgnoreCase(HttpHeaderNames.TRANSFER_ENCODING)) {
      transferEncodingNamed = true;
    }
    return name;
  }

  /** A head begins: its request line is read. */
  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    head = super.createMessage(initialLine);
    transferEncodingNamed = false;
    return head;
  }

  /** A head the decoder could not read: Vert.x answers it and closes; nothing more is read or timed. */
  @Override
  protected HttpMessage createInvalidMessage() {
    head = null;
    mode = DONE;
    return super.createInvalidMessage();
  }

  /**
   * Netty asks this once per head, as soon as its headers are read and before its body: the place
   * for the head's rules, at no cost to the reads that follow.
   */
  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage message) {
    head = null;
    headSince = 0;
    idleSince = sweep.now;
    chunkedBody = transferEncodingNamed;
    HttpRequest request = asRequest(message);
    refuse(request, RequestHeadRules.refusal(request, false, transferEncodingNamed, probesOnly));
    if (probesOnly && refused == null) {
      // a probe is answered and the connection closed, by Vert.x, at the answer's end
      request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return super.isContentAlwaysEmpty(message);
  }

  /** Vert.x's decoder makes DefaultHttpRequests: a class test first, not a scan of the class's interfaces. */
  private static HttpRequest asRequest(HttpMessage message) {
    return message instanceof DefaultHttpRequest request ? request : (HttpRequest) message;
  }

  /** A head with Content-Length and chunked together: Netty drops the former here, so this is where it is refused. */
  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    super.handleTransferEncodingChunkedWithContentLength(message);
    HttpRequest request = asRequest(message);
    refuse(request, RequestHeadRules.refusal(request, true, transferEncodingNamed, probesOnly));
  }

  private void refuse(HttpRequest request, Refusal refusal) {
    if (refusal == null || refused != null) {
      return;
    }
    refused = request;
    request.setDecoderResult(DecoderResult.failure(refusal));
    warn(switch (refusal.status) {
      case 503 -> "request past the descriptor budget";
      case 505 -> "unsupported HTTP version";
      default -> "ambiguous request framing";
    }, refusal.getMessage());
  }

  /** Every read: a clock copy, the decoder, one test. */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (mode != READING) {
      notReading(ctx, in, out);
      return;
    }
    lastRead = sweep.now;
    int from = out.size();
    super.decode(ctx, in, out);
    if (refused != null || chunkedBody) {
      afterRefusalOrChunks(ctx, in, out, from);
    }
  }

  /** A refused head is passed on failed, for Vert.x to answer through ErrorResponses and close; nothing after it is read. */
  private void afterRefusalOrChunks(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, int from) {
    for (int i = from; i < out.size(); i++) {
      Object part = out.get(i);
      if (part == refused) {
        refused = null;
        stop(in, out, i + 1);
        return;
      }
      if (chunkedBody && part instanceof HttpContent content) {
        if (!content.decoderResult().isSuccess()) {
          badBody(ctx, content.decoderResult().cause());
          stop(in, out, i);
          return;
        }
        if (content instanceof LastHttpContent) {
          chunkedBody = false;
        }
      }
    }
  }

  private void notReading(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (mode == DRAINING) {
      drain(ctx, in, out);
    } else {
      in.skipBytes(in.readableBytes());
    }
  }

  /** After the decoder has passed on what the client sent before its FIN. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    super.userEventTriggered(ctx, event);
    if (event instanceof ChannelInputShutdownEvent) {
      onInputShutdown.accept(ctx);
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (mode != READING) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int from = out.size();
    super.decodeLast(ctx, in, out);
    // the client closed inside a request: Vert.x sees the close itself, and a failed part would
    // only reach a route as a failure to log
    for (int i = out.size() - 1; i >= from; i--) {
      if (out.get(i) instanceof HttpObject part && !part.decoderResult().isSuccess()) {
        ReferenceCountUtil.release(out.remove(i));
      }
    }
  }

  /** A chunked body that cannot be followed: the route reading it gets a 400 to answer. */
  private void badBody(ChannelHandlerContext ctx, Throwable cause) {
    Refusal refusal = new Refusal(400, "malformed chunked body: " + describe(cause));
    warn("malformed chunked body", describe(cause));
    // the request's body reader (Vert.x Web's BodyHandler) fails the route with it; a route that
    // reads no body never answers, and the timer closes the connection
    ctx.executor().execute(() -> connection.handleException(refusal));
    ctx.executor().schedule(() -> ctx.close(), REFUSED_CLOSE_MS, TimeUnit.MILLISECONDS);
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return message.length() > 100 ? message.substring(0, 100) : message;
  }

  /** Reads nothing more as requests: parts from {@code first} on are dropped, later bytes skipped. */
  private void stop(ByteBuf in, List<Object> out, int first) {
    mode = DONE;
    for (int i = out.size() - 1; i >= first; i--) {
      ReferenceCountUtil.release(out.remove(i));
    }
    in.skipBytes(in.readableBytes());
  }

  private void drain() {
    if (mode != READING) {
      return;
    }
    if (REQUEST_IN_PROGRESS.get(connection) == null) {
      // the body was read to its end: nothing to drain
      mode = DONE;
      context.close();
      return;
    }
    mode = DRAINING;
    context.executor().schedule(() -> context.close(), DRAIN_MS, TimeUnit.MILLISECONDS);
  }

  private void drain(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    int before = in.readableBytes();
    int from = out.size();
    super.decode(ctx, in, out);
    drained += before - in.readableBytes();
    boolean ended = false;
    for (int i = out.size() - 1; i >= from; i--) {
      Object part = out.remove(i);
      ended |= part instanceof LastHttpContent || part instanceof HttpObject object && !object.decoderResult().isSuccess();
      ReferenceCountUtil.release(part);
    }
    if (ended || drained >= DRAIN_BYTES) {
      mode = DONE;
      in.skipBytes(in.readableBytes());
      ctx.close();
    }
  }

  /**
   * Called by the sweep: time out a head or a body that does not come, or a keep-alive connection
   * left idle. Where the connection stands is read here, not kept up to date on every read.
   *
   * @param previous the sweep before this one: a head first seen now began after it
   */
  private void check(long now, long previous) {
    if (mode != READING) {
      return;
    }
    Object answering = RESPONSE_IN_PROGRESS.get(connection);
    Object reading = REQUEST_IN_PROGRESS.get(connection);
    // a body being read (its head answered with 100 Continue, or not) that has stopped arriving;
    // while an earlier request is still being answered Vert.x itself holds the reads of a later one
    if (reading != null && (answering == null || answering == reading)) {
      if (now - lastRead >= sweep.headerTimeoutNanos) {
        mode = DONE;
        warn("request body stalled", "no body bytes for " + TimeUnit.NANOSECONDS.toMillis(sweep.headerTimeoutNanos)
            + " ms (http.requestHeaderTimeoutMs)");
        context.close();
      }
      return;
    }
    if (answering != null) {
      // timed from the answer's end, seen by a later sweep: at most a period early; a pipelined
      // head waits on the server, not on the client
      idleSince = now;
      headSince = 0;
      return;
    }
    if (headSince == 0 && headBegun()) {
      headSince = Math.max(previous, idleSince);
    }
    if (headSince != 0) {
      long timeout = probesOnly ? Math.min(PROBE_HEAD_NANOS, sweep.headerTimeoutNanos) : sweep.headerTimeoutNanos;
      if (now - headSince >= timeout) {
        timeOut();
      }
    } else if (sweep.idleTimeoutNanos > 0 && now - idleSince >= sweep.idleTimeoutNanos) {
      mode = DONE;
      context.close();
    }
  }

  /** Bytes of a next head have come: its request line (kept by the decoder), or a part of it (still in the buffer). */
  private boolean headBegun() {
    return head != null || actualReadableBytes() > 0;
  }

  private void timeOut() {
    mode = DONE;
    if (!headBegun()) {
      context.close(); // nothing was asked: nothing to answer
      return;
    }
    warn("request head timeout", sweep.headTimeoutMessage);
    // the same bytes for every connection: a flood's heads all expire in one sweep
    context.writeAndFlush(Unpooled.wrappedBuffer(sweep.headTimeoutAnswer)).addListener(ChannelFutureListener.CLOSE);
  }

  private void warn(String kind, String detail) {
    ClientWarnings.warn(log, kind, context.channel().remoteAddress(), detail);
  }

  /**
   * The connections of one event loop, looked at a few times per timeout: one timer per event
   * loop instead of one per request. Event-loop confined.
   */
  static final class Sweep {

    private final List<RequestGuard> guards = new ArrayList<>();
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long periodMs;
    private final String headTimeoutMessage;
    /** The whole 408, encoded once: read-only, shared by every connection of this loop. */
    private final byte[] headTimeoutAnswer;
    /** The clock requests copy: a head is timed from the sweep before its first byte, so at most a period early. */
    private long now = System.nanoTime();

    Sweep(int headerTimeoutMs, int idleTimeoutSeconds) {
      headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
      idleTimeoutNanos = TimeUnit.SECONDS.toNanos(idleTimeoutSeconds);
      long shortest = idleTimeoutSeconds == 0 ? headerTimeoutMs : Math.min(headerTimeoutMs, idleTimeoutSeconds * 1000L);
      periodMs = Math.max(10, Math.min(1000, shortest / 10));
      headTimeoutMessage = "request head not complete within " + headerTimeoutMs + " ms (http.requestHeaderTimeoutMs)";
      headTimeoutAnswer = ErrorResponses.rawAnswer(408, headTimeoutMessage);
    }

    long periodMs() {
      return periodMs;
    }

    void run() {
      long previous = now;
      now = System.nanoTime();
      for (int i = guards.size() - 1; i >= 0; i--) {
        if (i < guards.size()) {
          guards.get(i).check(now, previous);
        }
      }
    }

    private void add(RequestGuard guard) {
      guard.index = guards.size();
      guards.add(guard);
    }

    private void remove(RequestGuard guard) {
      int at = guard.index;
      if (at < 0) {
        return;
      }
      RequestGuard last = guards.remove(guards.size() - 1);
      if (last != guard) {
        guards.set(at, last);
        last.index = at;
      }
      guard.index = -1;
    }
  }
}
