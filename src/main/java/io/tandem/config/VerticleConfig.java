package io.tandem.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * What one verticle is deployed with: the sections of the configuration it owns (as the launcher
 * validated them) and the process-wide keys, nothing else. {@code MainVerticle} cuts each
 * verticle's slice with {@link #slice}; the verticle reads it with {@link #of}, and asking for a
 * section it was not given is a programming error, not a default: a verticle never reads another
 * verticle's settings. The HTTP verticle, the front of the others, is told what it fronts on this
 * node ({@link Fronts}) instead.
 */
public final class VerticleConfig {

  private static final String FRONTS = "fronts";

  private final TandemSettings settings;
  private final Set<String> given;
  private final Fronts fronts;

  private VerticleConfig(TandemSettings settings, Set<String> given, Fronts fronts) {
    this.settings = settings;
    this.given = given;
    this.fronts = fronts;
  }

  /** The slice for a verticle that owns {@code sections} (names as {@code TcpSettings.SECTION}). */
  public static JsonObject slice(TandemSettings settings, String... sections) {
    JsonObject all = settings.toJson();
    JsonObject slice = new JsonObject();
    for (String section : sections) {
      slice.put(section, all.getJsonObject(section));
    }
    for (String key : List.of(TandemSettings.SHUTDOWN_GRACE_SECONDS, TandemSettings.DESCRIPTOR_RESERVE, TandemSettings.UNLIMITED_CLIENTS)) {
      slice.put(key, all.getValue(key));
    }
    return slice;
  }

  /** The HTTP verticle's slice: its own sections, and what it fronts on this node. */
  public static JsonObject httpSlice(TandemSettings settings) {
    return slice(settings, HttpSettings.SECTION, BridgeSettings.SECTION, AuthSettings.SECTION, TlsSettings.SECTION, MetricsSettings.SECTION).put(FRONTS, Fronts.of(settings).toJson());
  }

  /** @throws ConfigException naming what is wrong in the slice */
  public static VerticleConfig of(JsonObject config) {
    JsonObject sections = config.copy();
    Object fronts = sections.remove(FRONTS);
    return new VerticleConfig(TandemSettings.fromJson(sections), config.fieldNames(),
        fronts instanceof JsonObject json ? Fronts.fromJson(json) : null);
  }

  public TcpSettings tcp() {
    return given(TcpSettings.SECTION, settings.tcp());
  }

  public ChatSettings chat() {
    return given(ChatSettings.SECTION, settings.chat());
  }

  public HttpSettings http() {
    return given(HttpSettings.SECTION, settings.http());
  }

  public FetcherSettings fetcher() {
    return given(FetcherSettings.SECTION, settings.fetcher());
  }

  public BridgeSettings bridge() {
    return given(BridgeSettings.SECTION, settings.bridge());
  }

  public TlsSettings tls() {
    return given(TlsSettings.SECTION, settings.tls());
  }

  public AuthSettings auth() {
    return given(AuthSettings.SECTION, settings.auth());
  }

  public MetricsSettings metrics() {
    return given(MetricsSettings.SECTION, settings.metrics());
  }

  public Fronts fronts() {
    return given(FRONTS, fronts);
  }

  public int shutdownGraceSeconds() {
    return settings.shutdownGraceSeconds();
  }

  public int descriptorReserve() {
    return settings.descriptorReserve();
  }

  public List<HostPattern> unlimitedClients() {
    return settings.unlimitedClients();
  }

  private <T> T given(String section, T value) {
    if (!given.contains(section)) {
      throw new IllegalStateException("this verticle was deployed without the " + section + " section of its configuration");
    }
    return value;
  }

  /**
   * What the HTTP verticle fronts on this node: whether the TCP echo runs here (for {@code /ready}),
   * whether the fetcher coordinates here and fetches here (a batch or chain is then asked of this
   * node only), and the fetcher's default deadline (how long {@code POST /fetch} waits by default).
   */
  public record Fronts(boolean tcp, boolean fetcher, boolean fetcherWorker, int fetchDeadlineMs) {

    static Fronts of(TandemSettings settings) {
      return new Fronts(settings.tcp().listener().enabled(), settings.fetcher().enabled(),
          settings.fetcher().enabled() && settings.fetcher().worker(), settings.fetcher().deadlineMs());
    }

    JsonObject toJson() {
      return new JsonObject().put("tcp", tcp).put("fetcher", fetcher).put("fetcherWorker", fetcherWorker)
          .put("fetchDeadlineMs", fetchDeadlineMs);
    }

    static Fronts fromJson(JsonObject json) {
      return new Fronts(json.getBoolean("tcp", true), json.getBoolean("fetcher", true), json.getBoolean("fetcherWorker", true),
          json.getInteger("fetchDeadlineMs", FetcherSettings.DEFAULT_DEADLINE_MS));
    }
  }
}
