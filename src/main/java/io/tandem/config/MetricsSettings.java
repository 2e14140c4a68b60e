package io.tandem.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code metrics} section: Vert.x's meters and Tandem's own, served in Prometheus's format by
 * the HTTP verticle at {@link #path}. Who may scrape it is the {@code auth} section's rule for
 * {@link AuthSettings#GET_METRICS}, like any endpoint's: in protected mode only this machine.
 *
 * @param enabled whether the meters are kept at all (off, Vert.x runs without its metrics SPI)
 * @param path    where they are served: a path of its own, no other endpoint's
 */
public record MetricsSettings(boolean enabled, String path) {

  public static final String SECTION = "metrics";
  public static final String DEFAULT_PATH = "/metrics";

  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
  /** The first segments of the other endpoints' paths. */
  private static final List<String> TAKEN = List.of("hello", "echo", "tcp", "fetch", "health", "ready", "eventbus", "ui",
      "openapi.json", "openapi");

  static MetricsSettings read(SectionReader reader) {
    MetricsSettings settings = new MetricsSettings(reader.bool("enabled", true), reader.text("path", DEFAULT_PATH));
    reader.check(PATH.matcher(settings.path).matches(), "path",
        "must be a path of one or more /segments of letters, digits, '.', '_', '~' or '-'", settings.path);
    String first = settings.path.substring(1).split("/", 2)[0];
    reader.check(!TAKEN.contains(first), "path", "must not be under another endpoint's path (/" + first + ")", settings.path);
    reader.finish();
    return settings;
  }

  JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("path", path);
  }
}
