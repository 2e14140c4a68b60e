package io.tandem.net;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * An allowance of published lines: a token bucket holding at most one second's worth, so a client
 * typing in bursts is never held back, while lines streamed at wire speed cannot flood the bus (a
 * publish has no backpressure: every observer would have to keep up). A connection's allowance
 * can draw on a shared one too (its verticle instance's), so many connections together are
 * bounded as well. Confined to one event loop.
 */
public final class LineRate {

  private static final long BURST_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final long nanosPerLine;
  private final LongSupplier clock;
  private final LineRate shared;
  private long credit = BURST_NANOS;
  private long last;

  /** @param shared an allowance this one also draws on, or null */
  public LineRate(int linesPerSecond, LongSupplier clock, LineRate shared) {
    this.nanosPerLine = BURST_NANOS / linesPerSecond;
    this.clock = clock;
    this.shared = shared;
    this.last = clock.getAsLong();
  }

  /** The clock reading to pass to {@link #tryTake}: one per read, not one per line. */
  public long now() {
    return clock.getAsLong();
  }

  /** Whether one more line may be published at {@code now}; takes it from every allowance if so. */
  public boolean tryTake(long now) {
    if (!refill(now) || (shared != null && !shared.refill(now))) {
      return false;
    }
    credit -= nanosPerLine;
    if (shared != null) {
      shared.credit -= shared.nanosPerLine;
    }
    return true;
  }

  /** Adds the credit earned since the last call; true when a line's worth is there. */
  private boolean refill(long now) {
    credit = Math.min(BURST_NANOS, credit + (now - last));
    last = now;
    return credit >= nanosPerLine;
  }
}
