package io.tandem.e2e;

import io.tandem.testing.Http;
import io.tandem.testing.RawHttp;
import io.tandem.testing.Sockets;
import io.tandem.testing.TestCertificates;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fat jar as users run it: a real process, real sockets, real signals. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TandemJarIT {

  private static final Pattern LOG_LINE_START = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");
  private static final Pattern TEXT_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO |WARN |ERROR) \\[[^]]+] \\S+ - .*");

  @TempDir
  Path workDir;

  @Test
  void servesTcpEchoHelloAndEchoThenStopsOnSigtermWithExit0() throws Exception {
    try (TandemProcess tandem = TandemProcess.startService(workDir, "-instances", "3")) {
      int tcp = tandem.port("TCP echo");
      int httpPort = tandem.port("HTTP");
      assertTrue(tandem.stdout().stream().anyMatch(line -> line.endsWith("TCP echo listening on 127.0.0.1:" + tcp + " (3 instances)")));
      assertTrue(tandem.stdout().stream().noneMatch(line -> line.contains("TCP bridge")), "the bridge is off unless asked for: " + tandem.stdout());

      try (Socket socket = Sockets.connect(tcp)) {
        assertEquals("héllo\n", Sockets.roundTrip(socket, "héllo\n"));
      }
      Http http = new Http(httpPort);
      assertEquals("Hello, world!", http.get("/").body());
      assertEquals("Hello, Ada!", http.get("/hello/Ada").body());
      byte[] body = {0, 1, 2, (byte) 0xFF};
      HttpResponse<byte[]> echoed = http.postBytes("/echo", "application/octet-stream", body);
      assertArrayEquals(body, echoed.body());
      assertEquals("application/octet-stream", echoed.headers().firstValue("content-type").orElseThrow());
      assertEquals(200, http.get("/ready").statusCode());

      tandem.terminate();
      assertEquals(0, tandem.exitCode());
      assertTrue(tandem.stdout().stream().anyMatch(line -> line.contains("Tandem stopped")), tandem.stdout().toString());
      // the shipped logging (LogSetup), not logback's fallback: every line that starts with a time
      // (not a stack trace's) has the level right after it, INFO or above
      List<String> logLines = tandem.stdout().stream().filter(line -> LOG_LINE_START.matcher(line).lookingAt()).toList();
      assertTrue(logLines.size() >= 3 && logLines.stream().allMatch(line -> TEXT_LINE.matcher(line).matches()), tandem.stdout().toString());
      tandem.assertNoBlockedEventLoop();
    }
  }

  @Test
  void fetchesManyUrlsAtOnceAndStreamsThemAsTheyComplete() throws Exception {
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf",
        "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"enabled\":false},\"http\":{\"host\":\"127.0.0.1\",\"port\":0},\"bridge\":{\"tcpEnabled\":false},"
            + "\"fetcher\":{\"allowHosts\":[\"localhost\"]}}")) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      int port = tandem.port("HTTP");
      String slow = "\"http://localhost:" + port + "/?delay=100\"";
      String batch = "{\"concurrency\":50,\"urls\":[" + String.join(",", java.util.Collections.nCopies(200, slow)) + "]}";
      JsonObject reply = new JsonObject(new Http(port).postJson("/fetch", batch).body());
      assertEquals(200, reply.getInteger("succeeded"), reply.encode().substring(0, Math.min(500, reply.encode().length())));
      // 200 URLs of 100 ms, 50 at a time: four rounds (0.4 s), where one at a time takes 20 s
      assertTrue(reply.getLong("elapsedMs") < 10_000, "took " + reply.getLong("elapsedMs") + " ms: not at once");
      String streamed = new Http(port).send(new Http(port).request("/fetch").header("Content-Type", "application/json")
          .header("Accept", "application/x-ndjson")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"urls\":[\"http://localhost:" + port
              + "/?delay=800\",\"http://localhost:" + port + "/hello/Ada\",\"http://127.0.0.1:" + port + "/\"]}")).build()).body();
      List<JsonObject> lines = streamed.lines().map(JsonObject::new).toList();
      assertEquals(4, lines.size(), streamed);
      assertEquals(0, lines.get(2).getInteger("index"), "the slow URL came last: " + streamed);
      Map<Integer, JsonObject> byIndex = new java.util.HashMap<>();
      lines.subList(0, 3).forEach(result -> byIndex.put(result.getInteger("index"), result));
      assertEquals("Hello, Ada!", byIndex.get(1).getString("body"));
      assertEquals("blocked", byIndex.get(2).getJsonObject("error").getString("kind"), "127.0.0.1 is not on allowHosts");
      assertEquals(3, lines.get(3).getJsonObject("summary").getInteger("failed") + 2);
      // the jar's merged service files keep vertx-micrometer-metrics: its meters and Tandem's
      HttpResponse<String> scrape = new Http(port).get("/metrics");
      assertEquals(200, scrape.statusCode());
      List<String> series = scrape.body().lines().toList();
      assertTrue(series.contains("tandem_fetch_urls_total{outcome=\"ok\"} 202.0"), scrape.body());
      assertTrue(series.contains("tandem_fetch_urls_total{outcome=\"blocked\"} 1.0"), scrape.body());
      assertTrue(series.contains("tandem_http_server_requests_seconds_count{code=\"200\",method=\"GET\",route=\"/\"} 201"), scrape.body());
      assertTrue(series.contains("tandem_http_server_requests_seconds_count{code=\"200\",method=\"POST\",route=\"/fetch\"} 2"), scrape.body());
      tandem.terminate();
      assertEquals(0, tandem.exitCode());
      tandem.assertNoBlockedEventLoop();
    }
  }

  @Test
  void sigtermLetsTheRequestInFlightFinishAndExits0() throws Exception {
    try (TandemProcess tandem = TandemProcess.startService(workDir);
         Socket socket = Sockets.connect(tandem.port("HTTP"))) {
      // two pipelined requests in one write: once the first is answered, the server holds the second
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      requests.write(RawHttp.get("/"));
      requests.write(RawHttp.get("/?delay=1500"));
      socket.getOutputStream().write(requests.toByteArray());
      InputStream in = socket.getInputStream();
      assertEquals(200, RawHttp.read(in).status());

      tandem.terminate();
      RawHttp.Response inFlight = RawHttp.read(in);
      assertEquals(200, inFlight.status());
      assertEquals("Hello, world!", inFlight.body());
      assertEquals(0, tandem.exitCode());
      tandem.assertNoBlockedEventLoop();
    }
  }

  @Test
  void inTheJsonFormatEveryLineIsOneObjectAndTheAccessLogsFieldsAreKeyValuePairs() throws Exception {
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of("TANDEM_LOGGING_FORMAT", "json", "TANDEM_HTTP_ACCESS_LOG", "true"),
        "-conf", "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"enabled\":false},\"http\":{\"host\":\"127.0.0.1\",\"port\":0},\"bridge\":{\"tcpEnabled\":false}}")) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      Http http = new Http(tandem.port("HTTP"));
      assertEquals("Hello, Ada!", http.get("/hello/Ada").body());
      JsonObject access = new JsonObject(tandem.awaitStdout(line -> line.contains("\"loggerName\":\"io.tandem.http.access\"")));
      assertEquals("INFO", access.getString("level"));
      assertTrue(access.getString("formattedMessage").startsWith("GET /hello/Ada 200 11B "), access.encode());
      JsonObject fields = new JsonObject();
      access.getJsonArray("kvpList").forEach(pair -> fields.mergeIn((JsonObject) pair));
      assertEquals("GET", fields.getString("method"), access.encode());
      assertEquals("/hello/Ada", fields.getString("path"), access.encode());
      assertEquals("200", fields.getString("status"), access.encode());
      tandem.terminate();
      assertEquals(0, tandem.exitCode());
      List<String> lines = tandem.stdout();
      assertTrue(lines.size() >= 5, lines.toString());
      for (String line : lines) {
        JsonObject object = new JsonObject(line); // each line a whole object
        assertTrue(object.getString("formattedMessage") != null && object.getString("level") != null, line);
      }
      assertTrue(lines.stream().anyMatch(line -> new JsonObject(line).getString("formattedMessage").equals("Tandem stopped")), lines.toString());
    }
  }

  @Test
  void aBadSettingIsOneLineOnStderrAndExit78WithNothingListening() throws Exception {
    try (TandemProcess tandem = TandemProcess.start(workDir, TandemProcess.env("TANDEM_HTTP_PORT", "70000"))) {
      assertEquals(78, tandem.exitCode());
      assertEquals(List.of("config error: http.port must be 0..65535, got 70000 (from TANDEM_HTTP_PORT)"), tandem.stderr());
      assertTrue(tandem.stdout().stream().noneMatch(line -> line.contains("listening")), tandem.stdout().toString());
    }
  }

  @Test
  void anExpiredOrMismatchedCertificateIsOneLineAndExit78BeforeAnythingListens() throws Exception {
    TestCertificates.Pair expired = TestCertificates.expired(workDir);
    TestCertificates.Pair good = TestCertificates.selfSigned(workDir, "good");
    String tls = "\"tcp\":{\"tls\":true,\"port\":0},\"tls\":{\"certFile\":\"%s\",\"keyFile\":\"%s\"}";
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", "{" + tls.formatted(expired.cert(), expired.key()) + "}")) {
      assertEquals(78, tandem.exitCode());
      assertEquals(1, tandem.stderr().size(), tandem.stderr().toString());
      assertTrue(tandem.stderr().get(0).startsWith("config error: tls.certFile " + expired.cert() + " expired on "), tandem.stderr().get(0));
      assertTrue(tandem.stdout().stream().noneMatch(line -> line.contains("listening")), tandem.stdout().toString());
    }
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", "{" + tls.formatted(good.cert(), expired.key()) + "}")) {
      assertEquals(78, tandem.exitCode());
      assertEquals(List.of("config error: tls.keyFile " + expired.key() + " is not the key of the certificate in tls.certFile " + good.cert()),
          tandem.stderr());
    }
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", "{\"bridge\":{\"tls\":true}}")) {
      assertEquals(78, tandem.exitCode());
      assertEquals(List.of("config error: bridge.tls is true, but tls.certFile and tls.keyFile are not set"), tandem.stderr());
    }
  }

  @Test
  void aTls12ClientMayNotRenegotiate() throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(workDir, "renegotiation");
    String conf = "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"tls\":true,\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":0},"
        + "\"tls\":{\"certFile\":\"%s\",\"keyFile\":\"%s\"}}";
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", conf.formatted(pair.cert(), pair.key()));
         SSLSocket socket = (SSLSocket) TestCertificates.trusting(pair.cert()).getSocketFactory()
             .createSocket("127.0.0.1", tandem.port("TCP echo"))) {
      int port = tandem.port("TCP echo");
      assertTrue(tandem.stdout().stream().anyMatch(line -> line.contains("TCP echo listening on 127.0.0.1:" + port + " (")
          && line.endsWith(", TLS)")), "the start-up line says TLS: " + tandem.stdout());
      socket.setSoTimeout(20_000);
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.startHandshake();
      assertEquals("a\n", Sockets.roundTrip(socket, "a\n"), "echoed over TLS 1.2");
      boolean refused;
      try {
        socket.startHandshake(); // a second handshake on the same connection: renegotiation
        socket.getOutputStream().write("b\n".getBytes(StandardCharsets.US_ASCII));
        refused = socket.getInputStream().read() < 0;
      } catch (IOException e) {
        refused = true;
      }
      assertTrue(refused, "the server went on after a client-initiated renegotiation");
    }
  }

  @Test
  void aMissingOrBrokenConfFileIsOneLineAndExit78() throws Exception {
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", "missing.json")) {
      assertEquals(78, tandem.exitCode());
      assertEquals(List.of("config error: cannot read missing.json: no such file"), tandem.stderr());
    }
    Files.writeString(workDir.resolve("broken.json"), "{\"tcp\": {\"port\": 8080,}}");
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", "broken.json")) {
      assertEquals(78, tandem.exitCode());
      assertEquals(1, tandem.stderr().size(), tandem.stderr().toString());
      assertTrue(tandem.stderr().get(0).startsWith("config error: broken.json is not valid JSON: "), tandem.stderr().get(0));
    }
    Files.createDirectories(workDir.resolve("conf"));
    Files.writeString(workDir.resolve("conf/config.json"), "{\"tcp\": {\"port\": 8080, \"colour\": \"blue\"}}");
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of())) {
      assertEquals(78, tandem.exitCode());
      assertEquals(1, tandem.stderr().size(), tandem.stderr().toString());
      assertTrue(tandem.stderr().get(0).startsWith("config error: tcp.colour is not a known key (in conf/config.json)"),
          tandem.stderr().get(0));
    }
  }

  @Test
  void aPortInUseIsOneLineNamingHostAndPortAndANonZeroExit() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String conf = "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":" + taken.getLocalPort() + "},"
          + "\"http\":{\"host\":\"127.0.0.1\",\"port\":0},\"bridge\":{\"tcpPort\":0}}";
      try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", conf)) {
        assertEquals(15, tandem.exitCode());
        assertEquals(List.of("start error: TCP echo cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use"),
            tandem.stderr());
        assertTrue(tandem.stdout().stream().noneMatch(line -> line.contains("Tandem ready")), tandem.stdout().toString());
      }
    }
  }

  @Test
  void theChatClientTalksToTheServiceThroughItsStdin() throws Exception {
    try (TandemProcess tandem = TandemProcess.startService(workDir)) {
      int tcp = tandem.port("TCP echo");
      try (TandemProcess chat = TandemProcess.start(workDir, Map.of(), "chat", "--host", "127.0.0.1", "--port", Integer.toString(tcp))) {
        chat.stdin().write("hello from chat\n".getBytes(StandardCharsets.UTF_8));
        chat.stdin().flush();
        chat.awaitStdout(line -> line.equals("hello from chat"));
        HttpResponse<String> broadcast = new Http(tandem.port("HTTP")).postJson("/tcp/broadcast", "{\"text\":\"hi, chat room\"}");
        assertEquals(202, broadcast.statusCode());
        chat.awaitStdout(line -> line.equals("hi, chat room"));
        chat.stdin().write("quit\n".getBytes(StandardCharsets.UTF_8));
        chat.stdin().flush();
        assertEquals(0, chat.exitCode());
        assertEquals(List.of(), chat.stderr());
      }
      tandem.terminate();
      assertEquals(0, tandem.exitCode());
    }
  }

  @Test
  void theChatClientReportsARefusedConnectionInOneLine() throws Exception {
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort();
    }
    try (TandemProcess chat = TandemProcess.start(workDir, Map.of(), "chat", "--host", "127.0.0.1", "--port", Integer.toString(closed))) {
      assertEquals(1, chat.exitCode());
      assertEquals(1, chat.stderr().size(), chat.stderr().toString());
      assertTrue(chat.stderr().get(0).startsWith("chat: cannot connect to 127.0.0.1:" + closed + ": Connection refused"),
          chat.stderr().get(0));
    }
  }
}
