package io.tandem.fetch;

import io.tandem.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tandem.fetch.FetchService.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each result's {@code timings} when asked, and {@code connectTimeoutMs} apart from {@code timeoutMs}. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchTimingsTest {

  @Test
  void timingsSayWhereEachUrlsTimeWent(Vertx vertx, @TempDir Path dir) throws Exception {
    TestCertificates.Pair certificate = TestCertificates.selfSigned(dir, "origin");
    Origin origin = Origin.start(vertx);
    int https = FetchHttp2Test.origin(vertx, certificate, List.of(HttpVersion.HTTP_1_1));
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject().put("trustCaFile", certificate.cert().toString()));

    // one at a time: the second waits for the first's 300 ms in the batch, then reuses its connection
    JsonObject plain = fetcher.fetch(FetchService.urls(origin.url("/status/200"))).getJsonArray("results").getJsonObject(0);
    assertEquals(null, plain.getValue("timings"), "only when asked: " + plain.encode());
    JsonArray results = fetcher.fetch(new JsonObject().put("concurrency", 1).put("timings", true)
        .put("urls", new JsonArray().add(origin.url("/delay/300")).add(origin.url("/delay/300")))).getJsonArray("results");
    JsonObject first = results.getJsonObject(0).getJsonObject("timings");
    JsonObject second = results.getJsonObject(1).getJsonObject("timings");
    assertTrue(first.getLong("queuedMs") < 300, first.encode());
    assertTrue(first.getLong("ttfbMs") >= 300, "the origin took 300 ms to answer: " + first.encode());
    assertTrue(first.getLong("totalMs") >= first.getLong("ttfbMs"), first.encode());
    assertEquals(results.getJsonObject(0).getLong("elapsedMs"), first.getLong("totalMs"));
    assertTrue(second.getLong("queuedMs") >= 300, "queued behind the first: " + second.encode());
    assertEquals(0, second.getLong("connectMs"), "a pooled connection takes no connect: " + second.encode());

    // a TLS handshake is a connect that takes time; the next request on that connection none
    JsonArray overTls = fetcher.fetch(new JsonObject().put("concurrency", 1).put("timings", true)
        .put("urls", new JsonArray().add("https://127.0.0.1:" + https + "/").add("https://127.0.0.1:" + https + "/"))).getJsonArray("results");
    JsonObject handshake = overTls.getJsonObject(0).getJsonObject("timings");
    assertTrue(handshake.getLong("connectMs") > 0, "a new TLS connection: " + handshake.encode());
    assertTrue(handshake.getLong("ttfbMs") >= handshake.getLong("connectMs"), handshake.encode());
    assertEquals(0, overTls.getJsonObject(1).getJsonObject("timings").getLong("connectMs"), overTls.encode());
  }

  @Test
  void aConnectThatHangsEndsAtConnectTimeoutMsNotAtTimeoutMs(Vertx vertx) throws Exception {
    // a listener that never accepts: once its backlog is full, the kernel answers no more SYNs
    try (ServerSocket deaf = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> filling = new ArrayList<>();
      try {
        for (int i = 0; i < 16; i++) {
          Socket socket = new Socket();
          filling.add(socket);
          try {
            socket.connect(new InetSocketAddress(deaf.getInetAddress(), deaf.getLocalPort()), 300);
          } catch (SocketTimeoutException full) {
            break;
          }
        }
        FetchService fetcher = FetchService.deploy(vertx, new JsonObject());
        JsonObject result = fetcher.fetch(new JsonObject().put("timeoutMs", 20_000).put("connectTimeoutMs", 400).put("timings", true)
            .put("urls", new JsonArray().add("http://127.0.0.1:" + deaf.getLocalPort() + "/"))).getJsonArray("results").getJsonObject(0);
        assertEquals("timeout", kind(result), result.encode());
        assertTrue(result.getLong("elapsedMs") >= 400 && result.getLong("elapsedMs") < 10_000,
            "ended by connectTimeoutMs (400), not timeoutMs (20000): " + result.encode());
        assertTrue(result.getJsonObject("timings").getLong("connectMs") >= 400, result.encode());
        assertEquals("connectTimeoutMs must be an integer 1..3600000, got 0",
            fetcher.badRequest("tandem.fetch", FetchService.urls("http://127.0.0.1/").put("connectTimeoutMs", 0)));
      } finally {
        for (Socket socket : filling) {
          try {
            socket.close();
          } catch (IOException ignored) {
            // closing what the test opened; nothing to check
          }
        }
      }
    }
  }
}
