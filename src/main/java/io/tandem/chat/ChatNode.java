package io.tandem.chat;

import io.tandem.cluster.ClusterView;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the chat instances of one process share: the node's id (the cluster's, so that survivors
 * can free what a node that left held), its open sessions by connection id (a private message may
 * land on any instance), the connection cap, and which instance does the node's chores (the sweep
 * after a node leaves, the per-node copy of room events for bridge clients). Thread-safe.
 */
final class ChatNode implements Shareable {

  private static final String MAP = "tandem.chat";
  private static final String KEY = "node";

  private final String id;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger admitted = new AtomicInteger();
  private final Map<String, ChatSession> open = new ConcurrentHashMap<>();
  private final AtomicBoolean chores = new AtomicBoolean();

  private ChatNode(String id) {
    this.id = id;
  }

  static ChatNode of(Vertx vertx) {
    return vertx.sharedData().<String, ChatNode>getLocalMap(MAP).computeIfAbsent(KEY, key -> {
      ClusterView cluster = ClusterView.of(vertx);
      return new ChatNode(cluster != null ? cluster.nodeId() : randomId());
    });
  }

  private static String randomId() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  String id() {
    return id;
  }

  /** An id for a new connection, or null when {@code max} are open. */
  String admit(int max) {
    if (admitted.incrementAndGet() > max) {
      admitted.decrementAndGet();
      return null;
    }
    return Long.toString(sequence.incrementAndGet());
  }

  void register(ChatSession session) {
    open.put(session.connection(), session);
  }

  void release(String connection) {
    if (open.remove(connection) != null) {
      admitted.decrementAndGet();
    }
  }

  ChatSession find(String connection) {
    return open.get(connection);
  }

  /** True for the one instance that takes the node's chores, until it {@link #dropChores}. */
  boolean takeChores() {
    return chores.compareAndSet(false, true);
  }

  void dropChores() {
    chores.set(false);
  }
}
