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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Pattern;

/**
 * The SockJS event-bus bridge for browsers, mounted at {@code /eventbus} on the HTTP server
 * (Vert.x Web's, with its JavaScript client's frames), held to the same {@code bridge.inbound} /
 * {@code bridge.outbound} list as the TCP bridge, and to the same rule for fetch progress
 * addresses.
 */
public final class SockJsBridge {

  private static final Logger log = LoggerFactory.getLogger(SockJsBridge.class);

  private SockJsBridge() {
  }

  public static Router router(Vertx vertx, BridgeSettings settings) {
    SockJSBridgeOptions options = new SockJSBridgeOptions();
    settings.inbound().forEach(entry -> options.addInboundPermitted(permitted(entry)));
    settings.outbound().forEach(entry -> options.addOutboundPermitted(permitted(entry)));
    Permissions outbound = new Permissions(settings.outbound());
    return SockJSHandler.create(vertx).bridge(options, event -> event.complete(allowed(event, outbound)));
  }

  /** The permission list decides addresses; this adds the rule about progress addresses. */
  private static boolean allowed(BridgeEvent event, Permissions outbound) {
    if (event.type() != BridgeEventType.SEND && event.type() != BridgeEventType.PUBLISH) {
      return true;
    }
    JsonObject frame = event.getRawMessage();
    if (frame != null && frame.getValue("body") instanceof JsonObject body
        && body.getValue(FetchMessages.PROGRESS_ADDRESS) instanceof String progress && !outbound.allows(progress)) {
      log.warn("SockJS bridge client {} refused: progressAddress {} is not an address clients may subscribe to",
          event.socket().remoteAddress(), progress);
      return false;
    }
    return true;
  }

  private static PermittedOptions permitted(String entry) {
    return entry.endsWith(".*")
        ? new PermittedOptions().setAddressRegex(Pattern.quote(entry.substring(0, entry.length() - 1)) + ".+")
        : new PermittedOptions().setAddress(entry);
  }
}
