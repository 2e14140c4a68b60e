package io.tandem.bridge;

import io.tandem.bus.FetchMessages;
import io.tandem.config.BridgeSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The SockJS event-bus bridge for browsers, mounted at {@code /eventbus} on the HTTP server
 * (Vert.x Web's, with its JavaScript client's frames), held to the same {@code bridge.inbound} /
 * {@code bridge.outbound} list as the TCP bridge, and to the same rule for fetch progress
 * addresses.
 *
 * <p>Vert.x Web decides and answers the permission list itself; its bridge-event hook, called
 * before that for every frame, is where Tandem adds what the TCP bridge also does: the progress
 * rule, the {@code "ack":true} answer to a register, and refusals logged at most once a second
 * per client (Vert.x Web logs those at debug only, and a bad frame type at ERROR every time, so
 * its own logger is off in logback.xml).
 */
public final class SockJsBridge {

  private static final Logger log = LoggerFactory.getLogger(SockJsBridge.class);
  private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Where the bus sends replies; a client answering a message it got is allowed without the list. */
  private static final String REPLY_ADDRESS_PREFIX = "__vertx.reply.";
  /** Vert.x Web refuses longer reply addresses ({@code invalid_reply_address}). */
  private static final int MAX_REPLY_ADDRESS_LENGTH = 36;

  private final Permissions inbound;
  private final Permissions outbound;
  /** per client, when its last refusal was logged; only this router's event loop touches it */
  private final Map<SockJSSocket, Long> lastRefusalLog = new HashMap<>();

  private SockJsBridge(BridgeSettings settings) {
    this.inbound = new Permissions(settings.inbound());
    this.outbound = new Permissions(settings.outbound());
  }

  public static Router router(Vertx vertx, BridgeSettings settings) {
    SockJSBridgeOptions options = new SockJSBridgeOptions();
    settings.inbound().forEach(entry -> options.addInboundPermitted(permitted(entry)));
    settings.outbound().forEach(entry -> options.addOutboundPermitted(permitted(entry)));
    SockJsBridge bridge = new SockJsBridge(settings);
    return SockJSHandler.create(vertx).bridge(options, event -> event.complete(bridge.allowed(event)));
  }

  /** Whether Vert.x Web may go on with the frame (and apply the permission list to it). */
  private boolean allowed(BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    if (frame == null && event.type() != BridgeEventType.SOCKET_CLOSED) {
      return true; // socket events without a frame
    }
    switch (event.type()) {
      case SEND, PUBLISH -> {
        return sendAllowed(event.socket(), frame);
      }
      case REGISTER -> {
        String address = frame.getString(Frames.ADDRESS);
        if (address != null && !outbound.allows(address)) {
          logRefusal(event.socket(), "subscribing to " + address + " is not on bridge.outbound");
        }
        return true;
      }
      case REGISTERED -> {
        if (Frames.wantsAck(frame)) {
          event.socket().write(Frames.registered(frame.getString(Frames.ADDRESS)).toBuffer());
        }
        return true;
      }
      case SOCKET_ERROR -> {
        log.warn("SockJS bridge client {} failed: {}", event.socket().remoteAddress(), frame.getString("message"));
        lastRefusalLog.remove(event.socket());
        return true;
      }
      case SOCKET_CLOSED -> {
        lastRefusalLog.remove(event.socket());
        return true;
      }
      default -> {
        return true;
      }
    }
  }

  private boolean sendAllowed(SockJSSocket socket, JsonObject frame) {
    String address = frame.getString(Frames.ADDRESS);
    if (address == null) {
      return true; // Vert.x Web answers missing_address
    }
    String replyAddress = frame.getValue(Frames.REPLY_ADDRESS) instanceof String reply ? reply : null;
    if (!inbound.allows(address) && !address.startsWith(REPLY_ADDRESS_PREFIX)) {
      logRefusal(socket, "sending to " + address + " is not on bridge.inbound");
      return true; // Vert.x Web answers access_denied
    }
    if (replyAddress != null && replyAddress.length() > MAX_REPLY_ADDRESS_LENGTH) {
      logRefusal(socket, "replyAddress is over " + MAX_REPLY_ADDRESS_LENGTH + " characters");
      return true; // Vert.x Web answers invalid_reply_address
    }
    if (frame.getValue(Frames.BODY) instanceof JsonObject body
        && body.getValue(FetchMessages.PROGRESS_ADDRESS) instanceof String progress && !outbound.allows(progress)) {
      String reason = "progressAddress " + progress + " is not an address clients may subscribe to (bridge.outbound)";
      logRefusal(socket, reason);
      if (replyAddress != null) {
        // as on the TCP bridge, a request waiting on its reply address learns of the refusal there
        socket.write(Frames.failure(replyAddress, address, 403, "ACCESS_DENIED", "access_denied").put("reason", reason).toBuffer());
      }
      return false; // Vert.x Web answers rejected
    }
    return true;
  }

  private void logRefusal(SockJSSocket socket, String reason) {
    long now = System.nanoTime();
    Long last = lastRefusalLog.get(socket);
    if (last == null || now - last >= REFUSAL_LOG_INTERVAL_NANOS) {
      lastRefusalLog.put(socket, now);
      log.warn("SockJS bridge client {} refused: {}", socket.remoteAddress(), reason);
    }
  }

  private static PermittedOptions permitted(String entry) {
    return entry.endsWith(".*")
        ? new PermittedOptions().setAddressRegex(Pattern.quote(entry.substring(0, entry.length() - 1)) + ".+")
        : new PermittedOptions().setAddress(entry);
  }
}
