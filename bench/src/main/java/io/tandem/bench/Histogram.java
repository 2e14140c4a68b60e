package io.tandem.bench;

/**
 * Latencies in microseconds, exact below 1024 µs and within 0.2 % above (512 sub-buckets per
 * power of two), so recording is an array increment and percentiles need no stored samples.
 * Not thread-safe: each load generator records on its one event loop.
 */
final class Histogram {

  private static final int EXACT = 1024;
  private static final int SUB_BUCKETS = 512;

  private final long[] counts = new long[EXACT + 64 * SUB_BUCKETS];
  private long total;

  void record(long micros) {
    counts[index(Math.max(0, micros))]++;
    total++;
  }

  long count() {
    return total;
  }

  void reset() {
    java.util.Arrays.fill(counts, 0);
    total = 0;
  }

  /** The smallest recorded value at or above the given fraction of all values (0 < q ≤ 1). */
  long percentile(double q) {
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return lowerBound(i);
      }
    }
    return 0;
  }

  private static int index(long v) {
    if (v < EXACT) {
      return (int) v;
    }
    int shift = 63 - Long.numberOfLeadingZeros(v) - 9;
    return EXACT + (shift - 1) * SUB_BUCKETS + (int) ((v >> shift) - SUB_BUCKETS);
  }

  private static long lowerBound(int index) {
    if (index < EXACT) {
      return index;
    }
    int shift = (index - EXACT) / SUB_BUCKETS + 1;
    long top = (index - EXACT) % SUB_BUCKETS + SUB_BUCKETS;
    return top << shift;
  }
}
