package io.tandem.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The {@code cluster} section, read only when the process runs with {@code -cluster}: the
 * cluster's name, where this node's event bus listens and what it tells the others, and the
 * Hazelcast join. The join is always a TCP-IP list of {@code members}, multicast and
 * auto-detection off, so a node never finds strangers on a shared network; the defaults let up
 * to three nodes on one machine find each other on loopback. Everything else Hazelcast takes
 * (maps, heartbeats) is in the XML file {@code hazelcastConfig} names.
 *
 * @param host       the address this node binds for cluster traffic: the event bus, and Hazelcast
 *                   too unless it is a wildcard address
 * @param port       the event bus port, 0 for any free one
 * @param publicHost the address the others reach this node's event bus at, null for {@code host}
 * @param publicPort the port the others reach it at, -1 for the bound one
 * @param memberPort the port Hazelcast listens on, or the next free one after it
 * @param members    Hazelcast members to join, {@code host:port} each
 * @param tls        the event bus between nodes over mutual TLS, with the {@code tls} section's certificate
 * @param caFile     PEM certificates of the authorities whose node certificates the bus trusts; null:
 *                   only the very certificate of {@code tls.certFile} (every node presenting the same one)
 */
public record ClusterSettings(
    String name,
    String host,
    int port,
    String publicHost,
    int publicPort,
    int memberPort,
    List<String> members,
    String hazelcastConfig,
    boolean tls,
    String caFile) {

  public static final String SECTION = "cluster";

  public static final String DEFAULT_NAME = "tandem";
  public static final int DEFAULT_MEMBER_PORT = 5701;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final List<String> DEFAULT_MEMBERS = List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703");
  public static final String DEFAULT_HAZELCAST_CONFIG = "conf/cluster.xml";

  static ClusterSettings read(SectionReader reader) {
    ClusterSettings settings = new ClusterSettings(
        reader.text("name", DEFAULT_NAME),
        reader.text(Listener.HOST, DEFAULT_HOST),
        reader.integer(Listener.PORT, 0, 0, 65535),
        reader.text("publicHost", null),
        reader.integer("publicPort", -1, 1, 65535),
        reader.integer("memberPort", DEFAULT_MEMBER_PORT, 1, 65535),
        reader.strings("members", DEFAULT_MEMBERS),
        reader.text("hazelcastConfig", DEFAULT_HAZELCAST_CONFIG),
        reader.bool("tls", false),
        reader.text("caFile", null));
    reader.check(!settings.members.isEmpty(), "members", "must list at least one host:port", settings.members);
    for (String member : settings.members) {
      reader.check(isHostAndPort(member), "members", "must be host:port entries (one per member, no ranges)",
          settings.members);
    }
    reader.finish();
    return settings;
  }

  /** Whether Hazelcast should bind {@link #host} only (it takes interfaces, not wildcards). */
  public boolean bindsOneInterface() {
    return !host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]");
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("name", name)
        .put(Listener.HOST, host)
        .put(Listener.PORT, port);
    if (publicHost != null) {
      json.put("publicHost", publicHost);
    }
    if (publicPort != -1) {
      json.put("publicPort", publicPort);
    }
    json
        .put("memberPort", memberPort)
        .put("members", new JsonArray(members))
        .put("hazelcastConfig", hazelcastConfig)
        .put("tls", tls);
    if (caFile != null) {
      json.put("caFile", caFile);
    }
    return json;
  }

  private static boolean isHostAndPort(String member) {
    int colon = member.lastIndexOf(':');
    if (colon <= 0 || colon == member.length() - 1) {
      return false;
    }
    try {
      int port = Integer.parseInt(member.substring(colon + 1));
      return port >= 1 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
