package io.tandem.echo;

import io.tandem.bus.Addresses;
import io.tandem.bus.TcpMessages;
import io.tandem.testing.Sockets;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The echo as a byte stream, through real sockets. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpEchoStreamTest {

  private static final int MIB = 1024 * 1024;

  @Test
  void echoesBinaryPayloadsUnchangedWhateverTheChunking(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject()).port();
    Random random = new Random(42);
    byte[] payload = new byte[256 * 1024];
    random.nextBytes(payload);
    byte[] special = {0, 0, (byte) 0xC3, (byte) 0xFF, (byte) 0xFE, 'a', (byte) 0xE2, (byte) 0x82, (byte) 0xAC, '\n', 0};
    System.arraycopy(special, 0, payload, 0, special.length);
    try (Socket socket = Sockets.connect(port)) {
      CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readOrFail(socket, payload.length));
      OutputStream out = socket.getOutputStream();
      // the euro sign's three bytes (offsets 6..8) arrive in separate writes
      out.write(payload, 0, 7);
      out.flush();
      out.write(payload, 7, 1);
      out.flush();
      for (int offset = 8; offset < payload.length; ) {
        int chunk = Math.min(1 + random.nextInt(20_000), payload.length - offset);
        out.write(payload, offset, chunk);
        out.flush();
        offset += chunk;
      }
      assertArrayEquals(payload, echoed.get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void streams64MiBThroughOneConnectionAndClosesAfterEchoingAllOfAHalfClose(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject()).port();
    long total = 64L * MIB;
    try (Socket socket = Sockets.connect(port)) {
      CompletableFuture<String> sent = CompletableFuture.supplyAsync(() -> {
        try {
          MessageDigest digest = sha256();
          Random random = new Random(7);
          byte[] chunk = new byte[64 * 1024];
          OutputStream out = socket.getOutputStream();
          for (long written = 0; written < total; written += chunk.length) {
            random.nextBytes(chunk);
            digest.update(chunk);
            out.write(chunk);
          }
          socket.shutdownOutput();
          return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      MessageDigest received = sha256();
      long count = 0;
      byte[] buffer = new byte[64 * 1024];
      InputStream in = socket.getInputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.update(buffer, 0, n);
        count += n;
      }
      assertEquals(total, count);
      assertEquals(sent.get(30, TimeUnit.SECONDS), HexFormat.of().formatHex(received.digest()));
    }
  }

  @Test
  void aClientThatHalfClosesBeforeReadingStillGetsEveryByte(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject()).port();
    CompletableFuture<String> connected = new CompletableFuture<>();
    CompletableFuture<Void> lastLineRead = new CompletableFuture<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.TCP_CONNECTIONS,
        event -> connected.complete(event.body().getString(TcpMessages.CONNECTION))).completion().await(5, TimeUnit.SECONDS);
    vertx.eventBus().<JsonObject>consumer(Addresses.TCP_MESSAGES, message -> {
      if ("END".equals(message.body().getString(TcpMessages.TEXT))) {
        lastLineRead.complete(null);
      }
    }).completion().await(5, TimeUnit.SECONDS);
    byte[] payload = new byte[60 * 1024];
    new Random(3).nextBytes(payload);
    System.arraycopy("\nEND\n".getBytes(StandardCharsets.US_ASCII), 0, payload, payload.length - 5, 5);
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(20_000);
      // a congested path: the kernel holds little of the echo, the rest waits in the server's queue
      Channel server = ((NetSocketInternal) TcpConnections.of(vertx).find(connected.get(5, TimeUnit.SECONDS)))
          .channelHandlerContext().channel();
      server.config().setOption(ChannelOption.SO_SNDBUF, 4 * 1024);
      socket.getOutputStream().write(payload);
      socket.shutdownOutput();
      // the server has read the last line, and the FIN right behind it, before the client reads a byte
      lastLineRead.get(10, TimeUnit.SECONDS);
      byte[] echoed = socket.getInputStream().readAllBytes();
      assertEquals(payload.length, echoed.length);
      assertArrayEquals(payload, echoed);
    }
  }

  @Test
  void stopsReadingFromAClientThatWritesButNeverReads(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject().put("publishMessages", false)).port();
    long limit = 128L * MIB;
    try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
      channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 64 * 1024);
      channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 64 * 1024);
      channel.connect(new InetSocketAddress("127.0.0.1", port));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_WRITE);
      ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
      long written = 0;
      // push until the connection stops accepting bytes for a whole second, or the limit is reached
      while (written < limit) {
        chunk.clear();
        int n = channel.write(chunk);
        if (n > 0) {
          written += n;
          continue;
        }
        selector.selectedKeys().clear();
        if (selector.select(1000) == 0) {
          break;
        }
      }
      // everything written sits in socket buffers or in the server's one write queue, never more
      assertTrue(written < 32L * MIB, "the server kept reading: " + written + " bytes accepted from a client that never reads");

      // and nothing is lost: once the client reads, every byte comes back
      selector.close();
      channel.configureBlocking(true);
      ByteBuffer in = ByteBuffer.allocate(256 * 1024);
      long read = 0;
      while (read < written) {
        in.clear();
        int n = channel.read(in);
        assertTrue(n > 0, "echo ended early at " + read + " of " + written);
        for (int i = 0; i < n; i++) {
          assertEquals(0, in.get(i));
        }
        read += n;
      }
      assertEquals(written, read);
    }
  }

  @Test
  void closesAConnectionIdleForTheConfiguredTime(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject().put("idleTimeoutSeconds", 1)).port();
    try (Socket socket = Sockets.connect(port)) {
      assertEquals("ping", Sockets.roundTrip(socket, "ping"));
      long start = System.nanoTime();
      assertEquals(-1, socket.getInputStream().read());
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 900, "closed before the idle timeout");
    }
  }

  @Test
  void refusesConnectionsBeyondTheLimitAndServesTheOthers(Vertx vertx) throws Exception {
    int port = EchoServer.deploy(vertx, new JsonObject().put("maxConnections", 2)).port();
    List<Socket> admitted = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        admitted.add(Sockets.connect(port));
        assertEquals("hi " + i, Sockets.roundTrip(admitted.get(i), "hi " + i));
      }
      try (Socket refused = Sockets.connect(port)) {
        refused.getOutputStream().write('x');
        assertClosedByPeer(refused.getInputStream());
      }
      assertEquals(1, TcpConnections.of(vertx).refusedCount());
      assertEquals(2, TcpConnections.of(vertx).openCount());
      for (int i = 0; i < 2; i++) {
        assertEquals("still " + i, Sockets.roundTrip(admitted.get(i), "still " + i));
      }
    } finally {
      for (Socket socket : admitted) {
        socket.close();
      }
    }
  }

  @Test
  void shutdownClosesClientsAfterTheirPendingEcho(Vertx vertx) throws Exception {
    EchoServer server = EchoServer.deploy(vertx, new JsonObject(), 1, new JsonObject().put("shutdownGraceSeconds", 30));
    try (Socket socket = Sockets.connect(server.port())) {
      assertEquals("before", Sockets.roundTrip(socket, "before"));
      long start = System.nanoTime();
      vertx.undeploy(server.deploymentId()).await(10, TimeUnit.SECONDS);
      assertEquals(-1, socket.getInputStream().read());
      assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10, "shutdown waited out the grace period");
    }
    assertFalse(Sockets.isListening(server.port()), "still accepting connections after the undeploy");
  }

  private static void assertClosedByPeer(InputStream in) throws IOException {
    try {
      assertEquals(-1, in.read());
    } catch (SocketException reset) {
      // closed with our byte unread: the kernel answers with a reset, which is also a close
    }
  }

  private static byte[] readOrFail(Socket socket, int length) {
    try {
      return Sockets.readExactly(socket.getInputStream(), length);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
