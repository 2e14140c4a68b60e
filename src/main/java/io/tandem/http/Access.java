package io.tandem.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.tandem.auth.Principal;
import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.bus.Headers;
import io.tandem.config.AuthSettings;
import io.tandem.net.LogLimit;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;

/**
 * Who may use an HTTP endpoint ({@code auth} section), decided before anything of the request is
 * read or acted on. An endpoint on {@code auth.publicHttp} is open to everyone; with a tokens file
 * every other one wants {@code Authorization: Bearer <token>} of a principal that holds it (401,
 * 403 otherwise, as RFC 6750 words them); without one, protected mode serves it to clients on this
 * machine only (403 for the others, saying how to open it); with protected mode off, to everyone.
 */
final class Access {

  /** The principal a request was let through for, in its routing context. */
  static final String PRINCIPAL = "tandem.principal";

  private static final Logger log = LoggerFactory.getLogger(Access.class);
  private static final String CHALLENGE = "Bearer realm=\"tandem\"";
  private static final CharSequence WWW_AUTHENTICATE = HttpHeaders.createOptimized("WWW-Authenticate");

  /**
   * A connection's last {@code Authorization} header let through, and whose it is: a keep-alive
   * client sends the same header with every request, and hashing it each time cost {@code GET /}
   * 3.5–5 % (bench/run.sh auth). Only what this very connection showed is kept, on its channel, so
   * comparing with it tells no other client anything; it goes with the connection.
   */
  private record Known(String authorization, Principal principal) {
  }

  private static final AttributeKey<Known> KNOWN = AttributeKey.valueOf(Access.class.getName());

  private final AuthSettings settings;
  private final Principals principals;
  /** One line a second about refused clients, for every instance of the HTTP verticle together. */
  private final LogLimit refusals;

  Access(Vertx vertx, AuthSettings settings, Principals principals) {
    this.settings = settings;
    this.principals = principals;
    this.refusals = vertx.sharedData().<String, LogLimit>getLocalMap(Access.class.getName())
        .computeIfAbsent("refusals", key -> new LogLimit());
  }

  /**
   * Puts the endpoint's check on {@code method path} (any method when null), unless the endpoint is
   * open to everyone; called before the endpoint's own routes, so a refused request is answered
   * before its body is read.
   */
  void protect(Router router, HttpMethod method, String path, String endpoint) {
    Handler<RoutingContext> check = check(endpoint);
    if (check != null) {
      (method == null ? router.route(path) : router.route(method, path)).handler(check);
    }
  }

  Principals principals() {
    return principals;
  }

  /**
   * Whether {@code request} may use {@code endpoint}, asked without a routing context, for the one
   * request answered without the Router ({@code GET /}): nothing is answered or logged here, a
   * request refused goes through the Router, whose check answers it.
   */
  boolean lets(HttpServerRequest request, String endpoint) {
    if (isOpen(endpoint)) {
      return true;
    }
    if (settings.tokensFile() == null) {
      return isLoopback(request.remoteAddress());
    }
    Principal principal = principalOf(request, request.getHeader(HttpHeaders.AUTHORIZATION));
    return principal != null && principal.mayUse(endpoint);
  }

  /** Whether anyone may use {@code endpoint} with nothing checked. */
  boolean isOpen(String endpoint) {
    return settings.open() || settings.publicHttp().contains(endpoint);
  }

  private Handler<RoutingContext> check(String endpoint) {
    if (isOpen(endpoint)) {
      return null;
    }
    if (settings.tokensFile() == null) {
      return ctx -> loopbackOnly(ctx, endpoint);
    }
    return ctx -> bearer(ctx, endpoint);
  }

  private void loopbackOnly(RoutingContext ctx, String endpoint) {
    if (isLoopback(ctx.request().remoteAddress())) {
      ctx.next();
      return;
    }
    refused(ctx, endpoint, "protected mode");
    ErrorResponses.send(ctx.response(), 403, endpoint + " is served only to clients on this machine (protected mode): "
        + "name who may use it in auth.tokensFile, or set auth.protectedMode to false to open it to every client");
  }

  private void bearer(RoutingContext ctx, String endpoint) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    boolean bearer = Tokens.bearer(header) != null;
    // a browser's SockJS client cannot set headers: on the bus bridge the token may be in the URL
    String query = !bearer && endpoint.equals(AuthSettings.EVENTBUS) ? ctx.request().getParam(Tokens.QUERY_PARAMETER) : null;
    if (!bearer && query == null) {
      refused(ctx, endpoint, header == null ? "no token" : "not a bearer token");
      challenge(ctx, CHALLENGE, 401, endpoint + " needs a token: send Authorization: Bearer <token>");
      return;
    }
    Principal principal = query != null ? principals.find(query) : principalOf(ctx.request(), header);
    if (principal == null) {
      refused(ctx, endpoint, "an unknown token");
      challenge(ctx, CHALLENGE + ", error=\"invalid_token\"", 401, "the token is not one of auth.tokensFile");
    } else if (!principal.mayUse(endpoint)) {
      refused(ctx, endpoint, "principal " + principal.name() + " lacks it");
      challenge(ctx, CHALLENGE + ", error=\"insufficient_scope\"", 403,
          "principal " + principal.name() + " may not use " + endpoint + " (its permissions.http in auth.tokensFile)");
    } else {
      ctx.put(PRINCIPAL, principal);
      ctx.next();
    }
  }

  /**
   * The options of a message a request puts on the bus: {@code options}, with the name of the
   * principal the request was let through for ({@link Headers#PRINCIPAL}), if it showed a token.
   */
  static DeliveryOptions onBehalf(RoutingContext ctx, DeliveryOptions options) {
    Principal principal = ctx.get(PRINCIPAL);
    return principal == null ? options : new DeliveryOptions(options).addHeader(Headers.PRINCIPAL, principal.name());
  }

  /** The principal of a bearer header, or null; remembered on the connection once let through. */
  private Principal principalOf(HttpServerRequest request, String authorization) {
    Channel channel = request.connection() instanceof Http1xServerConnection http1 ? http1.channelHandlerContext().channel() : null;
    Known known = channel == null ? null : channel.attr(KNOWN).get();
    if (known != null && known.authorization().equals(authorization)) {
      return known.principal();
    }
    String token = Tokens.bearer(authorization);
    Principal principal = token == null ? null : principals.find(token);
    if (principal != null && channel != null) {
      channel.attr(KNOWN).set(new Known(authorization, principal));
    }
    return principal;
  }

  private static void challenge(RoutingContext ctx, String challenge, int status, String message) {
    ctx.response().putHeader(WWW_AUTHENTICATE, challenge);
    ErrorResponses.send(ctx.response(), status, message);
  }

  /** Logged without the token, whatever the client sent. */
  private void refused(RoutingContext ctx, String endpoint, String why) {
    if (refusals.allows()) {
      log.warn("HTTP client {} refused {}: {}{}", ctx.request().remoteAddress(), endpoint, why, refusals.heldBackNote());
    }
  }

  static boolean isLoopback(SocketAddress address) {
    if (address == null || address.hostAddress() == null) {
      return false;
    }
    InetAddress inet = NetUtil.createInetAddressFromIpAddressString(address.hostAddress());
    return inet != null && inet.isLoopbackAddress();
  }
}
