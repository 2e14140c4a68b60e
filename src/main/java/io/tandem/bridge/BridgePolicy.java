package io.tandem.bridge;

import io.tandem.bus.FetchMessages;
import io.tandem.config.BridgeSettings;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;

/**
 * What a bridge client may do, the same on both bridges: the one place that holds a frame against
 * {@code bridge.inbound} and {@code bridge.outbound} and words the refusal that the client and the
 * log get. Each check answers null when the frame may go on, else the reason it may not.
 */
final class BridgePolicy {

  private final Permissions inbound;
  private final Permissions outbound;

  BridgePolicy(BridgeSettings settings) {
    this.inbound = new Permissions(settings.inbound());
    this.outbound = new Permissions(settings.outbound());
  }

  /** A send, request or publish to {@code address} (not a reply address: those are answers). */
  String refusalToSend(String address) {
    return inbound.allows(address) ? null : "sending to " + address + " is not on bridge.inbound";
  }

  /**
   * A fetch request's progress address must be one clients may subscribe to: else a client could
   * have the fetcher publish to any address, {@code tandem.tcp.broadcast} say.
   */
  String refusalOfProgress(Object body) {
    if (body instanceof JsonObject request && request.getValue(FetchMessages.PROGRESS_ADDRESS) instanceof String progress
        && !outbound.allows(progress)) {
      return "progressAddress " + progress + " is not an address clients may subscribe to (bridge.outbound)";
    }
    return null;
  }

  String refusalToSubscribe(String address) {
    return outbound.allows(address) ? null : "subscribing to " + address + " is not on bridge.outbound";
  }

  /** The same lists for Vert.x Web, which decides and answers its stock client's frames itself. */
  SockJSBridgeOptions permit(SockJSBridgeOptions options) {
    inbound.asPermittedOptions().forEach(options::addInboundPermitted);
    outbound.asPermittedOptions().forEach(options::addOutboundPermitted);
    return options;
  }
}
