package io.tandem.tracing;

import io.tandem.MainVerticle;
import io.tandem.bridge.BridgeClient;
import io.tandem.bus.Addresses;
import io.tandem.config.MetricsSettings;
import io.tandem.config.TracingSettings;
import io.tandem.fetch.Origin;
import io.tandem.metrics.Metrics;
import io.tandem.testing.Http;
import io.tandem.testing.OtlpReceiver;
import io.tandem.testing.OtlpReceiver;
import io.tandem.testing.OtlpReceiver.Span;
import io.tandem.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole service in one Vert.x built as the launcher builds it with {@code tracing.otlpEndpoint}
 * set, sending to a real OTLP/HTTP receiver on loopback. The clustered path (a job on another
 * node) is ClusterIT's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TracingTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  /** In URLs' queries: never on a span. */
  private static final String SECRET = "s3cret-in-a-query";

  private final OtlpReceiver receiver = new OtlpReceiver();
  private final Vertx originVertx = Vertx.vertx();
  private Vertx vertx;
  private Tracing tracing;

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (tracing != null) {
      tracing.close();
    }
    originVertx.close().await(10, TimeUnit.SECONDS);
    receiver.close();
  }

  private Http start(boolean propagateToOrigins) throws Exception {
    return new Http(deploy(propagateToOrigins).httpPort());
  }

  private MainVerticle deploy(boolean propagateToOrigins) throws Exception {
    return deploy(propagateToOrigins, 1.0);
  }

  private MainVerticle deploy(boolean propagateToOrigins, double sampleRatio) throws Exception {
    tracing = Tracing.of(new TracingSettings(receiver.endpoint(), sampleRatio, propagateToOrigins, "tandem-test"), MetricsSettings.DEFAULT_PATH);
    vertx = tracing.install(Metrics.builder(new VertxOptions(), new MetricsSettings(true, MetricsSettings.DEFAULT_PATH))).build();
    return TestService.deploy(vertx, new JsonObject()
        .put("tcp", new JsonObject().put("enabled", false))
        .put("bridge", new JsonObject().put("tcpEnabled", true).put("tcpPort", 0).put("instances", 1))
        .put("fetcher", new JsonObject().put("instances", 1).put("maxConcurrency", 1).put("concurrency", 1).put("allowHosts", new JsonArray().add("127.0.0.1"))));
  }

  private JsonObject fetch(Http http, Origin origin, String traceparent) throws Exception {
    return fetchAsync(http, traceparent, origin.url("/inspect"), origin.url("/status/200?key=" + SECRET)).get(30, TimeUnit.SECONDS);
  }

  private static CompletableFuture<JsonObject> fetchAsync(Http http, String traceparent, String... urls) {
    String batch = new JsonObject().put("body", "text").put("urls", new JsonArray(List.of((Object[]) urls))).encode();
    HttpRequest request = http.request("/fetch").header("Content-Type", "application/json").header("traceparent", traceparent)
        .POST(HttpRequest.BodyPublishers.ofString(batch)).build();
    return http.sendAsync(request).thenApply(response -> {
      assertEquals(200, response.statusCode(), response.body());
      return new JsonObject(response.body());
    });
  }

  @Test
  void aFetchIsOneTraceFromTheCallersSpanThroughTheBusToEachOrigin() throws Exception {
    Origin origin = Origin.start(originVertx);
    Http http = start(false);
    JsonObject reply = fetch(http, origin, "00-" + TRACE + "-" + CALLER_SPAN + "-01");
    assertEquals(2, reply.getInteger("succeeded"), reply.encode());
    JsonObject seen = new JsonObject(reply.getJsonArray("results").getJsonObject(0).getString("body"));
    assertNull(seen.getJsonObject("headers").getString("traceparent"), "tracing.propagateToOrigins is off: " + seen);

    List<Span> spans = receiver.await(all -> all.stream().filter(span -> span.kind().equals("CLIENT")
        && span.attribute("url.full") != null).count() == 2 && all.stream().anyMatch(span -> span.kind().equals("SERVER")
        && "/fetch".equals(span.attribute("url.path"))), 20);
    Span server = only(spans, span -> span.kind().equals("SERVER") && "/fetch".equals(span.attribute("url.path")));
    assertEquals(TRACE, server.traceId(), "the caller's traceparent is continued");
    assertEquals(CALLER_SPAN, server.parentSpanId());
    assertEquals("tandem-test", server.service());
    assertEquals("POST", server.attribute("http.request.method"));
    assertEquals("200", server.attribute("http.response.status_code"));
    Span send = only(spans, span -> span.kind().equals("CLIENT") && "tandem.fetch".equals(span.attribute("messaging.destination.name")));
    assertEquals(server.spanId(), send.parentSpanId(), spans.toString());
    Span receive = only(spans, span -> span.kind().equals("SERVER") && "tandem.fetch".equals(span.attribute("messaging.destination.name")));
    assertEquals(send.spanId(), receive.parentSpanId(), spans.toString());
    // one after the other (concurrency 1): the second is started by the first's answer, within the batch's trace
    List<Span> outgoing = spans.stream().filter(span -> span.kind().equals("CLIENT") && span.attribute("url.full") != null).toList();
    for (Span fetched : outgoing) {
      assertEquals(TRACE, fetched.traceId(), spans.toString());
      assertEquals(receive.spanId(), fetched.parentSpanId(), spans.toString());
    }
    // the second URL's query is cut off: it may hold a secret of the user's
    assertEquals(List.of(origin.url("/inspect"), origin.url("/status/200")),
        outgoing.stream().map(span -> span.attribute("url.full")).sorted().toList());
    assertTrue(spans.stream().noneMatch(span -> span.attributes().toString().contains(SECRET)), spans.toString());
  }

  @Test
  void aUrlThatWaitedForAnotherBatchsPermitIsFetchedInItsOwnBatchsTrace() throws Exception {
    Origin origin = Origin.start(originVertx);
    Http http = start(false);
    String other = "0af7651916cd43dd8448eb211c80319c";
    origin.clearArrivals();
    CompletableFuture<JsonObject> first = fetchAsync(http, "00-" + other + "-" + CALLER_SPAN + "-01", origin.url("/delay/300"));
    origin.awaitRequests(1);
    // fetcher.maxConcurrency 1: this batch's URL waits until the first batch's answer frees the permit
    CompletableFuture<JsonObject> second = fetchAsync(http, "00-" + TRACE + "-" + CALLER_SPAN + "-01", origin.url("/status/200"));
    assertEquals(1, first.get(30, TimeUnit.SECONDS).getInteger("succeeded"));
    assertEquals(1, second.get(30, TimeUnit.SECONDS).getInteger("succeeded"));

    List<Span> spans = receiver.await(all -> all.stream().filter(span -> span.attribute("url.full") != null).count() == 2, 20);
    Span waited = only(spans, span -> origin.url("/status/200").equals(span.attribute("url.full")));
    Span batch = only(spans, span -> span.kind().equals("SERVER") && Addresses.FETCH.equals(span.attribute("messaging.destination.name"))
        && span.traceId().equals(TRACE));
    assertEquals(TRACE, waited.traceId(), OtlpReceiver.tree(spans));
    assertEquals(batch.spanId(), waited.parentSpanId(), OtlpReceiver.tree(spans));
    assertEquals(other, only(spans, span -> origin.url("/delay/300").equals(span.attribute("url.full"))).traceId());
  }

  @Test
  void withPropagateToOriginsTheOriginSeesTheTrace() throws Exception {
    Origin origin = Origin.start(originVertx);
    Http http = start(true);
    JsonObject reply = fetch(http, origin, "00-" + TRACE + "-" + CALLER_SPAN + "-01");
    String traceparent = new JsonObject(reply.getJsonArray("results").getJsonObject(0).getString("body"))
        .getJsonObject("headers").getString("traceparent");
    assertNotNull(traceparent, reply.encode());
    assertTrue(traceparent.startsWith("00-" + TRACE + "-"), traceparent);
    assertFalse(traceparent.contains(CALLER_SPAN), "the origin's parent is the fetch's own span: " + traceparent);
  }

  @Test
  void aMalformedTraceparentStartsANewTraceAndProbesAreNotTraced() throws Exception {
    Http http = start(false);
    assertEquals(200, http.get("/health").statusCode());
    assertEquals(200, http.get("/metrics").statusCode());
    HttpResponse<String> hello = http.send(http.request("/hello/malformed?access_token=" + SECRET)
        .header("traceparent", "00-zz-not-a-trace-01").GET().build());
    assertEquals(200, hello.statusCode(), "never a 400: " + hello.body());

    List<Span> spans = receiver.await(all -> all.stream().anyMatch(span -> "/hello/malformed".equals(span.attribute("url.path"))), 20);
    Span server = only(spans, span -> "/hello/malformed".equals(span.attribute("url.path")));
    assertEquals("", server.parentSpanId(), "a root of its own");
    assertEquals("http://127.0.0.1:" + http.port() + "/hello/malformed", server.attribute("http.url"), "no query: " + server);
    assertEquals(QueryRedaction.REDACTED, server.attribute("url.query"));
    assertTrue(spans.stream().noneMatch(span -> span.attributes().toString().contains(SECRET)), spans.toString());
    assertEquals(32, server.traceId().length());
    assertNotEquals("0".repeat(32), server.traceId());
    // the probes ended before it, and the exporter sends in that order
    assertTrue(spans.stream().noneMatch(span -> "/health".equals(span.attribute("url.path")) || "/metrics".equals(span.attribute("url.path"))), spans.toString());
  }

  @Test
  void aTcpBridgeFramesTraceparentHeaderContinuesItsTrace() throws Exception {
    MainVerticle main = deploy(false);
    try (BridgeClient client = new BridgeClient(main.bridgePort())) {
      client.send(BridgeClient.request(Addresses.HELLO, "r1", new JsonObject().put("name", "Ada"))
          .put("headers", new JsonObject().put("traceparent", "00-" + TRACE + "-" + CALLER_SPAN + "-01")));
      JsonObject reply = client.read();
      assertEquals("message", reply.getString("type"), reply.encode());
      // the reply went within the handler's span; its trace headers stay on the bus
      assertTrue(reply.getJsonObject("headers").isEmpty(), reply.encode());
    }
    List<Span> spans = receiver.await(all -> all.stream().anyMatch(span -> Addresses.HELLO.equals(span.attribute("messaging.destination.name"))), 20);
    Span handled = only(spans, span -> Addresses.HELLO.equals(span.attribute("messaging.destination.name")));
    assertEquals("SERVER", handled.kind());
    assertEquals(TRACE, handled.traceId());
    assertEquals(CALLER_SPAN, handled.parentSpanId());
  }

  @Test
  void atRatioZeroACallersSampledFlagDoesNotMakeTandemRecordAnything() throws Exception {
    Http http = new Http(deploy(false, 0.0).httpPort());
    HttpResponse<String> hello = http.send(http.request("/hello/Ada").header("traceparent", "00-" + TRACE + "-" + CALLER_SPAN + "-01").GET().build());
    assertEquals(200, hello.statusCode());
    vertx.close().await(10, TimeUnit.SECONDS);
    vertx = null;
    tracing.close(); // every span recorded is sent by now
    tracing = null;
    assertEquals(List.of(), receiver.spans());
  }

  @Test
  void withoutAnEndpointThereIsNoTracerAtAll() {
    assertNull(Tracing.of(new TracingSettings(null, 1.0, false, TracingSettings.DEFAULT_SERVICE_NAME), MetricsSettings.DEFAULT_PATH));
    // vertx-opentelemetry is on the class path, and registers itself as a provider: it must not switch itself on
    vertx = Metrics.builder(new VertxOptions(), new MetricsSettings(true, MetricsSettings.DEFAULT_PATH)).build();
    assertNull(((VertxInternal) vertx).tracer());
  }

  private static Span only(List<Span> spans, java.util.function.Predicate<Span> which) {
    List<Span> found = spans.stream().filter(which).toList();
    assertEquals(1, found.size(), spans.toString());
    return found.get(0);
  }
}
