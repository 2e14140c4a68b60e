package io.tandem.net;

import com.sun.management.UnixOperatingSystemMXBean;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's file descriptors as a budget for the connections of every listener together, so
 * that a flood on one listener ends in refused connections, never in {@code EMFILE}: past the
 * limit nothing can be accepted, opened or fetched, and Netty's acceptor logs every attempt.
 *
 * <p>The budget is RLIMIT_NOFILE less what everything else holds (jars, selectors, the fetcher's
 * connections, files), re-read every {@value #REFRESH_MS} ms on a worker thread: counting open
 * descriptors lists {@code /proc/self/fd}, far too slow for every connection, so connections are
 * counted here and the rest is what the kernel's count has more. A {@code reserve} of the budget
 * is kept from any one listener: one listener's connections stop at {@code budget - reserve}; all
 * listeners' ordinary connections at {@code budget - reserve / 2}, which leaves the other
 * listeners room; an HTTP connection that may only ask {@code /health} or {@code /ready} at
 * {@code budget - reserve / 4}; the last quarter is slack for what grows between two reads.
 */
public final class Descriptors implements Shareable {

  /** What a connection may do once admitted. */
  public enum Tier { ORDINARY, PROBE_ONLY, NONE }

  private static final String MAP = "tandem.descriptors";
  private static final String KEY = "budget";
  static final long REFRESH_MS = 1000;

  private final long limit;
  private final int configuredReserve;
  private final AtomicInteger open = new AtomicInteger();
  private volatile int budget;
  private volatile int reserve;
  private long lastReading;

  /**
   * @param limit   the most descriptors the process may hold
   * @param inUse   those taken by other things than counted connections
   * @param reserve kept from any one listener; at most a quarter of the budget
   */
  Descriptors(long limit, long inUse, int reserve) {
    this.limit = limit;
    this.configuredReserve = reserve;
    this.lastReading = inUse;
    setOthers(inUse);
  }

  /** The process's budget, one per Vert.x instance; the first listener to start sets up its refresh. */
  public static Descriptors of(Vertx vertx, int reserve) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    boolean[] created = new boolean[1];
    Descriptors descriptors = vertx.sharedData().<String, Descriptors>getLocalMap(MAP).computeIfAbsent(KEY, key -> {
      created[0] = true;
      return os instanceof UnixOperatingSystemMXBean unix
          ? new Descriptors(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount(), reserve)
          : new Descriptors(Integer.MAX_VALUE, 0, reserve); // not a Unix: no limit we can read
    });
    if (created[0] && os instanceof UnixOperatingSystemMXBean unix) {
      // both counts on the worker, together: read later on a busy event loop, ours would have moved on
      vertx.setPeriodic(REFRESH_MS, tick -> vertx.executeBlocking(() -> {
        int before = descriptors.open.get();
        long kernel = unix.getOpenFileDescriptorCount();
        return kernel - Math.max(before, descriptors.open.get());
      }, false).onSuccess(descriptors::refresh));
    }
    return descriptors;
  }

  /**
   * From a reading of what others hold: the kernel's count of open descriptors less the
   * connections counted here. A fall counts at once; a rise only once two readings in a row show
   * it, because during a burst the kernel also counts connections accepted and not yet admitted
   * (or refused and not yet closed), and one such reading would shrink the budget under what is
   * admitted already and refuse even the probes and the other listeners until the next one.
   */
  synchronized void refresh(long othersNow) {
    long reading = Math.max(0, othersNow);
    setOthers(Math.min(reading, lastReading));
    lastReading = reading;
  }

  private void setOthers(long others) {
    int free = (int) Math.max(0, Math.min(Integer.MAX_VALUE, limit - others));
    reserve = Math.min(configuredReserve, free / 4);
    budget = free;
  }

  /**
   * Takes a descriptor for a new connection of a listener that has {@code listenerOpen} open
   * (this one not counted); {@link #release()} it when the connection closes, unless NONE.
   */
  public Tier take(int listenerOpen) {
    int budget = this.budget;
    int reserve = this.reserve;
    int total = open.incrementAndGet();
    if (listenerOpen < budget - reserve && total <= budget - reserve / 2) {
      return Tier.ORDINARY;
    }
    if (total <= budget - reserve / 4) {
      return Tier.PROBE_ONLY;
    }
    open.decrementAndGet();
    return Tier.NONE;
  }

  public void release() {
    open.decrementAndGet();
  }

  public int budget() {
    return budget;
  }

  public int reserve() {
    return reserve;
  }
}
