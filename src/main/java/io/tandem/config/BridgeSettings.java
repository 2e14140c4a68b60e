package io.tandem.config;

import io.tandem.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code bridge} section: the event bus opened to other languages, through a TCP bridge
 * (4-byte big-endian length + JSON frames) and a SockJS bridge at {@code /eventbus} on the HTTP
 * server, both held to one permission list. An entry is an address, or a prefix ending in {@code .*}.
 * The TCP bridge is off unless asked for: a listener nobody asked for is more than they asked for
 * (and its fixed port would keep a second node on the same machine from starting).
 *
 * @param inbound  addresses clients may send, request and publish to
 * @param outbound       addresses clients may subscribe to
 * @param allowedOrigins web origins ({@code http://host:port}) whose pages may use the SockJS bridge besides
 *                       Tandem's own, or {@code *} for any
 */
public record BridgeSettings(
    boolean tcpEnabled,
    String tcpHost,
    int tcpPort,
    int instances,
    boolean sockjsEnabled,
    int maxFrameBytes,
    int maxFramesPerSecond,
    int maxRequestsInFlight,
    List<String> inbound,
    List<String> outbound,
    int maxConnectionsPerClient,
    List<String> allowedOrigins,
    int authTimeoutMs,
    boolean tls) {

  public static final String SECTION = "bridge";

  public static final boolean DEFAULT_TCP_ENABLED = false;
  public static final String DEFAULT_TCP_HOST = "127.0.0.1";
  public static final int DEFAULT_TCP_PORT = 7000;
  public static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_FRAMES_PER_SECOND = 1000;
  public static final int DEFAULT_MAX_REQUESTS_IN_FLIGHT = 256;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;
  /** How long a TCP-bridge client has to show its token, when there is a tokens file. */
  public static final int DEFAULT_AUTH_TIMEOUT_MS = 5000;
  public static final List<String> DEFAULT_INBOUND = List.of(Addresses.ECHO, Addresses.HELLO, Addresses.FETCH,
      Addresses.FETCH_CHAIN, Addresses.TCP_BROADCAST, Addresses.TCP_SEND, Addresses.CHAT_SEND, Addresses.CHAT_HISTORY,
      Addresses.CHAT_WHO);
  /**
   * Progress addresses are the client's own: {@code tandem.fetch.progress.} and a name it picks.
   * The chat's rooms are to be heard, never spoken on (inbound): a room event says who said what.
   */
  public static final List<String> DEFAULT_OUTBOUND = List.of(Addresses.TCP_MESSAGES, Addresses.TCP_CONNECTIONS,
      Addresses.FETCH_PROGRESS + "*", Addresses.CHAT_ROOM + "*");
  /** Only the page's own origin: a page on another site must not drive the bus from a visitor's browser. */
  public static final List<String> DEFAULT_ALLOWED_ORIGINS = List.of();
  public static final String ANY_ORIGIN = "*";
  private static final Pattern ORIGIN = Pattern.compile("https?://[^/?#@\\s]+");

  static BridgeSettings read(SectionReader reader, int defaultInstances) {
    BridgeSettings settings = new BridgeSettings(
        reader.bool("tcpEnabled", DEFAULT_TCP_ENABLED),
        reader.text("tcpHost", DEFAULT_TCP_HOST),
        reader.integer("tcpPort", DEFAULT_TCP_PORT, 0, 65535),
        reader.integer(Listener.INSTANCES, defaultInstances, 1, Listener.MAX_INSTANCES),
        reader.bool("sockjsEnabled", true),
        reader.integer("maxFrameBytes", DEFAULT_MAX_FRAME_BYTES, 64, 64 * 1024 * 1024),
        reader.integer("maxFramesPerSecond", DEFAULT_MAX_FRAMES_PER_SECOND, 1, 1_000_000_000),
        reader.integer("maxRequestsInFlight", DEFAULT_MAX_REQUESTS_IN_FLIGHT, 1, 1_000_000),
        reader.strings("inbound", DEFAULT_INBOUND),
        reader.strings("outbound", DEFAULT_OUTBOUND),
        reader.integer("maxConnectionsPerClient", DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 0, 10_000_000),
        reader.strings("allowedOrigins", DEFAULT_ALLOWED_ORIGINS),
        reader.integer("authTimeoutMs", DEFAULT_AUTH_TIMEOUT_MS, 100, 600_000),
        reader.bool("tls", false));
    for (String origin : settings.allowedOrigins) {
      reader.check(origin.equals(ANY_ORIGIN) || ORIGIN.matcher(origin).matches(), "allowedOrigins",
          "must list origins written as http(s)://host[:port] (no path), or *", origin);
    }
    reader.finish();
    return settings;
  }

  /** Where the TCP bridge listens, as the other listeners are described. */
  public Listener tcpListener() {
    return new Listener(tcpEnabled, tcpHost, tcpPort, instances);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("tcpEnabled", tcpEnabled)
        .put("tcpHost", tcpHost)
        .put("tcpPort", tcpPort)
        .put(Listener.INSTANCES, instances)
        .put("sockjsEnabled", sockjsEnabled)
        .put("maxFrameBytes", maxFrameBytes)
        .put("maxFramesPerSecond", maxFramesPerSecond)
        .put("maxRequestsInFlight", maxRequestsInFlight)
        .put("inbound", new JsonArray(inbound))
        .put("outbound", new JsonArray(outbound))
        .put("maxConnectionsPerClient", maxConnectionsPerClient)
        .put("allowedOrigins", new JsonArray(allowedOrigins))
        .put("authTimeoutMs", authTimeoutMs)
        .put("tls", tls);
  }
}
