package io.tandem.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The limit above the ceiling: the same two servers as {@link BareServers}, written straight on
 * the Netty that Vert.x runs on (4.2, from target/tandem.jar), so that the report can say how close
 * Tandem comes to what this JVM and transport give a server at all. Tandem's target is a share of this.
 *
 * <p>It is written as a Netty user would write a fast server, but with what Vert.x brings along and
 * nothing more, so that the gap it shows is the cost of the layers above Netty, not of a different
 * transport: the NIO transport (no native transport is on the class path), Netty's default
 * allocator ({@link ByteBufAllocator#DEFAULT}, which Vert.x's servers read into too), TCP_NODELAY,
 * and as many event-loop threads as available cores, Tandem's and the bare references' instance
 * rule. One group accepts and serves: the harness gives every server one core, where a separate
 * acceptor thread would only take turns with the event loop.
 */
final class NettyServers {

  private static final byte[] HELLO_BYTES = "Hello, world!".getBytes(StandardCharsets.US_ASCII);
  /** One copy of the body, never freed; each answer writes a view of it with its own indices. */
  private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
      Unpooled.directBuffer(HELLO_BYTES.length).writeBytes(HELLO_BYTES));
  private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
  private static final AsciiString HELLO_LENGTH = AsciiString.cached(Integer.toString(HELLO_BYTES.length));
  /** The answer's headers are constants written here, so nothing needs validating per request. */
  private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  static void run(Args args) {
    String host = args.text("host", "127.0.0.1");
    int echoPort = args.integer("echo-port", 9080);
    int httpPort = args.integer("http-port", 9888);
    int threads = args.integer("event-loops", Runtime.getRuntime().availableProcessors());
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    try {
      server(group, new ChannelInitializer<>() {
        @Override
        protected void initChannel(SocketChannel channel) {
          channel.pipeline().addLast(Echo.INSTANCE);
        }
      }).bind(host, echoPort).sync();
      server(group, new ChannelInitializer<>() {
        @Override
        protected void initChannel(SocketChannel channel) {
          channel.pipeline().addLast(new HttpServerCodec(), Hello.INSTANCE);
        }
      }).bind(host, httpPort).sync();
    } catch (Exception e) {
      // the event loops would keep the JVM up: the harness reads "Address already in use" and retries
      System.err.println("raw Netty: cannot listen: " + e);
      System.exit(1);
    }
    System.out.println("raw Netty ready: echo " + echoPort + ", http " + httpPort + " (" + threads
        + " event loop" + (threads == 1 ? "" : "s") + ", NIO, " + ByteBufAllocator.DEFAULT.getClass().getSimpleName() + ")");
  }

  private static ServerBootstrap server(EventLoopGroup group, ChannelInitializer<SocketChannel> pipeline) {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(pipeline);
  }

  /**
   * Writes back each read as it came (the buffer itself: no copy); the reads of one turn of the
   * event loop go out in one flush. Backpressure as Vert.x's pause/drain: a reader that does not
   * keep up makes the channel unwritable (Netty's default high-water mark, 64 KiB), and then
   * nothing more is read from it until its backlog is written.
   */
  @ChannelHandler.Sharable
  static final class Echo extends ChannelInboundHandlerAdapter {
    static final Echo INSTANCE = new Echo();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
      Channel channel = ctx.channel();
      if (!channel.isWritable()) {
        channel.config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Channel channel = ctx.channel();
      if (channel.isWritable()) {
        channel.config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a client gone mid-write (the load generators halt): nothing to report
    }
  }

  /**
   * HTTP/1.1 "Hello, world!" with keep-alive, {@code ?delay=ms} answered after a timer on the
   * connection's own event loop, as {@link BareServers.Hello} does. Every part the codec hands over
   * (a request's head, its body's chunks) is released once read; only the head is answered.
   * Answers written while reading go out in one flush when the read is done.
   */
  @ChannelHandler.Sharable
  static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
    static final Hello INSTANCE = new Hello();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject part) {
      if (!(part instanceof HttpRequest request)) {
        return;
      }
      if (request.decoderResult().isFailure()) {
        FullHttpResponse bad = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
            Unpooled.EMPTY_BUFFER, HEADERS, HEADERS);
        bad.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      HttpVersion version = request.protocolVersion();
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      long delay = delayMs(request.uri());
      if (delay < 0) {
        answer(ctx, version, keepAlive, false);
      } else {
        ctx.executor().schedule(() -> answer(ctx, version, keepAlive, true), delay, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private static void answer(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, boolean flush) {
      FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, HELLO.duplicate(),
          HEADERS, HEADERS);
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
          .set(HttpHeaderNames.CONTENT_LENGTH, HELLO_LENGTH);
      HttpUtil.setKeepAlive(response, keepAlive);
      if (!keepAlive) {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      } else if (flush) {
        ctx.writeAndFlush(response, ctx.voidPromise());
      } else {
        ctx.write(response, ctx.voidPromise());
      }
    }

    /** {@code ?delay=ms} as at least 1 ms, like {@link BareServers.Hello}; -1 without one. */
    private static long delayMs(String uri) {
      if (uri.indexOf('?') < 0) {
        return -1;
      }
      List<String> delay = new QueryStringDecoder(uri).parameters().get("delay");
      return delay == null ? -1 : Math.max(1, Long.parseLong(delay.get(0)));
    }
  }
}
