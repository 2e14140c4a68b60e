package io.tandem.metrics;

import io.netty.util.concurrent.FastThreadLocal;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A classic Prometheus histogram of durations written by event loops: each thread counts into
 * cells of its own with plain writes, and a scrape sums the cells. The Prometheus client's own
 * histogram adds to shared striped adders and a buffer counter on every observation; on the
 * {@code GET /} path that was 3 % of the server's CPU, here it is a thread-local read and two
 * stores. A scrape may see a bucket's count a request ahead of the sum: Prometheus rates are
 * unaffected.
 */
final class LoopHistogram implements Collector {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final double NANOS_PER_SECOND = 1e9;

  private final String name;
  private final String help;
  private final String[] labelNames;
  /** Upper bounds in nanoseconds, and the same in seconds with +Inf last for the snapshot. */
  private final long[] boundsNanos;
  private final double[] upperBounds;
  /** Buckets (the last one +Inf), then the sum of nanoseconds. */
  private final int sumSlot;
  private final Queue<Series> all = new ConcurrentLinkedQueue<>();

  LoopHistogram(String name, String help, double[] boundsSeconds, String... labelNames) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.boundsNanos = new long[boundsSeconds.length];
    this.upperBounds = new double[boundsSeconds.length + 1];
    for (int i = 0; i < boundsSeconds.length; i++) {
      boundsNanos[i] = Math.round(boundsSeconds[i] * NANOS_PER_SECOND);
      upperBounds[i] = boundsSeconds[i];
    }
    upperBounds[boundsSeconds.length] = Double.POSITIVE_INFINITY;
    this.sumSlot = boundsSeconds.length + 1;
  }

  /** A new series with these label values: made once per set of values by the caller, which keeps it. */
  Series series(String... labelValues) {
    Series series = new Series(Labels.of(labelNames, labelValues));
    all.add(series);
    return series;
  }

  @Override
  public HistogramSnapshot collect() {
    List<HistogramDataPointSnapshot> points = new ArrayList<>();
    for (Series series : all) {
      long[] counts = new long[upperBounds.length];
      long sumNanos = 0;
      for (long[] cell : series.cells) {
        for (int b = 0; b < counts.length; b++) {
          counts[b] += (long) LONGS.getOpaque(cell, b);
        }
        sumNanos += (long) LONGS.getOpaque(cell, sumSlot);
      }
      points.add(new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(upperBounds, counts), sumNanos / NANOS_PER_SECOND,
          series.labels, Exemplars.EMPTY, 0L));
    }
    return new HistogramSnapshot(new MetricMetadata(name, help), points);
  }

  @Override
  public String getPrometheusName() {
    return name;
  }

  /** One set of label values; {@link #observe} from any thread, each counting into its own cell. */
  final class Series {
    private final Labels labels;
    private final Queue<long[]> cells = new ConcurrentLinkedQueue<>();
    private final FastThreadLocal<long[]> cell = new FastThreadLocal<>() {
      @Override
      protected long[] initialValue() {
        long[] mine = new long[sumSlot + 1];
        cells.add(mine);
        return mine;
      }
    };

    private Series(Labels labels) {
      this.labels = labels;
    }

    void observe(long nanos) {
      long[] mine = cell.get();
      int bucket = 0;
      while (bucket < boundsNanos.length && nanos > boundsNanos[bucket]) {
        bucket++;
      }
      // only this thread writes its cell: opaque stores are plain ones that a scrape's opaque reads see whole
      LONGS.setOpaque(mine, bucket, (long) LONGS.getOpaque(mine, bucket) + 1);
      LONGS.setOpaque(mine, sumSlot, (long) LONGS.getOpaque(mine, sumSlot) + nanos);
    }
  }
}
