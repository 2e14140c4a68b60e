package io.tandem.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

import java.util.List;

/**
 * The JVM's meters ({@code jvm_*}, {@code process_*}, {@code system_*}): the binders
 * vertx-micrometer-metrics binds when its JVM metrics are on, bound here instead, once the
 * service is ready, on a worker. Each reads the platform's management beans, and setting those up
 * (the memory pools, the collectors, the operating system's bean with its container limits) is
 * about a tenth of Tandem's start on one core: time no request is waiting for.
 */
final class JvmMeters implements AutoCloseable {

  private final List<MeterBinder> binders = List.of(new ClassLoaderMetrics(), new JvmCompilationMetrics(),
      new JvmGcMetrics(), new JvmHeapPressureMetrics(), new JvmInfoMetrics(), new JvmMemoryMetrics(),
      new JvmThreadMetrics(), new ProcessorMetrics(), new UptimeMetrics());

  /** Blocking: on a worker. */
  static JvmMeters bind(MeterRegistry registry) {
    JvmMeters meters = new JvmMeters();
    meters.binders.forEach(binder -> binder.bindTo(registry));
    return meters;
  }

  /** Stops what listens to the collectors (the GC and heap-pressure binders). */
  @Override
  public void close() {
    for (MeterBinder binder : binders) {
      if (binder instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // closing at shutdown: nothing more to release
        }
      }
    }
  }
}
