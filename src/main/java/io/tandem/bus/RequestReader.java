package io.tandem.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of a JSON request with their types and ranges. Anything wrong is a
 * {@link BusException} 400 whose message names the field; a field no one reads is an error too,
 * so a misspelt option is reported rather than silently ignored.
 */
public final class RequestReader {

  private final JsonObject request;
  /** Where the object sits in the request, for messages: {@code ""}, or {@code "urls[3]."}. */
  private final String path;
  private final Set<String> known = new HashSet<>();

  private RequestReader(JsonObject request, String path) {
    this.request = request;
    this.path = path;
  }

  /** @throws BusException 400 unless {@code body} is a JSON object */
  public static RequestReader of(Object body) {
    if (body instanceof JsonObject json) {
      return new RequestReader(json, "");
    }
    throw BusException.badRequest("body must be a JSON object");
  }

  /** A reader of an object inside the request, whose messages name it by {@code where} ({@code urls[3]}). */
  public static RequestReader nested(JsonObject object, String where) {
    return new RequestReader(object, where + ".");
  }

  /** The field as the client wrote it, for a message: {@code urls[3].method}. */
  public String name(String field) {
    return path + field;
  }

  /** A JSON object, or null when absent. */
  public JsonObject object(String field) {
    known.add(field);
    Object value = request.getValue(field);
    if (value == null || value instanceof JsonObject) {
      return (JsonObject) value;
    }
    throw BusException.badRequest(name(field) + " must be a JSON object, got " + show(value));
  }

  /** Whatever JSON value the field holds (null when absent): for a field that is any JSON, as a body. */
  public Object any(String field) {
    known.add(field);
    return request.getValue(field);
  }

  /** Whether the request has the field at all. */
  public boolean has(String field) {
    return request.containsKey(field);
  }

  /** A required array of {@code min..max} items, each a string or a JSON object, judged by the caller. */
  public List<Object> items(String field, int min, int max) {
    known.add(field);
    Object value = request.getValue(field);
    if (value == null) {
      throw BusException.badRequest(name(field) + " is required");
    }
    if (!(value instanceof JsonArray array)) {
      throw BusException.badRequest(name(field) + " must be an array");
    }
    if (array.size() < min || array.size() > max) {
      throw BusException.badRequest(name(field) + " must hold " + min + ".." + max + " items, got " + array.size());
    }
    List<Object> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof String) && !(item instanceof JsonObject)) {
        throw BusException.badRequest(name(field) + "[" + i + "] must be a string or a JSON object, got " + show(item));
      }
      items.add(item);
    }
    return items;
  }

  public int integer(String field, int fallback, int min, int max) {
    known.add(field);
    Object value = request.getValue(field);
    if (value == null) {
      return fallback;
    }
    if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= min && ((Number) value).longValue() <= max) {
      return ((Number) value).intValue();
    }
    throw BusException.badRequest(name(field) + " must be an integer " + min + ".." + max + ", got " + show(value));
  }

  public boolean bool(String field, boolean fallback) {
    known.add(field);
    Object value = request.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    throw BusException.badRequest(name(field) + " must be true or false, got " + show(value));
  }

  /** A non-empty string, or {@code fallback} (which may be null) when absent. */
  public String text(String field, String fallback) {
    known.add(field);
    Object value = request.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String text && !text.isEmpty()) {
      return text;
    }
    throw BusException.badRequest(name(field) + " must be a non-empty string, got " + show(value));
  }

  public String required(String field) {
    String value = text(field, null);
    if (value == null) {
      throw BusException.badRequest(name(field) + " is required");
    }
    return value;
  }

  /** One of {@code choices}; the first is the default. */
  public String choice(String field, String... choices) {
    String value = text(field, choices[0]);
    for (String choice : choices) {
      if (choice.equals(value)) {
        return value;
      }
    }
    throw BusException.badRequest(name(field) + " must be one of " + String.join(", ", choices) + ", got " + show(value));
  }

  /** @throws BusException 400 naming the first field no one read */
  public void finish() {
    for (String field : request.fieldNames()) {
      if (!known.contains(field)) {
        throw BusException.badRequest("unknown field " + name(field));
      }
    }
  }

  /** A client's value as an error message quotes it: at most 100 characters. */
  public static String show(Object value) {
    String shown = value instanceof String text ? '"' + text + '"' : String.valueOf(value);
    return shown.length() > 100 ? shown.substring(0, 100) + "..." : shown;
  }
}
