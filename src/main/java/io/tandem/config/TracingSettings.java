package io.tandem.config;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The {@code tracing} section: spans of HTTP requests, bus messages and outgoing fetches, sent
 * over OTLP/HTTP to a collector. Off, and free, until {@link #otlpEndpoint} names one.
 *
 * @param otlpEndpoint       the collector's OTLP/HTTP base URL ({@code http://127.0.0.1:4318}); spans go to
 *                           its {@code /v1/traces}; null: no tracing at all
 * @param sampleRatio        the share of new traces kept, 0..1; a trace begun upstream keeps its caller's decision
 * @param propagateToOrigins whether the fetcher's requests carry {@code traceparent} to the origins it
 *                           fetches: off, a third party never learns a trace id (the span is recorded either way)
 * @param serviceName        the {@code service.name} the spans are reported under
 */
public record TracingSettings(String otlpEndpoint, double sampleRatio, boolean propagateToOrigins, String serviceName) {

  public static final String SECTION = "tracing";
  public static final String DEFAULT_SERVICE_NAME = "tandem";
  private static final String TRACES_PATH = "/v1/traces";

  static TracingSettings read(SectionReader reader) {
    TracingSettings settings = new TracingSettings(
        reader.text("otlpEndpoint", null),
        reader.decimal("sampleRatio", 1.0, 0, 1),
        reader.bool("propagateToOrigins", false),
        reader.text("serviceName", DEFAULT_SERVICE_NAME));
    if (settings.otlpEndpoint != null) {
      reader.check(isBaseUrl(settings.otlpEndpoint), "otlpEndpoint",
          "must be an http:// or https:// URL with a host and no user, query or fragment", settings.otlpEndpoint);
    }
    reader.check(!settings.serviceName.isBlank(), "serviceName", "must not be blank", settings.serviceName);
    reader.finish();
    return settings;
  }

  /** Whether spans are recorded and sent at all. */
  public boolean enabled() {
    return otlpEndpoint != null;
  }

  /**
   * Where the exporter posts: the base URL's {@code /v1/traces}, as OTLP/HTTP defines it; a URL
   * that already ends so (the form of {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) as it is.
   */
  public String tracesUrl() {
    String base = otlpEndpoint.replaceAll("/+$", "");
    return base.endsWith(TRACES_PATH) ? base : base + TRACES_PATH;
  }

  /**
   * A user in the URL would be a secret written to the start-up line; a query would be lost. A
   * host name with '_' (a compose service's) is no host to {@link URI}, only an authority.
   */
  private static boolean isBaseUrl(String text) {
    try {
      URI uri = new URI(text);
      String authority = uri.getRawAuthority();
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && authority != null && !authority.isEmpty()
          && !authority.contains("@") && uri.getRawQuery() == null && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("sampleRatio", sampleRatio).put("propagateToOrigins", propagateToOrigins)
        .put("serviceName", serviceName);
    return otlpEndpoint == null ? json : json.put("otlpEndpoint", otlpEndpoint);
  }
}
