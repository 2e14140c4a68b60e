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
    boolean accessLog) {

  public static final String SECTION = "http";

  public static final int DEFAULT_PORT = 8888;
  public static final String DEFAULT_GREETING = "Hello, world!";
  public static final int DEFAULT_DELAY_MS = 0;
  public static final int DEFAULT_MAX_DELAY_MS = 10_000;
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final int DEFAULT_BUS_TIMEOUT_MS = 30_000;
  /** Off, as in most servers: a line per request costs more than the request (see BENCHMARKS.md). */
  public static final boolean DEFAULT_ACCESS_LOG = false;

  private static final int HOUR_MS = 3_600_000;

  static HttpSettings read(SectionReader reader, int defaultInstances) {
    HttpSettings settings = new HttpSettings(
        Listener.read(reader, DEFAULT_PORT, defaultInstances),
        reader.text("greeting", DEFAULT_GREETING),
        reader.integer("delayMs", DEFAULT_DELAY_MS, 0, HOUR_MS),
        reader.integer("maxDelayMs", DEFAULT_MAX_DELAY_MS, 0, HOUR_MS),
        reader.integer("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 1, 1024 * 1024 * 1024),
        reader.integer("busTimeoutMs", DEFAULT_BUS_TIMEOUT_MS, 1, HOUR_MS),
        reader.bool("accessLog", DEFAULT_ACCESS_LOG));
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
        .put("accessLog", accessLog);
  }
}
