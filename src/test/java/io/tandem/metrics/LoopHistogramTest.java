package io.tandem.metrics;

import io.netty.util.concurrent.FastThreadLocalThread;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoopHistogramTest {

  private static final double[] BOUNDS = {0.001, 0.01};

  @Test
  void aValueOnABoundCountsInThatBucketAndTheRestAbove() {
    LoopHistogram histogram = new LoopHistogram("t_seconds", "test", BOUNDS, "route");
    LoopHistogram.Series series = histogram.series("/");
    series.observe(1_000_000); // exactly 1 ms: le="0.001"
    series.observe(1_000_001);
    series.observe(20_000_000_000L);
    HistogramDataPointSnapshot point = histogram.collect().getDataPoints().get(0);
    ClassicHistogramBuckets buckets = point.getClassicBuckets();
    // each bucket's own count: the exposition writes them cumulated (ScrapeTest reads le="10.0")
    assertEquals(List.of(1L, 1L, 1L), List.of(buckets.getCount(0), buckets.getCount(1), buckets.getCount(2)));
    assertEquals(Double.POSITIVE_INFINITY, buckets.getUpperBound(2));
    assertEquals(3, point.getCount());
    assertEquals(20.002000001, point.getSum(), 1e-9);
    assertEquals("route", point.getLabels().getName(0));
  }

  @Test
  void eachThreadsCellsAreSummedAtTheScrape() throws Exception {
    LoopHistogram histogram = new LoopHistogram("t_seconds", "test", BOUNDS, "route");
    LoopHistogram.Series series = histogram.series("/");
    List<Thread> loops = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      // event loops are Netty's FastThreadLocalThreads; any other thread works too, on a slower path
      Thread loop = t % 2 == 0 ? new FastThreadLocalThread(() -> observe(series)) : new Thread(() -> observe(series));
      loops.add(loop);
      loop.start();
    }
    for (Thread loop : loops) {
      loop.join();
    }
    HistogramSnapshot snapshot = histogram.collect();
    assertEquals(1, snapshot.getDataPoints().size());
    HistogramDataPointSnapshot point = snapshot.getDataPoints().get(0);
    assertEquals(4 * 100_000, point.getCount());
    assertEquals(4 * 100_000 * 0.0005, point.getSum(), 1e-6);
    assertEquals(4 * 100_000, point.getClassicBuckets().getCount(0));
  }

  private static void observe(LoopHistogram.Series series) {
    for (int i = 0; i < 100_000; i++) {
      series.observe(500_000);
    }
  }
}
