package io.tandem.config;

import io.vertx.core.json.JsonObject;

/** The {@code tcp} section: the TCP echo verticle. */
public record TcpSettings(
    Listener listener,
    int idleTimeoutSeconds,
    int maxConnections,
    int maxLineBytes,
    boolean publishMessages,
    int maxLinesPerSecond,
    int maxInstanceLinesPerSecond,
    int maxConnectionsPerClient,
    boolean tls) {

  public static final String SECTION = "tcp";

  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_MAX_LINE_BYTES = 65_536;
  public static final boolean DEFAULT_PUBLISH_MESSAGES = true;
  /** Far above anyone typing, far below a bulk stream cut into lines (millions a second). */
  public static final int DEFAULT_MAX_LINES_PER_SECOND = 1000;
  /** All connections of one instance together: bounds what thousands of clients can publish. */
  public static final int DEFAULT_MAX_INSTANCE_LINES_PER_SECOND = 10_000;
  /** As {@code http.maxConnectionsPerClient}: one host cannot take the whole of maxConnections. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;

  static TcpSettings read(SectionReader reader, int defaultInstances) {
    TcpSettings settings = new TcpSettings(
        Listener.read(reader, DEFAULT_PORT, defaultInstances),
        reader.integer("idleTimeoutSeconds", DEFAULT_IDLE_TIMEOUT_SECONDS, 0, 86_400 * 365),
        reader.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000),
        reader.integer("maxLineBytes", DEFAULT_MAX_LINE_BYTES, 1, 16 * 1024 * 1024),
        reader.bool("publishMessages", DEFAULT_PUBLISH_MESSAGES),
        reader.integer("maxLinesPerSecond", DEFAULT_MAX_LINES_PER_SECOND, 1, 1_000_000_000),
        reader.integer("maxInstanceLinesPerSecond", DEFAULT_MAX_INSTANCE_LINES_PER_SECOND, 1, 1_000_000_000),
        reader.integer("maxConnectionsPerClient", DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 0, 10_000_000),
        reader.bool("tls", false));
    reader.finish();
    return settings;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    listener.writeTo(json);
    return json
        .put("idleTimeoutSeconds", idleTimeoutSeconds)
        .put("maxConnections", maxConnections)
        .put("maxLineBytes", maxLineBytes)
        .put("publishMessages", publishMessages)
        .put("maxLinesPerSecond", maxLinesPerSecond)
        .put("maxInstanceLinesPerSecond", maxInstanceLinesPerSecond)
        .put("maxConnectionsPerClient", maxConnectionsPerClient)
        .put("tls", tls);
  }
}
