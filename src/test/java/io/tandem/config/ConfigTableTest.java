package io.tandem.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's configuration table lists every key, with its environment variable and default. */
class ConfigTableTest {

  @Test
  void everyKeyIsInTheReadmeTableWithItsEnvironmentVariableAndDefault() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    JsonObject defaults = ConfigLoader.of("{}", Map.of(), new Properties()).settings(1).toJson();
    for (String name : defaults.fieldNames()) {
      Object value = defaults.getValue(name);
      if (value instanceof JsonObject section) {
        for (String key : section.fieldNames()) {
          assertDocumented(readme, name, key, section.getValue(key));
        }
      } else {
        assertDocumented(readme, "", name, value);
      }
    }
  }

  private static void assertDocumented(String readme, String section, String key, Object defaultValue) {
    String path = section.isEmpty() ? key : section + "." + key;
    String row = readme.lines().filter(line -> line.startsWith("| `" + path + "` |")).findFirst().orElse(null);
    assertTrue(row != null, path + " is missing from the README's configuration table");
    assertTrue(row.contains("`" + Overrides.envName(section, key) + "`"), path + ": wrong environment variable in " + row);
    if (!key.equals(Listener.INSTANCES)) {
      assertTrue(row.contains("| `" + defaultValue + "`"), path + ": the default " + defaultValue + " is not in " + row);
    }
  }
}
