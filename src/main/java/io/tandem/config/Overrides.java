package io.tandem.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Settings given as environment variables ({@code TANDEM_HTTP_PORT}) and system properties
 * ({@code -Dtandem.http.port}); system properties win. Values are strings until the reader parses
 * them to the key's type. Every name with the prefix must be used by some key: a typo is an
 * error, not a silently ignored setting.
 */
final class Overrides {

  static final String ENV_PREFIX = "TANDEM_";
  static final String PROPERTY_PREFIX = "tandem.";

  /** A raw value and where it came from, for error messages. */
  record Value(String text, String origin) {
  }

  private final Map<String, String> env;
  private final Map<String, String> properties;
  private final Set<String> used = new HashSet<>();

  private Overrides(Map<String, String> env, Map<String, String> properties) {
    this.env = env;
    this.properties = properties;
  }

  static Overrides none() {
    return new Overrides(Map.of(), Map.of());
  }

  static Overrides of(Map<String, String> environment, Properties systemProperties) {
    Map<String, String> env = new TreeMap<>();
    environment.forEach((name, value) -> {
      if (name.startsWith(ENV_PREFIX)) {
        env.put(name, value);
      }
    });
    Map<String, String> properties = new TreeMap<>();
    for (String name : systemProperties.stringPropertyNames()) {
      if (name.startsWith(PROPERTY_PREFIX)) {
        properties.put(name, systemProperties.getProperty(name));
      }
    }
    return new Overrides(env, properties);
  }

  /** The override of {@code section.key}, or null. {@code section} is empty for top-level keys. */
  Value find(String section, String key) {
    String property = propertyName(section, key);
    String envName = envName(section, key);
    used.add(property);
    used.add(envName);
    if (properties.containsKey(property)) {
      return new Value(properties.get(property), "-D" + property);
    }
    if (env.containsKey(envName)) {
      return new Value(env.get(envName), envName);
    }
    return null;
  }

  /** @throws ConfigException naming the first variable or property no key claimed */
  void rejectUnused() {
    List<String> unused = new ArrayList<>();
    env.keySet().stream().filter(name -> !used.contains(name)).forEach(unused::add);
    properties.keySet().stream().filter(name -> !used.contains(name)).map(name -> "-D" + name).forEach(unused::add);
    if (!unused.isEmpty()) {
      throw new ConfigException(unused.get(0) + " does not name a setting (see the configuration table in the README)");
    }
  }

  static String envName(String section, String key) {
    StringBuilder name = new StringBuilder(ENV_PREFIX);
    if (!section.isEmpty()) {
      name.append(section.toUpperCase(Locale.ROOT)).append('_');
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isUpperCase(c)) {
        name.append('_');
      }
      name.append(Character.toUpperCase(c));
    }
    return name.toString();
  }

  static String propertyName(String section, String key) {
    return PROPERTY_PREFIX + (section.isEmpty() ? "" : section + ".") + key;
  }
}
