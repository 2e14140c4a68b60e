package io.tandem.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The whole configuration: one section per verticle plus the process-wide keys. Built from the
 * layers by {@link ConfigLoader}; the main verticle receives {@link #toJson()} (every key filled
 * in) and hands each verticle its own slice ({@link VerticleConfig}).
 */
public record TandemSettings(TcpSettings tcp, ChatSettings chat, HttpSettings http, FetcherSettings fetcher, BridgeSettings bridge,
                             ClusterSettings cluster, AuthSettings auth, TlsSettings tls, MetricsSettings metrics, LoggingSettings logging,
                             TracingSettings tracing, int shutdownGraceSeconds, int descriptorReserve,
                             List<HostPattern> unlimitedClients) {

  public static final String SHUTDOWN_GRACE_SECONDS = "shutdownGraceSeconds";
  public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 10;
  public static final String DESCRIPTOR_RESERVE = "descriptorReserve";
  /** Room for the fetcher's own connections, files, and the probes and listeners a flood must not starve. */
  public static final int DEFAULT_DESCRIPTOR_RESERVE = 2048;
  public static final String UNLIMITED_CLIENTS = "unlimitedClients";
  /**
   * The addresses a load generator and a local reverse proxy connect from: every connection of
   * theirs is some other client's. The rest of 127.0.0.0/8 is capped like any host.
   */
  public static final List<String> DEFAULT_UNLIMITED_CLIENTS = List.of("127.0.0.1", "::1");

  private static final List<String> TOP_LEVEL = List.of(SHUTDOWN_GRACE_SECONDS, DESCRIPTOR_RESERVE, UNLIMITED_CLIENTS);

  private static final List<String> SECTIONS = List.of(TcpSettings.SECTION, ChatSettings.SECTION, HttpSettings.SECTION, FetcherSettings.SECTION,
      BridgeSettings.SECTION, ClusterSettings.SECTION, AuthSettings.SECTION, TlsSettings.SECTION, MetricsSettings.SECTION, LoggingSettings.SECTION,
      TracingSettings.SECTION);

  /**
   * Reads and validates every layer.
   *
   * @param root             the file's JSON (empty when there is no file)
   * @param origin           where {@code root} came from, named in errors
   * @param defaultInstances the instance count of sections that do not set one
   * @throws ConfigException naming the first thing wrong
   */
  static TandemSettings read(JsonObject root, String origin, Overrides overrides, int defaultInstances) {
    JsonObject topLevel = new JsonObject();
    for (String name : root.fieldNames()) {
      Object value = root.getValue(name);
      if (SECTIONS.contains(name)) {
        if (!(value instanceof JsonObject)) {
          throw new ConfigException(name + " must be a JSON object, got " + value + " (from " + origin + ")");
        }
      } else if (TOP_LEVEL.contains(name)) {
        topLevel.put(name, value);
      } else {
        throw new ConfigException(name + " is not a known section or key (in " + origin + "); known: "
            + String.join(", ", SECTIONS) + ", " + String.join(", ", TOP_LEVEL));
      }
    }
    SectionReader top = new SectionReader("", topLevel, origin, overrides);
    int grace = top.integer(SHUTDOWN_GRACE_SECONDS, DEFAULT_SHUTDOWN_GRACE_SECONDS, 0, 3600);
    int reserve = top.integer(DESCRIPTOR_RESERVE, DEFAULT_DESCRIPTOR_RESERVE, 0, 10_000_000);
    List<HostPattern> unlimited = top.hosts(UNLIMITED_CLIENTS, DEFAULT_UNLIMITED_CLIENTS);
    top.check(unlimited.stream().noneMatch(HostPattern::isName), UNLIMITED_CLIENTS,
        "must be IP addresses or CIDR blocks (a client is known by its address)",
        unlimited.stream().map(HostPattern::toString).toList());
    top.finish();
    TandemSettings settings = new TandemSettings(
        TcpSettings.read(section(root, TcpSettings.SECTION, origin, overrides), defaultInstances),
        ChatSettings.read(section(root, ChatSettings.SECTION, origin, overrides), defaultInstances),
        HttpSettings.read(section(root, HttpSettings.SECTION, origin, overrides), defaultInstances),
        FetcherSettings.read(section(root, FetcherSettings.SECTION, origin, overrides), defaultInstances),
        BridgeSettings.read(section(root, BridgeSettings.SECTION, origin, overrides), defaultInstances),
        ClusterSettings.read(section(root, ClusterSettings.SECTION, origin, overrides)),
        AuthSettings.read(section(root, AuthSettings.SECTION, origin, overrides)),
        TlsSettings.read(section(root, TlsSettings.SECTION, origin, overrides)),
        MetricsSettings.read(section(root, MetricsSettings.SECTION, origin, overrides)),
        LoggingSettings.read(section(root, LoggingSettings.SECTION, origin, overrides)),
        TracingSettings.read(section(root, TracingSettings.SECTION, origin, overrides)),
        grace,
        reserve,
        unlimited);
    overrides.rejectUnused();
    return settings;
  }

  /**
   * The rules that span sections, for the whole configuration (a verticle's slice holds only some
   * sections): a listener with TLS on needs the {@code tls} section's certificate.
   */
  void checkAcrossSections() {
    requireCertificate(http.tls(), HttpSettings.SECTION);
    requireCertificate(tcp.tls(), TcpSettings.SECTION);
    requireCertificate(chat.tls(), ChatSettings.SECTION);
    requireCertificate(bridge.tls(), BridgeSettings.SECTION);
    requireCertificate(cluster.tls(), ClusterSettings.SECTION);
  }

  /** Whether anything presents the {@code tls} section's certificate: then the launcher checks its files. */
  public boolean usesTls() {
    return http.tls() || tcp.tls() || chat.tls() || bridge.tls() || cluster.tls();
  }

  private void requireCertificate(boolean tlsOn, String listener) {
    if (tlsOn && !tls.configured()) {
      throw new ConfigException(listener + ".tls is true, but tls.certFile and tls.keyFile are not set");
    }
  }

  /** Settings from a verticle's {@code config()}: no environment, defaults for what is missing. */
  public static TandemSettings fromJson(JsonObject config) {
    return read(config, "verticle config", Overrides.none(), Runtime.getRuntime().availableProcessors());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put(TcpSettings.SECTION, tcp.toJson())
        .put(ChatSettings.SECTION, chat.toJson())
        .put(HttpSettings.SECTION, http.toJson())
        .put(FetcherSettings.SECTION, fetcher.toJson())
        .put(BridgeSettings.SECTION, bridge.toJson())
        .put(ClusterSettings.SECTION, cluster.toJson())
        .put(AuthSettings.SECTION, auth.toJson())
        .put(TlsSettings.SECTION, tls.toJson())
        .put(MetricsSettings.SECTION, metrics.toJson())
        .put(LoggingSettings.SECTION, logging.toJson())
        .put(TracingSettings.SECTION, tracing.toJson())
        .put(SHUTDOWN_GRACE_SECONDS, shutdownGraceSeconds)
        .put(DESCRIPTOR_RESERVE, descriptorReserve)
        .put(UNLIMITED_CLIENTS, new JsonArray(unlimitedClients.stream().map(HostPattern::toString).toList()));
  }

  private static SectionReader section(JsonObject root, String name, String origin, Overrides overrides) {
    JsonObject json = root.getJsonObject(name);
    return new SectionReader(name, json == null ? new JsonObject() : json, origin, overrides);
  }
}
