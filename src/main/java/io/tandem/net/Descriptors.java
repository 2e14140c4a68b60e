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
 * <p>The budget is RLIMIT_NOFILE less what was open when the first listener started (jars,
 * selectors, listening sockets). A {@code reserve} of it is kept from any one listener: one
 * listener's connections stop at {@code budget - reserve}; all listeners' ordinary connections
 * at {@code budget - reserve / 2}, which leaves the other listeners room; an HTTP connection
 * that may only ask {@code /health} or {@code /ready} at {@code budget - reserve / 4}; and the
 * last quarter is for the fetcher's connections and files. Counting is ours, not the kernel's: a
 * count of open descriptors reads {@code /proc/self/fd}, far too slow for every connection.
 */
public final class Descriptors implements Shareable {

  /** What a connection may do once admitted. */
  public enum Tier { ORDINARY, PROBE_ONLY, NONE }

  private static final String MAP = "tandem.descriptors";
  private static final String KEY = "budget";

  private final int budget;
  private final int reserve;
  private final AtomicInteger open = new AtomicInteger();

  /**
   * @param limit   the most descriptors the process may hold
   * @param inUse   those already taken by other things
   * @param reserve kept from any one listener; at most a quarter of what is left
   */
  Descriptors(long limit, long inUse, int reserve) {
    this.budget = (int) Math.max(0, Math.min(Integer.MAX_VALUE, limit - inUse));
    this.reserve = Math.min(reserve, budget / 4);
  }

  /** The process's budget, read once per Vert.x instance (by the first listener to start). */
  public static Descriptors of(Vertx vertx, int reserve) {
    return vertx.sharedData().<String, Descriptors>getLocalMap(MAP).computeIfAbsent(KEY, key -> {
      OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof UnixOperatingSystemMXBean unix) {
        return new Descriptors(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount(), reserve);
      }
      return new Descriptors(Integer.MAX_VALUE, 0, reserve); // not a Unix: no limit we can read
    });
  }

  /**
   * Takes a descriptor for a new connection of a listener that has {@code listenerOpen} open
   * (this one not counted); {@link #release()} it when the connection closes, unless NONE.
   */
  public Tier take(int listenerOpen) {
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
