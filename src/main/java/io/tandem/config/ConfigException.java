package io.tandem.config;

/**
 * A configuration that Tandem refuses to start with. The message is one line naming the key,
 * the value and what is allowed, e.g. {@code http.port must be 0..65535, got 70000}.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
