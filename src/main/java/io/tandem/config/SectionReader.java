package io.tandem.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the keys of one configuration section with their types, ranges and defaults. The
 * value comes from the highest layer that has it (system property, environment variable, file);
 * whatever is wrong is reported as one line naming the key, what is allowed, the value and
 * where it came from. {@link #finish()} rejects keys of the section that no one read.
 */
final class SectionReader {

  private final String section;
  private final JsonObject json;
  private final String origin;
  private final Overrides overrides;
  private final Set<String> known = new LinkedHashSet<>();

  /**
   * @param section the section name, or "" for top-level keys
   * @param json    the section's object from the file; for the top level, only its non-section keys are read
   * @param origin  where {@code json} came from, e.g. {@code conf/config.json}
   */
  SectionReader(String section, JsonObject json, String origin, Overrides overrides) {
    this.section = section;
    this.json = json;
    this.origin = origin;
    this.overrides = overrides;
  }

  boolean bool(String key, boolean fallback) {
    known.add(key);
    Overrides.Value override = overrides.find(section, key);
    if (override != null) {
      String text = override.text().trim().toLowerCase(Locale.ROOT);
      if (text.equals("true") || text.equals("false")) {
        return Boolean.parseBoolean(text);
      }
      throw error(key, "must be true or false", quote(override.text()), override.origin());
    }
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    throw error(key, "must be true or false", show(value), origin);
  }

  int integer(String key, int fallback, int min, int max) {
    known.add(key);
    String allowed = "must be " + min + ".." + max;
    Overrides.Value override = overrides.find(section, key);
    long value;
    String from;
    if (override != null) {
      from = override.origin();
      try {
        value = Long.parseLong(override.text().trim());
      } catch (NumberFormatException e) {
        throw error(key, "must be an integer " + min + ".." + max, quote(override.text()), from);
      }
    } else {
      Object raw = json.getValue(key);
      if (raw == null) {
        return fallback;
      }
      from = origin;
      if (!(raw instanceof Integer || raw instanceof Long)) {
        throw error(key, "must be an integer " + min + ".." + max, show(raw), from);
      }
      value = ((Number) raw).longValue();
    }
    if (value < min || value > max) {
      throw error(key, allowed, Long.toString(value), from);
    }
    return (int) value;
  }

  /** A number, e.g. a ratio: JSON's integers and fractions both, within {@code min..max}. */
  double decimal(String key, double fallback, double min, double max) {
    known.add(key);
    String allowed = "must be a number " + min + ".." + max;
    Overrides.Value override = overrides.find(section, key);
    double value;
    String from;
    if (override != null) {
      from = override.origin();
      try {
        value = Double.parseDouble(override.text().trim());
      } catch (NumberFormatException e) {
        throw error(key, allowed, quote(override.text()), from);
      }
    } else {
      Object raw = json.getValue(key);
      if (raw == null) {
        return fallback;
      }
      from = origin;
      if (!(raw instanceof Number number)) {
        throw error(key, allowed, show(raw), from);
      }
      value = number.doubleValue();
    }
    // NaN fails both comparisons' complement: !(value >= min) catches it
    if (!(value >= min && value <= max)) {
      throw error(key, allowed, Double.toString(value), from);
    }
    return value;
  }

  String text(String key, String fallback) {
    known.add(key);
    Overrides.Value override = overrides.find(section, key);
    if (override != null) {
      if (override.text().isEmpty()) {
        throw error(key, "must be a non-empty string", "\"\"", override.origin());
      }
      return override.text();
    }
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String text && !text.isEmpty()) {
      return text;
    }
    throw error(key, "must be a non-empty string", show(value), origin);
  }

  /** A list of non-empty strings; from the environment or a property, comma-separated. */
  List<String> strings(String key, List<String> fallback) {
    known.add(key);
    Overrides.Value override = overrides.find(section, key);
    if (override != null) {
      return Arrays.stream(override.text().split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
    }
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof JsonArray array) {
      List<String> items = new ArrayList<>();
      for (Object item : array) {
        if (!(item instanceof String text) || text.isBlank()) {
          throw error(key, "must be a list of non-empty strings", show(value), origin);
        }
        items.add(text.strip());
      }
      return List.copyOf(items);
    }
    throw error(key, "must be a list of non-empty strings", show(value), origin);
  }

  /** A list of host patterns (see {@link HostPattern}), empty by default. */
  List<HostPattern> hosts(String key) {
    return hosts(key, List.of());
  }

  List<HostPattern> hosts(String key, List<String> fallback) {
    List<HostPattern> patterns = new ArrayList<>();
    for (String entry : strings(key, fallback)) {
      try {
        patterns.add(HostPattern.parse(entry));
      } catch (IllegalArgumentException e) {
        Overrides.Value override = overrides.find(section, key);
        throw new ConfigException(path(key) + ": " + e.getMessage() + " (from " + (override != null ? override.origin() : origin) + ")");
      }
    }
    return List.copyOf(patterns);
  }

  /** A rule that spans keys, e.g. {@code http.delayMs <= http.maxDelayMs}. */
  void check(boolean holds, String key, String rule, Object value) {
    if (!holds) {
      throw error(key, rule, show(value), null);
    }
  }

  /** @throws ConfigException when the section holds a key no one read */
  void finish() {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        throw new ConfigException(path(key) + " is not a known key (in " + origin + "); known keys: "
            + String.join(", ", known));
      }
    }
  }

  private ConfigException error(String key, String rule, String value, String from) {
    return new ConfigException(path(key) + " " + rule + ", got " + value + (from == null ? "" : " (from " + from + ")"));
  }

  private String path(String key) {
    return section.isEmpty() ? key : section + "." + key;
  }

  private static String show(Object value) {
    return value instanceof String text ? quote(text) : String.valueOf(value);
  }

  private static String quote(String text) {
    return '"' + text + '"';
  }
}
