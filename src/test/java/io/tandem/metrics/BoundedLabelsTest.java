package io.tandem.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every label value a client can choose ends up as one of a fixed few. */
class BoundedLabelsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();

  BoundedLabelsTest() {
    registry.config().meterFilter(new BoundedLabels());
  }

  @Test
  void addressesAreTandemsOwnTheirTemplatesOrOther() {
    assertEquals("tandem.fetch", labelled("address", "tandem.fetch"));
    assertEquals("tandem.fetch.progress.{name}", labelled("address", "tandem.fetch.progress.job-42"));
    assertEquals("tandem.fetch.url.{node}", labelled("address", "tandem.fetch.url.5f2c"));
    assertEquals("tandem.tcp.send.{node}", labelled("address", "tandem.tcp.send.a1b2"));
    assertEquals("other", labelled("address", "__vertx.reply.17"));
    assertEquals("other", labelled("address", "my.own.service"));
    assertEquals("other", labelled("address", "tandem.fetchx"));
  }

  @Test
  void methodsAreTheStandardOnesOrOther() {
    assertEquals("PATCH", labelled("method", "PATCH"));
    assertEquals("other", labelled("method", "PROPFIND"));
    assertEquals("other", labelled("method", "get"));
  }

  @Test
  void routesAreTemplatesWithEachRouteOnce() {
    assertEquals("/hello/{name}", labelled("route", "/hello/:name"));
    assertEquals("/fetch", labelled("route", "/fetch>/fetch"));
    assertEquals("/eventbus/*>/info", labelled("route", "/eventbus/*>/eventbus/*>/info"));
    assertEquals("", labelled("route", ""));
  }

  @Test
  void theConnectionPoolsOfAnHttpClientAreOne() {
    Counter first = Counter.builder("vertx.pool.completed").tag("pool_type", "http").tag("pool_name", "a.example:443").register(registry);
    Counter second = Counter.builder("vertx.pool.completed").tag("pool_type", "http").tag("pool_name", "b.example:80").register(registry);
    assertEquals(first, second);
    assertEquals("http-client", first.getId().getTag("pool_name"));
    Counter workers = Counter.builder("vertx.pool.completed").tag("pool_type", "worker").tag("pool_name", "vert.x-worker-thread")
        .register(registry);
    assertEquals("vert.x-worker-thread", workers.getId().getTag("pool_name"));
  }

  private String labelled(String key, String value) {
    return Counter.builder("probe." + key).tag(key, value).register(registry).getId().getTag(key);
  }
}
