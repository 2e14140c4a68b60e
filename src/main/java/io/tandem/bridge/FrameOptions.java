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
      if (header.getKey().equalsIgnoreCase(Headers.PRINCIPAL)) {
        throw new Invalid(Headers.PRINCIPAL + " is set by Tandem, never by a client");
      } else if (header.getKey().equals("timeout")) {
        if (!(header.getValue() instanceof Number timeout) || timeout.longValue() < 1 || timeout.longValue() > MAX_TIMEOUT_MS) {
          throw new Invalid("headers.timeout must be 1.." + MAX_TIMEOUT_MS + " milliseconds");
        }
        options.setSendTimeout(timeout.longValue());
      } else if (header.getValue() instanceof String || header.getValue() instanceof Number || header.getValue() instanceof Boolean) {
        map.add(header.getKey(), String.valueOf(header.getValue()));
      } else {
        throw new Invalid("header " + header.getKey() + " must be a string, number or boolean");
      }
    }
    return options.setHeaders(map);
  }
}
