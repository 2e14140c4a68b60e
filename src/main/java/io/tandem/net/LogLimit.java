package io.tandem.net;

import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one log line a second for one kind of client trouble. A client (or many) repeating a
 * mistake must not be able to fill the disk or drown the operator's lines, so every line about
 * clients, on every listener, passes one of these; the lines held back are counted and the next
 * line written can say how many. Thread-safe: a limit may be shared by every event loop.
 */
public final class LogLimit implements Shareable {

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final LongSupplier clock;
  private final AtomicLong last;
  private final AtomicLong heldBack = new AtomicLong();

  public LogLimit() {
    this(System::nanoTime);
  }

  LogLimit(LongSupplier clock) {
    this.clock = clock;
    this.last = new AtomicLong(clock.getAsLong() - INTERVAL_NANOS);
  }

  /** Whether a line may be written now; one that may not is counted as held back. */
  public boolean allows() {
    long now = clock.getAsLong();
    long then = last.get();
    if (now - then >= INTERVAL_NANOS && last.compareAndSet(then, now)) {
      return true;
    }
    heldBack.incrementAndGet();
    return false;
  }

  /** The lines held back since this was last asked, for the line being written to mention. */
  public long takeHeldBack() {
    return heldBack.getAndSet(0);
  }

  /** {@code " (N more since the last such line)"}, or nothing when none was held back. */
  public String heldBackNote() {
    long more = takeHeldBack();
    return more == 0 ? "" : " (" + more + " more since the last such line)";
  }
}
