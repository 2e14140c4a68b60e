package io.tandem.e2e;

import io.tandem.testing.RawHttp;
import io.tandem.testing.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One host holding more unfinished requests than its cap (slowloris) against the real jar, with
 * the shipped defaults: 127.0.0.2 plays the attacker and 127.0.0.3 the bystander, both capped like
 * any host that is not in {@code unlimitedClients} (only 127.0.0.1 and ::1 are). Prints the
 * figures: connections held, the bystander's GET / latency, the time to
 * close a silent half-request.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SlowlorisIT {

  private static final int CAP = 256;          // http.maxConnectionsPerClient's default
  private static final long HEAD_TIMEOUT_MS = 10_000; // http.requestHeaderTimeoutMs's default
  private static final int ATTEMPTS = CAP + 100;
  private static final byte[] HALF_REQUEST = "GET / HTTP/1.1\r\nHost: x\r\nX-Partial: ".getBytes(StandardCharsets.ISO_8859_1);

  @TempDir
  Path workDir;

  @Test
  void oneHostsUnfinishedRequestsNeitherStarveAnotherNorStayOpen() throws Exception {
    try (TandemProcess tandem = TandemProcess.startService(workDir);
         Selector selector = Selector.open()) {
      int port = tandem.port("HTTP");
      Map<SocketChannel, StringBuilder> answers = new HashMap<>();
      List<SocketChannel> attacker = new ArrayList<>();
      long sent = System.nanoTime();
      for (int i = 0; i < ATTEMPTS; i++) {
        SocketChannel channel = SocketChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.2", 0));
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        try {
          channel.write(ByteBuffer.wrap(HALF_REQUEST));
        } catch (IOException e) {
          // already closed by the server: counted below as closed
        }
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        attacker.add(channel);
        answers.put(channel, new StringBuilder());
      }
      // those over the cap are closed at once: within a second, well before any head timeout
      Map<SocketChannel, Long> closedAt = new HashMap<>();
      readUntil(selector, answers, closedAt, System.nanoTime() + TimeUnit.SECONDS.toNanos(1), ATTEMPTS - CAP);
      int refusedAtOnce = closedAt.size();
      int held = ATTEMPTS - refusedAtOnce;

      long before = System.nanoTime();
      String greeting;
      try (Socket bystander = Sockets.connectFrom("127.0.0.3", port)) {
        bystander.getOutputStream().write(RawHttp.get("/"));
        greeting = RawHttp.read(bystander.getInputStream()).body();
      }
      long getMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

      readUntil(selector, answers, closedAt, sent + TimeUnit.MILLISECONDS.toNanos(HEAD_TIMEOUT_MS + 5000), ATTEMPTS);
      long lastCloseMs = closedAt.values().stream().mapToLong(at -> TimeUnit.NANOSECONDS.toMillis(at - sent)).max().orElse(-1);
      long timedOut = answers.values().stream().filter(answer -> answer.toString().startsWith("HTTP/1.1 408 ")).count();
      System.out.printf("slowloris: %d unfinished requests from 127.0.0.2, %d held, %d closed at once;"
              + " GET / from 127.0.0.3 answered in %d ms; %d held requests answered 408 and closed, the last %d ms after it was sent%n",
          ATTEMPTS, held, refusedAtOnce, getMs, timedOut, lastCloseMs);

      assertEquals(CAP, held, "connections held by one host");
      assertEquals("Hello, world!", greeting);
      assertTrue(getMs < 1000, "GET / took " + getMs + " ms");
      assertEquals(ATTEMPTS, closedAt.size(), "every half-request is closed in the end");
      assertEquals(CAP, timedOut, "every held half-request is answered 408");
      assertTrue(lastCloseMs <= HEAD_TIMEOUT_MS + 1000, "the last half-request closed after " + lastCloseMs + " ms");
      for (SocketChannel channel : attacker) {
        channel.close();
      }
      tandem.assertNoBlockedEventLoop();
    }
  }

  /** Reads what each channel gets until {@code closed} of them have been closed by the server, or the deadline. */
  private static void readUntil(Selector selector, Map<SocketChannel, StringBuilder> answers, Map<SocketChannel, Long> closedAt,
                                long deadline, int closed) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (closedAt.size() < closed) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return;
      }
      selector.select(left);
      for (SelectionKey key : selector.selectedKeys()) {
        SocketChannel channel = (SocketChannel) key.channel();
        int read;
        try {
          buffer.clear();
          read = channel.read(buffer);
        } catch (IOException e) {
          read = -1; // reset: closed all the same
        }
        if (read > 0) {
          answers.get(channel).append(new String(buffer.array(), 0, read, StandardCharsets.ISO_8859_1));
        } else if (read < 0) {
          closedAt.put(channel, System.nanoTime());
          key.cancel();
        }
      }
      selector.selectedKeys().clear();
    }
  }
}
