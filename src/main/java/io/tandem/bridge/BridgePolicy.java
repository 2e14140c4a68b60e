package io.tandem.bridge;

import io.tandem.auth.Principal;
import io.tandem.bus.FetchMessages;
import io.tandem.config.BridgeSettings;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;

/**
 * What a bridge client may do, the same on both bridges: the one place that holds a frame against
 * {@code bridge.inbound} and {@code bridge.outbound} — and, for a client that showed a token, its
 * principal's own lists as well (an address must be on both) — and words the refusal that the
 * client and the log get. Each check answers null when the frame may go on, else the reason.
 */
final class BridgePolicy {

  private final Permissions inbound;
  private final Permissions outbound;
  /** null for a client that showed no token */
  private final Principal principal;
  private final Permissions principalInbound;
  private final Permissions principalOutbound;

  BridgePolicy(BridgeSettings settings) {
    this(new Permissions(settings.inbound()), new Permissions(settings.outbound()), null);
  }

  private BridgePolicy(Permissions inbound, Permissions outbound, Principal principal) {
    this.inbound = inbound;
    this.outbound = outbound;
    this.principal = principal;
    this.principalInbound = principal == null ? null : new Permissions(principal.inbound());
    this.principalOutbound = principal == null ? null : new Permissions(principal.outbound());
  }

  /** The same lists, narrowed to what {@code principal} may use. */
  BridgePolicy of(Principal principal) {
    return new BridgePolicy(inbound, outbound, principal);
  }

  /** The principal this client showed the token of, or null. */
  Principal principal() {
    return principal;
  }

  /** A send, request or publish to {@code address} (not a reply address: those are answers). */
  String refusalToSend(String address) {
    if (!inbound.allows(address)) {
      return "sending to " + address + " is not on bridge.inbound";
    }
    if (principal != null && !principalInbound.allows(address)) {
      return "principal " + principal.name() + " may not send to " + address + " (its permissions.inbound)";
    }
    return null;
  }

  /**
   * A fetch request's progress address must be one this client may subscribe to: else a client
   * could have the fetcher publish to any address, {@code tandem.tcp.broadcast} say.
   */
  String refusalOfProgress(Object body) {
    if (body instanceof JsonObject request && request.getValue(FetchMessages.PROGRESS_ADDRESS) instanceof String progress
        && refusalToSubscribe(progress) != null) {
      return "progressAddress " + progress + " is not an address this client may subscribe to (bridge.outbound"
          + (principal == null ? ")" : ", its permissions.outbound)");
    }
    return null;
  }

  String refusalToSubscribe(String address) {
    if (!outbound.allows(address)) {
      return "subscribing to " + address + " is not on bridge.outbound";
    }
    if (principal != null && !principalOutbound.allows(address)) {
      return "principal " + principal.name() + " may not subscribe to " + address + " (its permissions.outbound)";
    }
    return null;
  }

  /** The bridge's own lists for Vert.x Web, which decides and answers its stock client's frames itself. */
  SockJSBridgeOptions permit(SockJSBridgeOptions options) {
    inbound.asPermittedOptions().forEach(options::addInboundPermitted);
    outbound.asPermittedOptions().forEach(options::addOutboundPermitted);
    return options;
  }
}
