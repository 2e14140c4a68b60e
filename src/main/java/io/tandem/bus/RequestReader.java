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
  private final Set<String> known = new HashSet<>();

  private RequestReader(JsonObject request) {
    this.request = request;
  }

  /** @throws BusException 400 unless {@code body} is a JSON object */
  public static RequestReader of(Object body) {
    if (body instanceof JsonObject json) {
      return new RequestReader(json);
    }
    throw BusException.badRequest("body must be a JSON object");
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
    throw BusException.badRequest(field + " must be an integer " + min + ".." + max + ", got " + show(value));
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
    throw BusException.badRequest(field + " must be true or false, got " + show(value));
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
    throw BusException.badRequest(field + " must be a non-empty string, got " + show(value));
  }

  public String required(String field) {
    String value = text(field, null);
    if (value == null) {
      throw BusException.badRequest(field + " is required");
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
    throw BusException.badRequest(field + " must be one of " + String.join(", ", choices) + ", got " + show(value));
  }

  /** A required array of {@code min..max} strings (each may be anything, even empty: items are judged later). */
  public List<String> strings(String field, int min, int max) {
    known.add(field);
    Object value = request.getValue(field);
    if (value == null) {
      throw BusException.badRequest(field + " is required");
    }
    if (!(value instanceof JsonArray array)) {
      throw BusException.badRequest(field + " must be an array of strings");
    }
    if (array.size() < min || array.size() > max) {
      throw BusException.badRequest(field + " must hold " + min + ".." + max + " items, got " + array.size());
    }
    List<String> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String item)) {
        throw BusException.badRequest(field + "[" + i + "] must be a string, got " + show(array.getValue(i)));
      }
      items.add(item);
    }
    return items;
  }

  /** @throws BusException 400 naming the first field no one read */
  public void finish() {
    for (String field : request.fieldNames()) {
      if (!known.contains(field)) {
        throw BusException.badRequest("unknown field " + field);
      }
    }
  }

  /** A client's value as an error message quotes it: at most 100 characters. */
  static String show(Object value) {
    String shown = value instanceof String text ? '"' + text + '"' : String.valueOf(value);
    return shown.length() > 100 ? shown.substring(0, 100) + "..." : shown;
  }
}
