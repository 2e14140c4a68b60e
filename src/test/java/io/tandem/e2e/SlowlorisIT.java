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
  /** The descriptor flood: more hosts, each under its cap, than the process has descriptors for. */
  private static final int FLOOD_LIMIT = 4096;
  private static final int FLOOD_HOSTS = 20;
  private static final int FLOOD_PER_HOST = 200;
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

  /**
   * Many hosts together, each under its cap, flooding a process started with only
   * {@value #FLOOD_LIMIT} file descriptors: the HTTP listener stops short of the limit (its
   * connections are refused and counted, never an {@code EMFILE} loop), and from a new host
   * {@code /health} and {@code /ready} still answer, {@code GET /} is answered (a JSON 503 while
   * the listener is full, not silence), the TCP echo still echoes, and once the flood ends
   * everything is served again.
   */
  @Test
  void aFloodNearTheDescriptorLimitLeavesProbesAndTheOtherListenersServed() throws Exception {
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), List.of("prlimit", "--nofile=" + FLOOD_LIMIT, "--"), "-conf",
        "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":0,\"requestHeaderTimeoutMs\":60000}}");
         Selector selector = Selector.open()) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      int http = tandem.port("HTTP");
      int echo = tandem.port("TCP echo");
      List<SocketChannel> flood = new ArrayList<>();
      for (int host = 10; host < 10 + FLOOD_HOSTS; host++) {
        for (int i = 0; i < FLOOD_PER_HOST; i++) {
          SocketChannel channel = SocketChannel.open();
          channel.bind(new InetSocketAddress("127.0.0." + host, 0));
          channel.connect(new InetSocketAddress("127.0.0.1", http));
          try {
            channel.write(ByteBuffer.wrap(HALF_REQUEST));
          } catch (IOException e) {
            // already refused
          }
          flood.add(channel);
        }
      }
      String refusal = tandem.awaitStdout(line -> line.contains("refused a http connection") && line.contains("descriptor budget"));

      // while the burst's last connections are still being accepted and refused (the kernel has
      // queued more than the server has taken), a probe may be refused with them: a checker
      // asking again, as load balancers do, is answered within a second or two
      long probeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int healthTries = probeUntilAnswered(http, "/health", probeDeadline);
      int againTries = probeUntilAnswered(http, "/health", probeDeadline);
      int readyTries = probeUntilAnswered(http, "/ready", probeDeadline);
      try (Socket other = Sockets.connectFrom("127.0.0.3", http)) {
        other.getOutputStream().write(RawHttp.get("/"));
        // answered either way: served if the HTTP listener has room again, else told so in JSON
        RawHttp.Response answer = RawHttp.read(other.getInputStream());
        assertTrue(answer.status() == 200 || answer.status() == 503 && answer.body().contains("\"error\""),
            "GET / near the budget: " + answer.status() + " " + answer.body());
      }
      try (Socket echoClient = Sockets.connectFrom("127.0.0.3", echo)) {
        assertEquals("still here\n", Sockets.roundTrip(echoClient, "still here\n"), "the other listeners keep their room");
      }

      for (SocketChannel channel : flood) {
        channel.close();
      }
      // the flood's slots come back as the server sees each close: GET / is served again
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      int status;
      do {
        try (Socket client = Sockets.connectFrom("127.0.0.3", http)) {
          client.getOutputStream().write(RawHttp.get("/"));
          status = RawHttp.read(client.getInputStream()).status();
        }
      } while (status != 200 && System.nanoTime() < deadline);
      assertEquals(200, status, "served again after the flood");
      List<String> output = new ArrayList<>(tandem.stdout());
      output.addAll(tandem.stderr());
      assertTrue(output.stream().noneMatch(line -> line.contains("Too many open files")), "EMFILE: " + output);
      System.out.println("descriptor flood: " + FLOOD_HOSTS * FLOOD_PER_HOST + " connections from " + FLOOD_HOSTS
          + " hosts under prlimit --nofile=" + FLOOD_LIMIT + "; /health answered after " + healthTries
          + " tries, again after " + againTries + ", /ready after " + readyTries + "; " + refusal);
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

  /**
   * Asks {@code path} from a new host until it is answered 200 or the deadline passes; the tries it
   * took. A probe past the budget is closed by the server once answered, so the reserve is never
   * held by a keep-alive probe.
   */
  private static int probeUntilAnswered(int port, String path, long deadline) throws IOException {
    int tries = 0;
    int status = -1;
    boolean closedOnceAnswered = false;
    while (status != 200 && System.nanoTime() < deadline) {
      tries++;
      try (Socket probe = Sockets.connectFrom("127.0.0.3", port)) {
        probe.getOutputStream().write(RawHttp.get(path));
        status = RawHttp.read(probe.getInputStream()).status();
        closedOnceAnswered = probe.getInputStream().read() == -1;
      } catch (IOException refused) {
        // closed unanswered: this one was past the budget too
      }
    }
    assertEquals(200, status, path + " past the budget, " + tries + " tries");
    assertTrue(closedOnceAnswered, path + " past the budget was answered but its connection kept open");
    return tries;
  }
}
