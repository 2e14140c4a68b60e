package io.tandem.fetch;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.metrics.Metrics;
import io.tandem.testing.MeteredVertx;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fetcher's meters: outcomes, durations, retries, chains, from real fetches of a real origin. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchMetersTest {

  private Vertx vertx;
  private MeterRegistry registry;
  private Origin origin;
  private FetchService fetcher;

  @BeforeEach
  void start() throws Exception {
    vertx = MeteredVertx.create();
    registry = Metrics.registry(vertx);
    origin = Origin.start(vertx);
    fetcher = FetchService.deploy(vertx, new JsonObject());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void urlsAreCountedByOutcomeAndRetriesByTheStatusThatMadeThem() throws Exception {
    JsonObject reply = fetcher.fetch(new JsonObject().put("urls", new JsonArray()
            .add(origin.url("/flaky/m?fails=2")).add(origin.url("/status/500")).add(origin.url("/hang")).add("ftp://x/"))
        .put("timeoutMs", 300).put("retry", new JsonObject().put("attempts", 2).put("backoffMs", 1).put("on", new JsonArray().add(503))));
    assertEquals(1, reply.getInteger("succeeded"), reply.encode());
    assertEquals(1, urls("ok"));
    assertEquals(1, urls("http_error"));
    assertEquals(1, urls("timeout"));
    assertEquals(1, urls("blocked"));
    assertEquals(0, urls("dns"));
    assertEquals(2, registry.get("tandem.fetch.retries").tag("reason", "503").counter().count());
    assertEquals(1, registry.get("tandem.fetch.url.duration").tag("outcome", "timeout").timer().count());
    assertEquals(1, registry.get("tandem.fetch.batches").tag("kind", "batch").counter().count());
    assertEquals(0, registry.get("tandem.fetch.urls.in.flight").gauge().value());

    JsonObject chain = fetcher.chain(new JsonObject().put("url", origin.url("/chain/0?n=3")));
    assertEquals(3, chain.getJsonArray("hops").size(), chain.encode());
    assertEquals(1, registry.get("tandem.fetch.batches").tag("kind", "chain").counter().count());
    assertEquals(4, urls("ok"), "each hop of a chain is a URL");
  }

  private double urls(String outcome) {
    return registry.get("tandem.fetch.urls").tag("outcome", outcome).counter().count();
  }
}
