package io.tandem.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetServerImpl;
import io.vertx.core.spi.cluster.ClusterManager;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;

/**
 * The one door to Vert.x 5.0.8's internal core API ({@code io.vertx.core.internal}): what Tandem
 * needs below the public API, each use in one method here and held by a test of its own
 * ({@code VertxInternalsTest}), so that a Vert.x upgrade that changes them fails there, by name.
 *
 * <p>The other internals Tandem leans on stay where they are used, for reasons of their own: the
 * HTTP edge ({@code http/RequestGuard}, {@code ClientHangUp}, {@code WebSocketUtf8},
 * {@code HttpVerticle}) is built on Vert.x's HTTP/1 connection and request decoder, which it
 * subclasses and whose fields it reads (tested in {@code RequestGuardTest} and
 * {@code VertxInternalsTest}); the launcher's signal handling uses {@code sun.misc.Signal}.
 */
public final class VertxInternals {

  /*
   * Where a listening channel is kept: the HTTP server's TCP server, the server that bound the
   * port (verticle instances on one port share the first one's), and its bind. Private fields,
   * read once per listener at start-up.
   */
  private static final VarHandle HTTP_TCP_SERVER = field(HttpServerImpl.class, "tcpServer");
  private static final VarHandle ACTUAL_SERVER = field(NetServerImpl.class, "actualServer");
  private static final VarHandle BIND_FUTURE = field(NetServerImpl.class, "bindFuture");

  private VertxInternals() {
  }

  private static VarHandle field(Class<?> owner, String name) {
    try {
      Class<?> type = owner.getDeclaredField(name).getType();
      return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Vert.x's " + owner.getSimpleName() + " has no field " + name + ": " + e);
    }
  }

  /** The channel an HTTP server listens on, once it listens: where {@link AcceptGate} goes. */
  public static Channel listening(HttpServer server) {
    return listening((NetServer) HTTP_TCP_SERVER.get(server));
  }

  /** The channel a TCP server listens on, once it listens: where {@link AcceptGate} goes. */
  @SuppressWarnings("unchecked")
  public static Channel listening(NetServer server) {
    NetServerImpl actual = (NetServerImpl) ACTUAL_SERVER.get(server);
    return ((Future<Channel>) BIND_FUTURE.get(actual)).result();
  }

  /** The Netty channel under a Vert.x socket: its real remote address, half-close, the pipeline. */
  public static Channel channel(NetSocket socket) {
    return raw(socket).channelHandlerContext().channel();
  }

  /**
   * Cuts the connection off now, dropping what is queued for it, Vert.x's and the kernel's: a reset,
   * not a FIN. Vert.x's own close waits behind the writes already queued, which a client that reads
   * nothing never lets through; a FIN would wait in the kernel behind the unread bytes too, holding
   * them as long as the client keeps its window shut. This close starts below Vert.x's handler in
   * the pipeline, with {@code SO_LINGER} 0, so Netty closes the channel at once and the kernel
   * frees its buffers.
   */
  public static void abort(NetSocket socket) {
    ChannelHandlerContext vertx = raw(socket).channelHandlerContext();
    vertx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    vertx.close();
  }

  /**
   * Puts {@code handler} in the socket's pipeline just before Vert.x's own handler, where it sees
   * every event Vert.x acts on (the idle event it closes a connection on, which it tells nobody of).
   */
  public static void addBeforeVertx(NetSocket socket, String name, ChannelHandler handler) {
    ChannelHandlerContext vertx = raw(socket).channelHandlerContext();
    vertx.pipeline().addBefore(vertx.name(), name, handler);
  }

  /**
   * The socket as Vert.x keeps it: raw Netty messages in and out, so that bytes are echoed in the
   * buffer they came in, without a copy.
   */
  public static NetSocketInternal raw(NetSocket socket) {
    return (NetSocketInternal) socket;
  }

  /** The bytes of a Vert.x buffer where they are, not copied: for checking and hashing them in place. */
  public static ByteBuf byteBuf(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }

  /** What Vert.x's metrics SPI was built with: vertx-micrometer-metrics's, holding the registry, or null. */
  public static VertxMetrics metrics(Vertx vertx) {
    return ((VertxInternal) vertx).metrics();
  }

  /** A host name through Vert.x's own asynchronous resolver (the one its clients use), never the JDK's blocking one. */
  public static Future<InetAddress> resolve(Vertx vertx, String host) {
    return ((VertxInternal) vertx).nameResolver().resolve(host);
  }

  /** The cluster manager of a clustered Vert.x (its node id, members and registrations), or null. */
  public static ClusterManager clusterManager(Vertx vertx) {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null;
  }

  /**
   * The context running now when it is {@code verticle}'s own or a duplicate of it (a request's,
   * a message's: what Vert.x's tracing and local data hang on), else {@code verticle}'s. A
   * continuation Tandem schedules itself (a permit granted, a job's answer) resumes there, on
   * the same event loop, within the work it belongs to.
   */
  public static Context currentWithin(Context verticle) {
    Context current = Vertx.currentContext();
    return current != null && ((ContextInternal) current).unwrap() == ((ContextInternal) verticle).unwrap() ? current : verticle;
  }

  /** Whether Vert.x reports this context's work to a tracer (tracing.otlpEndpoint is set). */
  public static boolean traced(Context context) {
    return ((ContextInternal) context).tracer() != null;
  }

  /** A new duplicate of {@code context}: the same event loop, local data of its own (where a trace lives). */
  public static ContextInternal duplicate(Context context) {
    return ((ContextInternal) context).duplicate();
  }
}
