package io.tandem.e2e;

import io.tandem.chat.ChatLineClient;
import io.tandem.testing.Http;
import io.tandem.testing.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat of the fat jar under a client that never reads: 10,000 lines go through its room while
 * it reads nothing. It stops getting them once its unread output passes chat.maxQueuedBytes (the
 * lines are counted, not queued: the server's memory for it stays bounded), is closed after the
 * grace, and the two clients that read get every line. Prints the listener's delivery latency;
 * the benchmark's chat suite measures it under a realistic load.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChatIT {

  private static final int LINES = 10_000;
  /** Lines of about 100 bytes: a megabyte through the room, four times chat.maxQueuedBytes. */
  private static final String FILLER = "x".repeat(60);

  @TempDir
  Path workDir;

  @Test
  void aClientThatNeverReadsWhile10000LinesGoThroughIsClosedAndHoldsNoOneBack() throws Exception {
    String conf = "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0,\"maxLinesPerSecond\":100000,\"slowClientGraceSeconds\":2},"
        + "\"tcp\":{\"enabled\":false},\"http\":{\"host\":\"127.0.0.1\",\"port\":0},\"bridge\":{\"tcpEnabled\":false}}";
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", conf)) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      int port = tandem.port("Chat");
      try (ChatLineClient talker = ChatLineClient.as(port, "talker");
           ChatLineClient listener = ChatLineClient.as(port, "listener");
           Socket stalled = new Socket()) {
        stalled.setReceiveBufferSize(4096);
        stalled.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        stalled.getOutputStream().write("/nick stalled\n".getBytes(StandardCharsets.UTF_8));
        listener.await("* stalled joined #general");

        // the talker gets its own lines too, and reads them as they come (else it would fall behind)
        CompletableFuture<Void> heard = CompletableFuture.runAsync(() -> {
          try {
            talker.await(line -> line.startsWith("[#general] talker: " + (LINES - 1) + " "));
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        });
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> talk(talker));
        long worst = 0;
        for (int n = 0; n < LINES; n++) {
          String line = listener.next();
          String prefix = "[#general] talker: " + n + " ";
          assertTrue(line.startsWith(prefix), "line " + n + " came as " + line);
          String stamp = line.substring(prefix.length(), line.indexOf(' ', prefix.length()));
          worst = Math.max(worst, System.nanoTime() - Long.parseLong(stamp));
        }
        sent.get(60, TimeUnit.SECONDS);
        heard.get(60, TimeUnit.SECONDS);
        // written all at once, so the last lines wait behind the first in the talker's own queue
        System.out.printf("ChatIT: %,d lines written at once, each with the listener %.1f ms after its write at worst%n", LINES, worst / 1e6);

        // it never reads: once chat.slowClientGraceSeconds have passed the server closes it (read
        // before, and it would have caught up and been told how many lines it missed)
        Http http = new Http(tandem.port("HTTP"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (value(http.get("/metrics").body(), "tandem_chat_slow_clients_closed_total") < 1) {
          assertTrue(System.nanoTime() < deadline, "the client that never reads was not closed");
        }
        // what reached its buffers before the close ends well short of the 10,000 lines
        stalled.setSoTimeout(30_000);
        String got = Sockets.readUntilCutOff(stalled);
        long reached = got.lines().filter(line -> line.startsWith("[#general] talker: ")).count();
        assertTrue(reached < LINES / 2, reached + " lines reached the client that never read");
        assertTrue(got.lines().noneMatch(line -> line.startsWith("* you missed")), "it never caught up");
        String metrics = http.get("/metrics").body();
        assertEquals(1.0, value(metrics, "tandem_chat_slow_clients_closed_total"), metrics);
        assertTrue(value(metrics, "tandem_chat_lines_missed_total") >= LINES / 2.0, metrics);
        assertEquals(LINES, value(metrics, "tandem_chat_lines_total"), metrics);
      }
      tandem.assertNoBlockedEventLoop();
    }
  }

  /** Says the lines in writes of 100, each stamped with when it was written. */
  private static void talk(ChatLineClient talker) {
    String[] batch = new String[100];
    for (int n = 0; n < LINES; n++) {
      batch[n % 100] = n + " " + System.nanoTime() + " " + FILLER;
      if (n % 100 == 99) {
        try {
          talker.send(batch);
        } catch (IOException e) {
          throw new CompletionException(e);
        }
      }
    }
  }

  private static double value(String metrics, String series) {
    return metrics.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError(series + " is not in the scrape"));
  }
}
