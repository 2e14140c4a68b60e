package io.tandem.bridge;

import io.tandem.bus.Headers;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A frame's {@code headers} as the bus's: message headers, and {@code timeout} (ms) as the request's send timeout. */
final class FrameOptions {

  static final long MAX_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);

  /** What is wrong with a frame's headers, to be answered {@code invalid_frame}. */
  static final class Invalid extends Exception {
    Invalid(String reason) {
      super(reason, null, false, false);
    }
  }

  private FrameOptions() {
  }

  static DeliveryOptions of(JsonObject frame) throws Invalid {
    DeliveryOptions options = new DeliveryOptions();
    Object headers = frame.getValue(Frames.HEADERS);
    if (headers == null) {
      return options;
    }
    if (!(headers instanceof JsonObject json)) {
      throw new Invalid("headers must be a JSON object");
    }
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, Object> header : json) {
      if (header.getKey().equals("timeout")) {
        if (!(header.getValue() instanceof Number timeout) || timeout.longValue() < 1 || timeout.longValue() > MAX_TIMEOUT_MS) {
          throw new Invalid("headers.timeout must be 1.." + MAX_TIMEOUT_MS + " milliseconds");
        }
        options.setSendTimeout(timeout.longValue());
      } else {
        map.add(header.getKey(), value(header.getKey(), header.getValue()));
      }
    }
    return options.setHeaders(map);
  }

  /**
   * A frame's headers as the SockJS bridge hands them to Vert.x Web, which takes only text (any
   * other value threw inside it, and the client never heard back): each value as text, the
   * principal's name added for a client that showed a token.
   */
  static JsonObject forSockJs(JsonObject frame, String principal) throws Invalid {
    Object headers = frame.getValue(Frames.HEADERS);
    if (headers != null && !(headers instanceof JsonObject)) {
      throw new Invalid("headers must be a JSON object");
    }
    JsonObject text = new JsonObject();
    if (headers != null) {
      for (Map.Entry<String, Object> header : (JsonObject) headers) {
        text.put(header.getKey(), value(header.getKey(), header.getValue()));
      }
    }
    return principal == null ? text : text.put(Headers.PRINCIPAL, principal);
  }

  /** A header's value as the bus carries it: text, a number or boolean as its text; never the principal's header. */
  private static String value(String name, Object value) throws Invalid {
    if (name.equalsIgnoreCase(Headers.PRINCIPAL)) {
      throw new Invalid(Headers.PRINCIPAL + " is set by Tandem, never by a client");
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    throw new Invalid("header " + name + " must be a string, number or boolean");
  }
}
