package io.tandem.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The {@code logging} section: how log lines are written. {@code text} (the default) for a person
 * at a terminal; {@code json}, one object per line through logback's own JSON encoder, for a log
 * pipeline that indexes fields (the level, the logger, the key-value pairs a line carries).
 * {@code level} is the least level of Tandem's own lines written: {@code debug} adds a line per
 * fetch batch and per URL fetched, a connection's end, a client's hang-up.
 */
public record LoggingSettings(String format, String level) {

  public static final String SECTION = "logging";
  public static final String TEXT = "text";
  public static final String JSON = "json";
  public static final String DEFAULT_LEVEL = "info";
  private static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

  static LoggingSettings read(SectionReader reader) {
    LoggingSettings settings = new LoggingSettings(reader.text("format", TEXT), reader.text("level", DEFAULT_LEVEL));
    reader.check(settings.format.equals(TEXT) || settings.format.equals(JSON), "format", "must be text or json", settings.format);
    reader.check(LEVELS.contains(settings.level), "level", "must be one of " + String.join(", ", LEVELS), settings.level);
    reader.finish();
    return settings;
  }

  public boolean json() {
    return format.equals(JSON);
  }

  JsonObject toJson() {
    return new JsonObject().put("format", format).put("level", level);
  }
}
