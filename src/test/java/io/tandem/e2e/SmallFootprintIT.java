package io.tandem.e2e;

import io.tandem.chat.ChatLineClient;
import io.tandem.testing.Http;
import io.tandem.testing.Sockets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The small-footprint setting the README documents — C1 only, the serial collector, a 64 MiB
 * heap, {@code conf/small.json} — under work of every kind at its ceilings at once: it must serve
 * all of it, run out of nothing, and stop cleanly. Its memory is measured in bench/ (footprint).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SmallFootprintIT {

  /** The README's command, less {@code java} and {@code -jar target/tandem.jar}. */
  static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms8m", "-Xmx64m", "-Xss512k",
      "-XX:ReservedCodeCacheSize=32m");
  private static final Path ROOT = Path.of("").toAbsolutePath();

  @TempDir
  Path workDir;

  @Test
  void theReadmeDocumentsTheseOptions() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String command = "java " + String.join(" ", JVM_OPTIONS) + " -jar target/tandem.jar -conf conf/small.json";
    assertTrue(readme.contains(command), "the README's small-footprint command is not " + command);
  }

  @Test
  void servesEveryKindOfWorkAtOnceInItsSmallHeapThenStopsCleanly() throws Exception {
    List<String> command = new ArrayList<>(List.of(TandemProcess.JAVA.toString(),
        "-Dvertx.hazelcast.config=" + TandemProcess.HAZELCAST_GUARD.toAbsolutePath(),
        "-Dvertx.options.maxEventLoopExecuteTime=200", "-Dvertx.options.maxEventLoopExecuteTimeUnit=MILLISECONDS",
        "-Dvertx.options.blockedThreadCheckInterval=50",
        "-Dvertx.options.warningExceptionTime=200", "-Dvertx.options.warningExceptionTimeUnit=MILLISECONDS"));
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-jar", TandemProcess.JAR.toAbsolutePath().toString(), "-conf", ROOT.resolve("conf/small.json").toString()));
    Map<String, String> loopback = Map.of("TANDEM_TCP_HOST", "127.0.0.1", "TANDEM_TCP_PORT", "0", "TANDEM_CHAT_HOST", "127.0.0.1",
        "TANDEM_CHAT_PORT", "0", "TANDEM_HTTP_HOST", "127.0.0.1", "TANDEM_HTTP_PORT", "0", "TANDEM_FETCHER_ALLOW_HOSTS", "127.0.0.1");
    try (TandemProcess tandem = TandemProcess.command(workDir, loopback, command)) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      Http http = new Http(tandem.port("HTTP"));

      // a batch at fetcher.maxUrls, 200 delayed requests, 4 MiB through each of 4 echo
      // connections and a chat room, all at the same time
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        urls.add("http://127.0.0.1:" + http.port() + "/hello/n" + i);
      }
      CompletableFuture<HttpResponse<String>> batch = http.sendAsync(http.request("/fetch")
          .header("content-type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("urls", new JsonArray(urls)).encode())).build());
      List<CompletableFuture<HttpResponse<String>>> delayed = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        delayed.add(http.sendAsync(http.request("/?delay=500").GET().build()));
      }
      List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        echoes.add(echo(tandem.port("TCP echo"), 4 << 20, i));
      }
      List<String> heard = chat(tandem.port("Chat"), 20);

      JsonObject fetched = new JsonObject(batch.get(120, TimeUnit.SECONDS).body());
      JsonArray results = fetched.getJsonArray("results");
      assertEquals(1000, results.size(), fetched.encode().substring(0, 200));
      for (int i = 0; i < results.size(); i++) {
        assertEquals(200, results.getJsonObject(i).getInteger("status"), results.getJsonObject(i).encode());
      }
      for (CompletableFuture<HttpResponse<String>> answer : delayed) {
        assertEquals("Hello, world!", answer.get(60, TimeUnit.SECONDS).body());
      }
      for (int i = 0; i < echoes.size(); i++) {
        assertArrayEquals(payload(4 << 20, i), echoes.get(i).get(60, TimeUnit.SECONDS), "echo " + i);
      }
      assertEquals(20 * 20, heard.size(), heard.toString());
      String scrape = http.get("/metrics").body();
      assertTrue(scrape.contains("jvm_memory_used_bytes{area=\"heap\""), "the JVM's meters");

      tandem.terminate();
      assertEquals(0, tandem.exitCode(), tandem.stderr().toString());
      assertTrue(tandem.stdout().stream().noneMatch(line -> line.contains("OutOfMemoryError")), tandem.stdout().toString());
      assertTrue(tandem.stderr().stream().noneMatch(line -> line.contains("OutOfMemoryError")), tandem.stderr().toString());
      tandem.assertNoBlockedEventLoop();
    }
  }

  private static byte[] payload(int size, int seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Writes the bytes on one thread while another reads them back. */
  private static CompletableFuture<byte[]> echo(int port, int size, int seed) throws Exception {
    Socket socket = Sockets.connect(port);
    byte[] bytes = payload(size, seed);
    CompletableFuture.runAsync(() -> {
      try {
        OutputStream out = socket.getOutputStream();
        for (int at = 0; at < size; at += 65536) {
          out.write(bytes, at, Math.min(65536, size - at));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return CompletableFuture.supplyAsync(() -> {
      try (socket) {
        InputStream in = socket.getInputStream();
        return Sockets.readExactly(in, size);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** {@code members} clients in one room, each saying one line: every line each member heard. */
  private static List<String> chat(int port, int members) throws Exception {
    List<ChatLineClient> clients = new ArrayList<>();
    List<String> heard = new ArrayList<>();
    try {
      for (int i = 0; i < members; i++) {
        ChatLineClient client = ChatLineClient.as(port, "small" + i).send("/join #small");
        client.await("* end of history");
        clients.add(client);
      }
      for (ChatLineClient client : clients) {
        client.send("line from " + clients.indexOf(client));
      }
      for (ChatLineClient client : clients) {
        for (int got = 0; got < members; ) {
          String line = client.next();
          if (line.startsWith("[#small] ") && line.contains(": line from ")) {
            heard.add(line);
            got++;
          }
        }
      }
    } finally {
      for (ChatLineClient client : clients) {
        client.close();
      }
    }
    return heard;
  }
}
