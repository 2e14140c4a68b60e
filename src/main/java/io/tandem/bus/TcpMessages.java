package io.tandem.bus;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Message shapes of the TCP addresses: {@link Addresses#TCP_CONNECTIONS},
 * {@link Addresses#TCP_MESSAGES}, {@link Addresses#TCP_BROADCAST} and {@link Addresses#TCP_SEND}.
 */
public final class TcpMessages {

  public static final String TYPE = "type";
  public static final String CONNECTED = "connected";
  public static final String DISCONNECTED = "disconnected";
  public static final String CONNECTION = "connection";
  public static final String REMOTE = "remote";
  public static final String AT = "at";
  public static final String TEXT = "text";
  public static final String TRUNCATED = "truncated";
  public static final String SKIPPED_BYTES = "skippedBytes";
  public static final String OK = "ok";

  private TcpMessages() {
  }

  public static JsonObject connectionEvent(String type, String connection, String remote) {
    return new JsonObject()
        .put(TYPE, type)
        .put(CONNECTION, connection)
        .put(REMOTE, remote)
        .put(AT, Instant.now().toString());
  }

  public static JsonObject line(String connection, String remote, String text, boolean truncated, long skippedBytes) {
    JsonObject line = new JsonObject().put(CONNECTION, connection).put(REMOTE, remote).put(TEXT, text);
    if (truncated) {
      line.put(TRUNCATED, true);
    }
    return skippedBytes > 0 ? line.put(SKIPPED_BYTES, skippedBytes) : line;
  }

  public static JsonObject broadcast(String text) {
    return new JsonObject().put(TEXT, text);
  }

  public static JsonObject send(String connection, String text) {
    return new JsonObject().put(CONNECTION, connection).put(TEXT, text);
  }

  public static JsonObject sent() {
    return new JsonObject().put(OK, true);
  }

  /** A validated {@link Addresses#TCP_SEND} request. */
  public record SendRequest(String connection, String text) {
  }

  /** @throws BusException 400 when the body is not {@code {"connection":"...","text":"..."}} */
  public static SendRequest readSend(Object body) {
    JsonObject request = object(body, "{\"connection\":\"<id>\",\"text\":\"...\"}");
    return new SendRequest(string(request, CONNECTION), string(request, TEXT));
  }

  /** @throws BusException 400 when the body is not {@code {"text":"..."}} */
  public static String readBroadcast(Object body) {
    return string(object(body, "{\"text\":\"...\"}"), TEXT);
  }

  private static JsonObject object(Object body, String shape) {
    if (body instanceof JsonObject json) {
      return json;
    }
    throw BusException.badRequest("body must be a JSON object like " + shape);
  }

  private static String string(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (value instanceof String text) {
      return text;
    }
    throw BusException.badRequest(field + (value == null ? " is required" : " must be a string"));
  }
}
