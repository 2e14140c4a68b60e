package io.tandem.bridge;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;

/**
 * The TCP bridge's frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON (an
 * object). The shapes are those of Vert.x's own TCP bridge, so its clients work unchanged; the
 * errors it has no frame for get {@code {"type":"err","message":"<code>","reason":"..."}}.
 */
final class Frames {

  static final String TYPE = "type";
  static final String ADDRESS = "address";
  static final String REPLY_ADDRESS = "replyAddress";
  static final String HEADERS = "headers";
  /**
   * Headers the bus gives a message sent within a trace: never written to a bridge client. A
   * subscriber would learn the trace ids of other clients' requests and could add its own frames
   * to them. A client's own {@code traceparent} on a frame it sends is still read (its trace goes on).
   */
  static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate");
  static final String BODY = "body";
  static final String MESSAGE = "message";
  static final String ACK = "ack";
  /** On a send to a reply address: fail that message with this code (and {@link #MESSAGE}) instead of replying. */
  static final String FAILURE_CODE = "failureCode";

  private Frames() {
  }

  static Buffer encode(JsonObject frame) {
    Buffer json = frame.toBuffer();
    return Buffer.buffer(4 + json.length()).appendInt(json.length()).appendBuffer(json);
  }

  /** A message for a subscription or a reply to a request; {@code send}: it went to one consumer, not to all. */
  static JsonObject message(String address, MultiMap headers, Object body, boolean send) {
    JsonObject headerJson = new JsonObject();
    headers.forEach(header -> {
      if (!TRACE_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        headerJson.put(header.getKey(), header.getValue());
      }
    });
    return new JsonObject().put(TYPE, "message").put(ADDRESS, address).put(HEADERS, headerJson).put(BODY, body).put("send", send);
  }

  /** A failed request, as the bus reports it. */
  static JsonObject failure(String replyAddress, String sourceAddress, int code, String type, String message) {
    return new JsonObject().put(TYPE, "err").put(ADDRESS, replyAddress).put("sourceAddress", sourceAddress)
        .put(FAILURE_CODE, code).put("failureType", type).put(MESSAGE, message);
  }

  /** A frame refused by the bridge; {@code code} is a short stable word, {@code reason} says why in words. */
  static JsonObject refused(String code, String reason) {
    return new JsonObject().put(TYPE, "err").put(MESSAGE, code).put("reason", reason);
  }

  /** The answer to a register frame with {@code "ack":true}, once the subscription is in place. */
  static JsonObject registered(String address) {
    return new JsonObject().put(TYPE, "registered").put(ADDRESS, address);
  }

  /** Whether a register frame asks to be told when its subscription is in place. */
  static boolean wantsAck(JsonObject frame) {
    return Boolean.TRUE.equals(frame.getValue(ACK));
  }

  /** The answer to an auth frame whose token is known: the principal it stands for. */
  static JsonObject authed(String name) {
    return new JsonObject().put(TYPE, "authed").put("name", name);
  }

  static JsonObject pong() {
    return new JsonObject().put(TYPE, "pong");
  }
}
