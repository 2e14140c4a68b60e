package io.tandem.config;

import io.vertx.core.json.JsonObject;

/** The {@code http} section: the HTTP verticle, the HTTP front of every bus service. */
public record HttpSettings(
    Listener listener,
    String greeting,
    int delayMs,
    int maxDelayMs,
    int maxBodyBytes,
    int busTimeoutMs,
    boolean accessLog,
    int requestHeaderTimeoutMs,
    int idleTimeoutSeconds,
    int maxConnections,
    int maxConnectionsPerClient,
    boolean tls) {

  public static final String SECTION = "http";

  public static final int DEFAULT_PORT = 8888;
  public static final String DEFAULT_GREETING = "Hello, world!";
  public static final int DEFAULT_DELAY_MS = 0;
  public static final int DEFAULT_MAX_DELAY_MS = 10_000;
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final int DEFAULT_BUS_TIMEOUT_MS = 30_000;
  /** Off, as in most servers: a line per request costs more than the request (see BENCHMARKS.md). */
  public static final boolean DEFAULT_ACCESS_LOG = false;
  /** What nginx and Apache allow for a request head: ample for any client, short for one that stalls. */
  public static final int DEFAULT_REQUEST_HEADER_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
  /** Room for the C10K workload and more; the descriptor reserve (see TandemSettings) bounds it too. */
  public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
  /** Far above a browser's 6 per host, far below what it takes to starve everyone else. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;

  private static final int HOUR_MS = 3_600_000;

  static HttpSettings read(SectionReader reader, int defaultInstances) {
    HttpSettings settings = new HttpSettings(
        Listener.read(reader, DEFAULT_PORT, defaultInstances),
        reader.text("greeting", DEFAULT_GREETING),
        reader.integer("delayMs", DEFAULT_DELAY_MS, 0, HOUR_MS),
        reader.integer("maxDelayMs", DEFAULT_MAX_DELAY_MS, 0, HOUR_MS),
        reader.integer("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 1, 1024 * 1024 * 1024),
        reader.integer("busTimeoutMs", DEFAULT_BUS_TIMEOUT_MS, 1, HOUR_MS),
        reader.bool("accessLog", DEFAULT_ACCESS_LOG),
        reader.integer("requestHeaderTimeoutMs", DEFAULT_REQUEST_HEADER_TIMEOUT_MS, 100, HOUR_MS),
        reader.integer("idleTimeoutSeconds", DEFAULT_IDLE_TIMEOUT_SECONDS, 0, 86_400),
        reader.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000),
        reader.integer("maxConnectionsPerClient", DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 0, 10_000_000),
        reader.bool("tls", false));
    reader.check(settings.delayMs <= settings.maxDelayMs, "delayMs",
        "must not exceed http.maxDelayMs (" + settings.maxDelayMs + ")", settings.delayMs);
    reader.finish();
    return settings;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    listener.writeTo(json);
    return json
        .put("greeting", greeting)
        .put("delayMs", delayMs)
        .put("maxDelayMs", maxDelayMs)
        .put("maxBodyBytes", maxBodyBytes)
        .put("busTimeoutMs", busTimeoutMs)
        .put("accessLog", accessLog)
        .put("requestHeaderTimeoutMs", requestHeaderTimeoutMs)
        .put("idleTimeoutSeconds", idleTimeoutSeconds)
        .put("maxConnections", maxConnections)
        .put("maxConnectionsPerClient", maxConnectionsPerClient)
        .put("tls", tls);
  }
}
