package io.tandem.metrics;

import io.tandem.MainVerticle;
import io.tandem.bus.Addresses;
import io.tandem.config.MetricsSettings;
import io.tandem.fetch.Origin;
import io.tandem.net.VertxInternals;
import io.tandem.testing.Http;
import io.tandem.testing.MeteredVertx;
import io.tandem.testing.TestService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} of the whole service on a Vert.x built as the launcher builds it: exact
 * counts after known traffic, and no series more after thousands of distinct paths, methods,
 * URLs and addresses than after a few.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScrapeTest {

  private Vertx vertx;
  private Origin origin;
  private Http http;
  private MainVerticle main;

  @BeforeEach
  void start() throws Exception {
    vertx = MeteredVertx.create();
    origin = Origin.start(vertx);
    main = TestService.deploy(vertx, new JsonObject()
        .put("fetcher", new JsonObject().put("allowHosts", new JsonArray().add("127.0.0.1")).put("instances", 1)));
    http = new Http(main.httpPort());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void countsAreExactAfterKnownTraffic() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(200, http.get("/").statusCode());
    }
    assertEquals(200, http.get("/hello/ada").statusCode());
    assertEquals(200, http.get("/hello/bob").statusCode());
    assertEquals(404, http.get("/nope").statusCode());
    JsonObject reply = new JsonObject(http.postJson("/fetch", new JsonObject().put("urls", new JsonArray()
        .add(origin.url("/status/200")).add(origin.url("/status/404")).add("not a url")).encode()).body());
    assertEquals(1, reply.getInteger("succeeded"));
    tcpLines("one\ntwo\n");
    ReplyException noHandlers = assertThrows(ReplyException.class, () -> vertx.eventBus().request("nobody.home", "?").await(5, TimeUnit.SECONDS));
    assertEquals(ReplyFailure.NO_HANDLERS, noHandlers.failureType());

    Scrape scrape = Scrape.of(http);
    assertEquals(3, scrape.value("tandem_http_server_requests_seconds_count{code=\"200\",method=\"GET\",route=\"/\"}"));
    assertEquals(2, scrape.value("tandem_http_server_requests_seconds_count{code=\"200\",method=\"GET\",route=\"/hello/{name}\"}"));
    assertEquals(1, scrape.value("tandem_http_server_requests_seconds_count{code=\"404\",method=\"GET\",route=\"\"}"));
    assertEquals(1, scrape.value("tandem_http_server_requests_seconds_count{code=\"200\",method=\"POST\",route=\"/fetch\"}"));
    assertEquals(3, scrape.value("tandem_http_server_requests_seconds_bucket{code=\"200\",method=\"GET\",route=\"/\",le=\"10.0\"}"));
    assertEquals(2, scrape.value("tandem_bus_messages_received_total{address=\"tandem.hello\"}"));
    assertEquals(1, scrape.value("tandem_bus_messages_received_total{address=\"tandem.fetch\"}"));
    assertEquals(0, scrape.value("tandem_bus_reply_failures_total{address=\"tandem.fetch\",failure=\"timeout\"}"));
    assertEquals(1, scrape.value("tandem_bus_reply_failures_total{address=\"other\",failure=\"no_handlers\"}"));
    assertEquals(1, scrape.value("tandem_fetch_batches_total{kind=\"batch\"}"));
    assertEquals(0, scrape.value("tandem_fetch_batches_total{kind=\"chain\"}"));
    assertEquals(1, scrape.value("tandem_fetch_urls_total{outcome=\"ok\"}"));
    assertEquals(1, scrape.value("tandem_fetch_urls_total{outcome=\"http_error\"}"));
    assertEquals(1, scrape.value("tandem_fetch_urls_total{outcome=\"invalid-url\"}"));
    assertEquals(0, scrape.value("tandem_fetch_urls_total{outcome=\"timeout\"}"));
    assertEquals(1, scrape.value("tandem_fetch_url_duration_seconds_count{outcome=\"ok\"}"));
    assertEquals(1, scrape.value("tandem_fetch_url_duration_seconds_bucket{outcome=\"ok\",le=\"60.0\"}"));
    assertEquals(0, scrape.value("tandem_fetch_urls_in_flight"));
    assertEquals(0, scrape.value("tandem_fetch_urls_queued"));
    assertEquals(2, scrape.value("tandem_tcp_lines_published_total"));
    assertEquals(0, scrape.value("tandem_tcp_skipped_bytes_total"));
    assertEquals(0, scrape.value("tandem_connections{listener=\"tcp\"}"));
    assertEquals(0, scrape.value("tandem_connections_refused_total{listener=\"http\",reason=\"max_connections_per_client\"}"));
    // the JVM's too (which heap pools there are depends on the collector the machine gets)
    assertTrue(scrape.names("jvm_memory_used_bytes{area=\"heap\"").stream().anyMatch(heap -> scrape.value(heap) > 0), scrape.toString());
  }

  @Test
  void prometheusGetsOpenMetricsWhenItAsks() throws Exception {
    HttpResponse<String> text = http.get("/metrics");
    assertEquals("text/plain; version=0.0.4; charset=utf-8", text.headers().firstValue("content-type").orElseThrow());
    HttpResponse<String> open = http.send(http.request("/metrics")
        .header("Accept", "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1").build());
    assertEquals(200, open.statusCode());
    assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", open.headers().firstValue("content-type").orElseThrow());
    assertTrue(open.body().endsWith("# EOF\n"), open.body());
    assertTrue(open.body().contains("\ntandem_fetch_urls_total{outcome=\"ok\"} 0.0\n"), open.body());
  }

  @Test
  void withMetricsOffNothingIsKeptAndNothingServed() throws Exception {
    Vertx plain = Metrics.builder(new VertxOptions(), new MetricsSettings(false, MetricsSettings.DEFAULT_PATH)).build();
    try {
      MainVerticle off = TestService.deploy(plain, new JsonObject().put("metrics", new JsonObject().put("enabled", false)));
      Http.assertError(404, new Http(off.httpPort()).get("/metrics"));
      assertNull(VertxInternals.metrics(plain), "Vert.x runs without its metrics SPI");
      assertNull(Metrics.prometheus(plain));
    } finally {
      plain.close().await(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void seriesStayTheSameOverTenThousandDistinctPathsMethodsUrlsAndAddresses() throws Exception {
    Scrape.of(http); // its own series too
    distinctTraffic(0, 20); // every kind of series there is, once
    Set<String> before = Scrape.of(http).names("vertx_", "tandem_");
    distinctTraffic(20, 10_000);
    Set<String> after = Scrape.of(http).names("vertx_", "tandem_");
    assertEquals(before, after);
    assertEquals(20 + 10_000, Scrape.of(http).value("tandem_bus_reply_failures_total{address=\"other\",failure=\"no_handlers\"}"),
        "one per request, under one label");
    assertTrue(after.contains("tandem_http_server_requests_seconds_count{code=\"404\",method=\"other\",route=\"\"}"), String.join("\n", after));
    // the fetcher's connection pools, one per origin, are not metered: its connections are one gauge
    assertTrue(after.stream().noneMatch(series -> series.contains("pool_type=\"http\"")), String.join("\n", after));
    assertTrue(after.contains("tandem_http_client_connections"), String.join("\n", after));
  }

  /** Requests for {@code count} paths, methods, URLs and bus addresses none of which was used before. */
  private void distinctTraffic(int from, int count) throws Exception {
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      answers.add(http.sendAsync(http.request("/nope/" + i).build()));
      answers.add(http.sendAsync(http.request("/hello/n" + i).build()));
      answers.add(http.sendAsync(http.request("/x").method("M" + i, HttpRequest.BodyPublishers.noBody()).build()));
      if (answers.size() >= 300) {
        await(answers);
      }
    }
    await(answers);
    JsonArray urls = new JsonArray();
    for (int i = from; i < from + count; i++) {
      urls.add(origin.url("/status/200?n=" + i));
    }
    JsonObject batch = new JsonObject().put("urls", urls).put("concurrency", 64).put("progressAddress", "tandem.fetch.progress.p" + from);
    JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.FETCH, batch).await(60, TimeUnit.SECONDS).body();
    assertEquals(count, reply.getInteger("succeeded"));
    List<Future<?>> unanswered = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      unanswered.add(vertx.eventBus().request("someone.else." + i, "x")); // no handler: fails at once
    }
    Future.join(unanswered).otherwiseEmpty().await(30, TimeUnit.SECONDS);
  }

  private static void await(List<CompletableFuture<HttpResponse<String>>> answers) throws Exception {
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      int status = answer.get(30, TimeUnit.SECONDS).statusCode();
      assertTrue(status == 200 || status == 404 || status == 405 || status == 501, "status " + status);
    }
    answers.clear();
  }

  /** Sends {@code text} over a TCP echo connection, reads its echo, and closes it; returns once the echo verticle saw it go. */
  private void tcpLines(String text) throws Exception {
    Promise<Void> gone = Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.TCP_CONNECTIONS, event -> {
      if ("disconnected".equals(event.body().getString("type"))) {
        gone.tryComplete();
      }
    }).completion().await(5, TimeUnit.SECONDS);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", main.tcpPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      assertEquals(text, new String(in.readNBytes(bytes.length), StandardCharsets.UTF_8));
    }
    gone.future().await(10, TimeUnit.SECONDS);
  }
}
