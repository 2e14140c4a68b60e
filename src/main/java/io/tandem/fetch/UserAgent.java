package io.tandem.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code tandem/<version>}, the User-Agent of every request the fetcher makes. */
final class UserAgent {

  static final String VALUE = "tandem/" + version();

  private UserAgent() {
  }

  private static String version() {
    try (InputStream in = UserAgent.class.getResourceAsStream("/io/tandem/version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
