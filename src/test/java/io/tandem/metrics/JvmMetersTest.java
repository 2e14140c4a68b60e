package io.tandem.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.config.MetricsSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class JvmMetersTest {

  private final Vertx vertx = Metrics.builder(new VertxOptions(), new MetricsSettings(true, MetricsSettings.DEFAULT_PATH)).build();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theJvmsMetersAreBoundWhenAskedForNotWhenVertxStarts() throws Exception {
    MeterRegistry registry = Metrics.registry(vertx);
    assertNull(registry.find("jvm.memory.used").gauge(), "bound with Vert.x: start-up would pay for the management beans");
    Future<Void> bound = Metrics.jvmMeters(vertx);
    assertSame(bound, Metrics.jvmMeters(vertx), "bound once");
    bound.await(10, TimeUnit.SECONDS);
    assertNotNull(registry.find("jvm.memory.used").tag("area", "heap").gauge());
    assertNotNull(registry.find("jvm.gc.max.data.size").gauge(), "the collectors'");
    assertNotNull(registry.find("jvm.threads.live").gauge());
    assertNotNull(registry.find("jvm.classes.loaded").gauge());
    assertNotNull(registry.find("process.cpu.usage").gauge());
    assertNotNull(registry.find("process.uptime").timeGauge());
    assertNotNull(registry.find("jvm.info").gauge());
    assertNotNull(registry.find("jvm.compilation.time").functionCounter(), "compilation");
    assertNotNull(registry.find("jvm.memory.usage.after.gc").gauge(), "heap pressure");
  }
}
