package io.tandem.echo;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.core.shareddata.Shareable;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TCP connections of one Vert.x instance, shared by all echo verticle instances: the
 * process-wide connection cap, connection ids, and the lookup {@code tandem.tcp.send} needs
 * whichever event loop its message lands on (NetSocket writes are thread-safe).
 *
 * <p>Ids are {@code <node>-<sequence>}, where the node part is 48 random bits: ids stay unique
 * across the processes of a clustered bus, and name the process that holds the connection.
 */
final class TcpConnections implements Shareable {

  private static final String MAP = "tandem.tcp";
  private static final String KEY = "connections";

  private final String node;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final Map<String, NetSocket> open = new ConcurrentHashMap<>();

  private TcpConnections() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    node = HexFormat.of().formatHex(random);
  }

  static TcpConnections of(Vertx vertx) {
    return vertx.sharedData().<String, TcpConnections>getLocalMap(MAP).computeIfAbsent(KEY, key -> new TcpConnections());
  }

  /** An id for a new connection, or null when {@code max} are open (the refusal is counted). */
  String admit(int max) {
    if (admitted.incrementAndGet() > max) {
      admitted.decrementAndGet();
      refused.incrementAndGet();
      return null;
    }
    return node + "-" + sequence.incrementAndGet();
  }

  /** This process's part of every id it hands out. */
  String node() {
    return node;
  }

  /** The node part of a connection id, or null when the id has none. */
  static String nodeOf(String id) {
    int dash = id.indexOf('-');
    return dash > 0 ? id.substring(0, dash) : null;
  }

  void register(String id, NetSocket socket) {
    open.put(id, socket);
  }

  /** Frees the slot of an admitted connection. */
  void release(String id) {
    open.remove(id);
    admitted.decrementAndGet();
  }

  NetSocket find(String id) {
    return open.get(id);
  }

  int openCount() {
    return admitted.get();
  }

  long refusedCount() {
    return refused.get();
  }
}
