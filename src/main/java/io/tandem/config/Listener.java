package io.tandem.config;

import io.vertx.core.json.JsonObject;

/**
 * The keys every server section has: whether it runs, where it listens and how many verticle
 * instances (event loops) serve it. Port 0 means any free port; the real one is logged.
 */
public record Listener(boolean enabled, String host, int port, int instances) {

  public static final String ENABLED = "enabled";
  public static final String HOST = "host";
  public static final String PORT = "port";
  public static final String INSTANCES = "instances";

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int MAX_INSTANCES = 1024;

  static Listener read(SectionReader reader, int defaultPort, int defaultInstances) {
    return new Listener(
        reader.bool(ENABLED, true),
        reader.text(HOST, DEFAULT_HOST),
        reader.integer(PORT, defaultPort, 0, 65535),
        reader.integer(INSTANCES, defaultInstances, 1, MAX_INSTANCES));
  }

  void writeTo(JsonObject json) {
    json.put(ENABLED, enabled).put(HOST, host).put(PORT, port).put(INSTANCES, instances);
  }
}
