package io.tandem.config;

import io.vertx.core.json.JsonObject;

/**
 * The {@code logging} section: how log lines are written. {@code text} (the default) for a person
 * at a terminal; {@code json}, one object per line through logback's own JSON encoder, for a log
 * pipeline that indexes fields (the level, the logger, the key-value pairs a line carries).
 */
public record LoggingSettings(String format) {

  public static final String SECTION = "logging";
  public static final String TEXT = "text";
  public static final String JSON = "json";

  static LoggingSettings read(SectionReader reader) {
    LoggingSettings settings = new LoggingSettings(reader.text("format", TEXT));
    reader.check(settings.format.equals(TEXT) || settings.format.equals(JSON), "format", "must be text or json", settings.format);
    reader.finish();
    return settings;
  }

  public boolean json() {
    return format.equals(JSON);
  }

  JsonObject toJson() {
    return new JsonObject().put("format", format);
  }
}
