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
  void methodsAreTheStandardOnesOrOther() {
    assertEquals("PATCH", labelled("method", "PATCH"));
    assertEquals("other", labelled("method", "PROPFIND"));
    assertEquals("other", labelled("method", "get"));
  }

  @Test
  void routesAreTemplatesWithEachRouteOnce() {
    assertEquals("/hello/{name}", BoundedLabels.template("/hello/:name"));
    assertEquals("/fetch", BoundedLabels.template("/fetch>/fetch"));
    assertEquals("/eventbus/*>/info", BoundedLabels.template("/eventbus/*>/eventbus/*>/info"));
    assertEquals("", BoundedLabels.template(""));
  }

  private String labelled(String key, String value) {
    return Counter.builder("probe." + key).tag(key, value).register(registry).getId().getTag(key);
  }
}
