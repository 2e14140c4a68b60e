package io.tandem.net;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.config.HostPattern;
import io.tandem.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who may open one more connection to a listener (all its verticle instances together): at most
 * {@code max} open, at most {@code maxPerClient} from one client (an IPv4 address or an IPv6 /64)
 * unless its address is unlimited, and never past the process's {@link Descriptors}. A connection over any of them is
 * to be closed at once; the gate counts it and logs at most a line a second per listener.
 * Thread-safe: instances on every event loop share it.
 */
public final class ConnectionGate implements Shareable {

  /** The answer to a new connection. */
  public enum Admission {
    ADMITTED, PROBE_ONLY, OVER_MAX, OVER_CLIENT, OVER_DESCRIPTORS;

    public boolean admitted() {
      return this == ADMITTED || this == PROBE_ONLY;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);
  private static final String MAP = "tandem.gates";
  /** The label of connection meters naming the listener: its config section. */
  public static final String LISTENER = "listener";
  /** The reason label of a refusal at {@code <listener>.maxConnections}. */
  public static final String MAX_CONNECTIONS = "max_connections";
  /**
   * Connections in the probe tier one client may hold: a health checker asks on one at a time,
   * and a flood from a few hosts must not take the whole tier from the checkers.
   */
  static final int PROBES_PER_CLIENT = 2;

  private final String section;
  private final int max;
  private final int maxPerClient;
  private final List<HostPattern> unlimited;
  private final Descriptors descriptors;
  private final boolean probes;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> probesPerClient = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final LogLimit refusalLog = new LogLimit();
  /** Filled before the gate is shared: the refusals this gate can make, by why. */
  private final Map<Admission, Counter> refusals = new EnumMap<>(Admission.class);

  /**
   * @param section      the listener's config section, named in the log ({@code http}, {@code tcp}, {@code bridge})
   * @param max          open connections at most; {@link Integer#MAX_VALUE} when the listener counts them itself
   * @param maxPerClient open connections from one address at most; 0 = no such cap
   * @param probes       whether a connection past the ordinary budget may still ask for health (HTTP)
   */
  ConnectionGate(String section, int max, int maxPerClient, List<HostPattern> unlimited, Descriptors descriptors,
                 boolean probes) {
    this.section = section;
    this.max = max;
    this.maxPerClient = maxPerClient;
    this.unlimited = List.copyOf(unlimited);
    this.descriptors = descriptors;
    this.probes = probes;
  }

  /** The gate of one listener, shared by its instances. */
  public static ConnectionGate of(Vertx vertx, String section, int max, int maxPerClient, List<HostPattern> unlimited,
                                  int descriptorReserve, boolean probes) {
    Descriptors descriptors = Descriptors.of(vertx, descriptorReserve);
    return vertx.sharedData().<String, ConnectionGate>getLocalMap(MAP).computeIfAbsent(section,
        key -> new ConnectionGate(section, max, maxPerClient, unlimited, descriptors, probes).metered(Metrics.registry(vertx)));
  }

  /**
   * Its meters: {@code tandem.connections} open and {@code tandem.connections.refused} by reason,
   * labelled with the listener's section, the refusals it can make counted from zero.
   */
  ConnectionGate metered(MeterRegistry registry) {
    Gauge.builder("tandem.connections", open, AtomicInteger::get).description("Connections open, by listener")
        .tag(LISTENER, section).register(registry);
    if (max < Integer.MAX_VALUE) {
      refusals.put(Admission.OVER_MAX, refusalCounter(registry, section, MAX_CONNECTIONS));
    }
    if (maxPerClient > 0) {
      refusals.put(Admission.OVER_CLIENT, refusalCounter(registry, section, "max_connections_per_client"));
    }
    refusals.put(Admission.OVER_DESCRIPTORS, refusalCounter(registry, section, "descriptors"));
    return this;
  }

  /** The counter of connections {@code listener} refused for {@code reason}: the gate's, or a listener's own cap. */
  public static Counter refusalCounter(MeterRegistry registry, String listener, String reason) {
    return Counter.builder("tandem.connections.refused").description("Connections refused, by listener and the limit reached")
        .tag(LISTENER, listener).tag("reason", reason).register(registry);
  }

  /** The address of a channel's peer, as {@link #admit} takes it (null if it has none). */
  public static InetAddress remoteOf(SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  /** Counts a new connection in, or refuses it; an admitted one must be {@link #release}d once closed. */
  public Admission admit(InetAddress remote) {
    boolean capped = maxPerClient > 0 && remote != null && !isUnlimited(remote);
    if (capped && perClient.merge(client(remote), 1, Integer::sum) > maxPerClient) {
      releaseClient(remote);
      return refuse(Admission.OVER_CLIENT, remote);
    }
    int before = open.getAndIncrement();
    if (before >= max) {
      open.decrementAndGet();
      if (capped) {
        releaseClient(remote);
      }
      return refuse(Admission.OVER_MAX, remote);
    }
    Descriptors.Tier tier = descriptors.take(before);
    if (tier == Descriptors.Tier.ORDINARY) {
      return Admission.ADMITTED;
    }
    if (tier == Descriptors.Tier.PROBE_ONLY && probes && takeProbe(remote)) {
      return Admission.PROBE_ONLY;
    }
    if (tier != Descriptors.Tier.NONE) {
      descriptors.release();
    }
    open.decrementAndGet();
    if (capped) {
      releaseClient(remote);
    }
    return refuse(Admission.OVER_DESCRIPTORS, remote);
  }

  /** Gives back what {@link #admit} took for a connection now closed, with the admission it had. */
  public void release(InetAddress remote, Admission admission) {
    descriptors.release();
    open.decrementAndGet();
    if (maxPerClient > 0 && remote != null && !isUnlimited(remote)) {
      releaseClient(remote);
    }
    if (admission == Admission.PROBE_ONLY && remote != null && !isUnlimited(remote)) {
      probesPerClient.computeIfPresent(client(remote), (key, count) -> count <= 1 ? null : count - 1);
    }
  }

  /**
   * Counts {@code extra} more against the client's cap, for a connection that carries more than
   * one request at once (an HTTP/2 connection's streams beyond its first); false, counting
   * nothing, when that passes the cap. What it took is given back with {@link #giveBack}.
   */
  public boolean takeMore(InetAddress remote, int extra) {
    if (maxPerClient == 0 || remote == null || isUnlimited(remote)) {
      return true;
    }
    InetAddress client = client(remote);
    if (perClient.merge(client, extra, Integer::sum) <= maxPerClient) {
      return true;
    }
    giveBack(remote, extra);
    refuse(Admission.OVER_CLIENT, remote);
    return false;
  }

  /** Gives back what {@link #takeMore} took. */
  public void giveBack(InetAddress remote, int extra) {
    if (maxPerClient == 0 || remote == null || isUnlimited(remote)) {
      return;
    }
    perClient.computeIfPresent(client(remote), (key, count) -> count <= extra ? null : count - extra);
  }

  private boolean takeProbe(InetAddress remote) {
    if (remote == null || isUnlimited(remote)) {
      return true;
    }
    InetAddress client = client(remote);
    if (probesPerClient.merge(client, 1, Integer::sum) <= PROBES_PER_CLIENT) {
      return true;
    }
    probesPerClient.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    return false;
  }

  public int openCount() {
    return open.get();
  }

  public long refusedCount() {
    return refused.get();
  }

  private boolean isUnlimited(InetAddress remote) {
    for (HostPattern pattern : unlimited) {
      if (pattern.matches(remote.getHostAddress(), remote)) {
        return true;
      }
    }
    return false;
  }

  private void releaseClient(InetAddress remote) {
    perClient.computeIfPresent(client(remote), (key, count) -> count <= 1 ? null : count - 1);
  }

  /**
   * Whom a connection counts against: its IPv4 address, or its IPv6 /64. One IPv6 host is handed
   * a whole /64 (RFC 7421) and picks any address in it, so a cap per address would cap nothing.
   */
  static InetAddress client(InetAddress remote) {
    if (!(remote instanceof Inet6Address)) {
      return remote;
    }
    byte[] prefix = remote.getAddress();
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 16 bytes are always an address
    }
  }

  private Admission refuse(Admission why, InetAddress remote) {
    long count = refused.incrementAndGet();
    Counter counter = refusals.get(why);
    if (counter != null) {
      counter.increment();
    }
    if (refusalLog.allows()) {
      String rule = switch (why) {
        case OVER_CLIENT -> section + ".maxConnectionsPerClient (" + maxPerClient + ") reached for that address";
        case OVER_MAX -> section + ".maxConnections (" + max + ") reached";
        default -> "the descriptor budget (" + descriptors.budget() + ", reserve " + descriptors.reserve() + ") reached";
      };
      log.warn("refused a {} connection from {}: {}; {} refused so far", section,
          remote == null ? "?" : remote.getHostAddress(), rule, count);
    }
    return why;
  }
}
