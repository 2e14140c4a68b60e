package io.tandem.echo;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A connection's allowance of published lines: a token bucket holding at most one second's worth,
 * so a client typing in bursts is never held back, while one that streams lines at wire speed
 * cannot flood the bus (a publish has no backpressure: every observer would have to keep up).
 * Confined to the connection's event loop.
 */
final class LineRate {

  private static final long BURST_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final long nanosPerLine;
  private final LongSupplier clock;
  private long credit = BURST_NANOS;
  private long last;

  LineRate(int linesPerSecond, LongSupplier clock) {
    this.nanosPerLine = BURST_NANOS / linesPerSecond;
    this.clock = clock;
    this.last = clock.getAsLong();
  }

  /** Whether one more line may be published now; takes it from the allowance if so. */
  boolean tryTake() {
    long now = clock.getAsLong();
    credit = Math.min(BURST_NANOS, credit + (now - last));
    last = now;
    if (credit < nanosPerLine) {
      return false;
    }
    credit -= nanosPerLine;
    return true;
  }
}
