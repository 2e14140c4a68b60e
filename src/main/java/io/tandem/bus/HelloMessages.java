package io.tandem.bus;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/** Request and reply shapes of {@link Addresses#HELLO}. */
public final class HelloMessages {

  public static final String NAME = "name";
  public static final String MESSAGE = "message";

  /** Longest name accepted, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 256;

  private HelloMessages() {
  }

  public static JsonObject request(String name) {
    return name == null ? new JsonObject() : new JsonObject().put(NAME, name);
  }

  /**
   * The name a request asks to greet, or {@code null} when it names nobody.
   *
   * @throws BusException 400 when the body or the name is malformed
   */
  public static String readName(Object body) {
    if (!(body instanceof JsonObject request)) {
      throw BusException.badRequest("body must be a JSON object like {\"name\":\"Ada\"}");
    }
    Object name = request.getValue(NAME);
    if (name == null) {
      return null;
    }
    if (!(name instanceof String text)) {
      throw BusException.badRequest("name must be a string");
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw BusException.badRequest("name must be at most " + MAX_NAME_BYTES + " UTF-8 bytes");
    }
    return text;
  }

  public static JsonObject reply(String message) {
    return new JsonObject().put(MESSAGE, message);
  }
}
