package io.tandem.config;

/**
 * A configuration that Tandem refuses to start with. The message is one line naming the key,
 * the value and what is allowed, e.g. {@code http.port must be 0..65535, got 70000}.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }

  /** The first line of a library's message about a file it could not use, for a one-line error. */
  public static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    String text = message.strip();
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
