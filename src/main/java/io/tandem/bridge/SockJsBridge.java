package io.tandem.bridge;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.tandem.auth.Principal;
import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.bus.Headers;
import io.tandem.config.BridgeSettings;
import io.tandem.net.LogLimit;
import io.tandem.net.Utf8;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The SockJS event-bus bridge for browsers, mounted at {@code /eventbus} on the HTTP server
 * (Vert.x Web's, with its JavaScript client's frames), held to the same {@code bridge.inbound} /
 * {@code bridge.outbound} list as the TCP bridge, and to the same rule for fetch progress
 * addresses.
 *
 * <p>Vert.x Web decides and answers the permission list itself, from the options
 * {@link BridgePolicy#permit} builds; its bridge-event hook, called before that for every frame, is
 * where Tandem adds what the TCP bridge also does, asking the same {@link BridgePolicy}: the
 * progress rule, refusals that name what was refused, the {@code "ack":true} answer to a register,
 * and refusals logged at most once a second per client (Vert.x Web logs those at debug only).
 * Vert.x Web's own check stays: a frame the hook refused is answered {@code rejected}, not the
 * {@code access_denied} stock clients are written against.
 */
public final class SockJsBridge {

  private static final Logger log = LoggerFactory.getLogger(SockJsBridge.class);
  /** Vert.x Web refuses longer reply addresses ({@code invalid_reply_address}). */
  private static final int MAX_REPLY_ADDRESS_LENGTH = 36;
  private static final long PING_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(90);
  private static final List<Transport> DISABLED_TRANSPORTS = List.of(Transport.JSON_P, Transport.HTML_FILE, Transport.EVENT_SOURCE);
  private static final int GOING_AWAY = 1001;
  /** The XHR polling transport's receiving request, {@code /<server>/<session>/xhr}. */
  private static final String XHR_RECEIVE = "/[^/.]+/[^/.]+/xhr";
  private static final String SHUTTING_DOWN = "shutting down";

  private final Vertx vertx;
  private final BridgePolicy policy;
  private final Principals principals;
  private final Origins origins;
  private final LogLimit originLog = new LogLimit();
  private boolean shuttingDown;
  /** per connected client; only this router's event loop touches it */
  private final Map<SockJSSocket, Client> clients = new HashMap<>();

  /** What the hook keeps about one client between its frames. */
  private static final class Client {
    /** the bridge's lists, narrowed to the client's principal if it showed a token */
    final BridgePolicy policy;
    final LogLimit refusalLog = new LogLimit();
    /** register frames that asked for an ack, by address, until Vert.x Web reports them in place */
    final Map<String, JsonObject> awaitingAck = new HashMap<>();
    /** the reply addresses of this client's requests still waiting for their answer */
    final Set<String> pending = new HashSet<>();
    /** the reply addresses of messages this client received: it, and only it, may answer them */
    final ReplyAddresses<Boolean> answerable = new ReplyAddresses<>();

    Client(BridgePolicy policy) {
      this.policy = policy;
    }
  }

  private final BridgeMeters meters;

  private SockJsBridge(Vertx vertx, BridgeSettings settings, Principals principals) {
    this.vertx = vertx;
    this.principals = principals;
    this.policy = new BridgePolicy(settings);
    this.origins = new Origins(settings.allowedOrigins());
    this.meters = BridgeMeters.of(vertx);
  }

  /**
   * Mounts the bridge at {@code path} ({@code /eventbus}): the origin check first, so a refused page
   * gets its 403 before any upgrade or session; then the body limit for the POSTs of the XHR
   * transports ({@code body}, the API's own) and a 400 for a body that is not UTF-8; then Vert.x
   * Web's SockJS handler. Returns the bridge, for {@link #goAway()}.
   */
  public static SockJsBridge mount(Router router, String path, Vertx vertx, BridgeSettings settings, Principals principals,
                                   Handler<RoutingContext> body) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        // clients ping every 5 s, but a browser tab in the background may run its timers only once a
        // minute: with the default 10 s such a tab would be cut off and lose what came meanwhile
        .setPingTimeout(PING_TIMEOUT_MS);
    SockJSHandlerOptions transports = new SockJSHandlerOptions();
    // a cross-site <script> or <iframe> opens these with a GET that carries no Origin (see Origins)
    for (Transport transport : DISABLED_TRANSPORTS) {
      transports.addDisabledTransport(transport.name());
    }
    SockJsBridge bridge = new SockJsBridge(vertx, settings, principals);
    bridge.policy.permit(options);
    router.route(path + "/*").handler(bridge::checkOrigin);
    router.post(path + "/*").handler(body).handler(SockJsBridge::requireUtf8);
    router.postWithRegex(Pattern.quote(path) + XHR_RECEIVE).handler(SockJsBridge::sayConnectionCloses);
    router.route(path + "/*").subRouter(SockJSHandler.create(vertx, transports).bridge(options, event -> event.complete(bridge.allowed(event))));
    return bridge;
  }

  /**
   * Vert.x Web closes the connection after each XHR poll without saying so: a client that reused
   * the connection for its next request (an {@code xhr_send}, say) would lose that request to the
   * close. {@code Connection: close} tells it not to. Not on {@code xhr_streaming}: Node's SockJS
   * client then never sees the stream's frames, and a stream is closed only after 128 KiB.
   */
  private static void sayConnectionCloses(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    ctx.next();
  }

  /**
   * An {@code xhr_send} body is text, and Vert.x Web would decode bytes that are not UTF-8 with
   * U+FFFD and act on the frames: refused instead, as the API refuses such a JSON body, and as a
   * WebSocket text frame that is not UTF-8 ends its connection.
   */
  private static void requireUtf8(RoutingContext ctx) {
    Buffer sent = ctx.body().buffer();
    if (sent == null || Utf8.isValid(sent.getBytes())) {
      ctx.next();
    } else {
      ctx.fail(new HttpException(400, "body is not valid UTF-8"));
    }
  }

  /** Lets a page of an allowed origin (or a client that is not a page) through; 403 for any other. */
  private void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    HostAndPort authority = ctx.request().authority(); // the Host header, or HTTP/2's :authority
    String host = null;
    if (authority != null) {
      host = authority.host().indexOf(':') >= 0 && !authority.host().startsWith("[") ? "[" + authority.host() + "]" : authority.host();
      host = authority.port() < 0 ? host : host + ":" + authority.port();
    }
    if (origins.allows(origin, host)) {
      ctx.next();
      return;
    }
    meters.sockJs.refused(BridgeMeters.ORIGIN);
    if (originLog.allows()) {
      log.warn("SockJS bridge refused a page of origin {} from {} (not on bridge.allowedOrigins){}", origin,
          ctx.request().remoteAddress(), originLog.heldBackNote());
    }
    ctx.fail(new HttpException(403, "a page of origin " + origin + " may not use the event bus (bridge.allowedOrigins)"));
  }

  /**
   * On shutdown: every session without a request in flight is closed at once (a WebSocket with
   * 1001, going away); the others once their last answer is written. New sessions are refused.
   */
  public void goAway() {
    shuttingDown = true;
    clients.forEach((socket, client) -> {
      if (client.pending.isEmpty()) {
        socket.close(GOING_AWAY, SHUTTING_DOWN);
      }
    });
  }

  /** Whether Vert.x Web may go on with the frame (and apply the permission list to it). */
  private boolean allowed(BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    SockJSSocket socket = event.socket();
    switch (event.type()) {
      case SOCKET_CREATED -> {
        if (shuttingDown) {
          return false; // Vert.x Web closes it
        }
        if (clients.put(socket, new Client(policyOf(socket))) == null) {
          meters.sockJs.clients.incrementAndGet();
        }
        return true;
      }
      case SEND -> {
        meters.sockJs.frames.increment();
        return sendAllowed(socket, frame, true);
      }
      case PUBLISH -> {
        meters.sockJs.frames.increment();
        return sendAllowed(socket, frame, false);
      }
      case RECEIVE -> {
        received(socket, frame);
        if (frame.getValue(Frames.HEADERS) instanceof JsonObject headers) {
          // written as this frame is after the hook: the same object
          Frames.TRACE_HEADERS.forEach(headers::remove);
        }
        return true;
      }
      case REGISTER -> {
        meters.sockJs.frames.increment();
        return register(socket, frame);
      }
      case REGISTERED -> {
        acknowledge(socket, frame);
        return true;
      }
      case UNREGISTER -> {
        meters.sockJs.frames.increment();
        Client client = clients.get(socket);
        if (client != null && frame.getValue(Frames.ADDRESS) instanceof String address) {
          client.awaitingAck.remove(address);
        }
        return true;
      }
      case SOCKET_CLOSED -> {
        gone(socket);
        return true;
      }
      case SOCKET_ERROR -> {
        // a client that went away; Vert.x Web's own ERROR line for it is dropped (StockBridgeLogLimit)
        log.debug("SockJS bridge client {}: {}", socket.remoteAddress(), frame);
        gone(socket);
        return true;
      }
      default -> {
        return true;
      }
    }
  }

  private void gone(SockJSSocket socket) {
    if (clients.remove(socket) != null) {
      meters.sockJs.clients.decrementAndGet();
    }
  }

  private boolean sendAllowed(SockJSSocket socket, JsonObject frame, boolean send) {
    if (!(frame.getValue(Frames.ADDRESS) instanceof String address)) {
      return true; // Vert.x Web answers missing_address
    }
    Client client = clients.computeIfAbsent(socket, s -> new Client(policyOf(s)));
    String replyAddress = frame.getValue(Frames.REPLY_ADDRESS) instanceof String reply ? reply : null;
    String badHeaders = fixHeaders(frame, client.policy);
    if (badHeaders != null) {
      logRefusal(socket, "invalid_frame", badHeaders);
      socket.write(Frames.refused("invalid_frame", badHeaders).put(Frames.ADDRESS, address).toBuffer());
      return false; // Vert.x Web answers rejected
    }
    if (ReplyAddresses.isReplyAddress(address)) {
      if (send && frame.containsKey(Frames.FAILURE_CODE)) {
        // Vert.x Web would pass it on as a successful reply; the message stays answerable
        String reason = "a failure is answered on the TCP bridge only: Vert.x Web's SockJS bridge replies, it cannot fail";
        logRefusal(socket, "not_supported", reason);
        socket.write(Frames.refused("not_supported", reason).put(Frames.ADDRESS, address).toBuffer());
        return false; // Vert.x Web answers rejected
      }
      // an answer: only to a message this client received, whatever the permission list says
      if (send && client.answerable.take(address) != null) {
        track(client, replyAddress);
        return true;
      }
      sendDenied(socket, address, replyAddress, address + " is not the reply address of a message this client received");
      return false; // Vert.x Web answers rejected
    }
    String refusal = client.policy.refusalToSend(address);
    if (refusal != null) {
      sendDenied(socket, address, replyAddress, refusal);
      // off the bridge's list Vert.x Web answers access_denied; off only the principal's, rejected
      return policy.refusalToSend(address) != null;
    }
    if (replyAddress != null && replyAddress.length() > MAX_REPLY_ADDRESS_LENGTH) {
      logRefusal(socket, "invalid_reply_address", "replyAddress is over " + MAX_REPLY_ADDRESS_LENGTH + " characters");
      return true; // Vert.x Web answers invalid_reply_address
    }
    refusal = client.policy.refusalOfProgress(frame.getValue(Frames.BODY));
    if (refusal != null) {
      sendDenied(socket, address, replyAddress, refusal);
      return false; // Vert.x Web answers rejected
    }
    if (send) {
      track(client, replyAddress);
    }
    return true;
  }

  /** A request on its way: until its answer, shutdown leaves this client's session open. */
  private static void track(Client client, String replyAddress) {
    if (replyAddress != null) {
      client.pending.add(replyAddress);
    }
  }

  /**
   * A message on its way to the client: an answer to one of its requests, or a message it may
   * answer itself (it carries a reply address). After the last answer a session that shutdown
   * spared is closed, once the answer is written (Vert.x Web writes it after this hook).
   */
  private void received(SockJSSocket socket, JsonObject envelope) {
    Client client = clients.get(socket);
    if (client == null) {
      return;
    }
    if (envelope.getValue(Frames.REPLY_ADDRESS) instanceof String replyAddress) {
      client.answerable.add(replyAddress, Boolean.TRUE);
    }
    if (client.pending.remove(envelope.getString(Frames.ADDRESS)) && shuttingDown && client.pending.isEmpty()) {
      vertx.runOnContext(written -> socket.close(GOING_AWAY, SHUTTING_DOWN));
    }
  }

  /** Whether Vert.x Web may go on with the register (and apply the bridge's list to it). */
  private boolean register(SockJSSocket socket, JsonObject frame) {
    if (!(frame.getValue(Frames.ADDRESS) instanceof String address)) {
      return true; // Vert.x Web answers missing_address
    }
    Client client = clients.computeIfAbsent(socket, s -> new Client(policyOf(s)));
    String reason = client.policy.refusalToSubscribe(address);
    if (reason != null) {
      logRefusal(socket, "access_denied", reason);
      // before Vert.x Web's answer, which names no address: the client can drop this subscription
      socket.write(Frames.refused("access_denied", reason).put(Frames.ADDRESS, address).toBuffer());
      // off the bridge's list Vert.x Web answers access_denied; off only the principal's, rejected
      return policy.refusalToSubscribe(address) != null;
    }
    if (Frames.wantsAck(frame)) {
      // the first of two registers is the one Vert.x Web keeps (it refuses the second)
      client.awaitingAck.putIfAbsent(address, frame);
    }
    return true;
  }

  /**
   * The client's lists: with a tokens file, narrowed to the principal whose token opened the
   * session — {@code Authorization: Bearer} or, since a browser's SockJS client cannot set headers,
   * {@code ?access_token=} on the bridge's URL (RFC 6750); {@code http/Access} has already refused
   * a session without a known token, unless {@code GET /eventbus} is public.
   */
  private BridgePolicy policyOf(SockJSSocket socket) {
    if (!principals.configured()) {
      return policy;
    }
    String token = Tokens.bearer(socket.headers().get(HttpHeaders.AUTHORIZATION));
    if (token == null && socket.uri() != null) {
      List<String> query = new QueryStringDecoder(socket.uri()).parameters().get(Tokens.QUERY_PARAMETER);
      token = query == null || query.isEmpty() ? null : query.get(0);
    }
    Principal principal = token == null ? null : principals.find(token);
    return principal == null ? policy : policy.of(principal);
  }

  /**
   * Makes a send or publish frame's headers what Vert.x Web can take, with the principal's name
   * ({@link Headers#PRINCIPAL}) for a client that showed a token: null, or why the frame is refused.
   */
  private static String fixHeaders(JsonObject frame, BridgePolicy policy) {
    try {
      JsonObject headers = FrameOptions.forSockJs(frame, policy.principal() == null ? null : policy.principal().name());
      if (!headers.isEmpty() || frame.containsKey(Frames.HEADERS)) {
        frame.put(Frames.HEADERS, headers);
      }
      return null;
    } catch (FrameOptions.Invalid e) {
      return e.getMessage();
    }
  }


  /**
   * Tandem's addition, as on the TCP bridge: a client that asked learns its subscription is in
   * place. Only for the register still waiting: after an unregister and a new register, the old
   * consumer's completion must not vouch for the new one.
   */
  private void acknowledge(SockJSSocket socket, JsonObject frame) {
    Client client = clients.get(socket);
    String address = frame.getString(Frames.ADDRESS);
    if (client != null && client.awaitingAck.get(address) == frame) {
      client.awaitingAck.remove(address);
      socket.write(Frames.registered(address).toBuffer());
    }
  }

  /**
   * Logs a refused send and, for a request, answers on its reply address before Vert.x Web's own
   * answer (which names nothing), as the TCP bridge does, so the request fails at once instead of
   * waiting for its timeout. A send without a reply address has only Vert.x Web's answer.
   */
  private void sendDenied(SockJSSocket socket, String address, String replyAddress, String reason) {
    logRefusal(socket, "access_denied", reason);
    if (replyAddress != null) {
      socket.write(Frames.failure(replyAddress, address, 403, "ACCESS_DENIED", "access_denied").put("reason", reason).toBuffer());
    }
  }

  private void logRefusal(SockJSSocket socket, String code, String reason) {
    meters.sockJs.refused(code);
    Client client = clients.computeIfAbsent(socket, s -> new Client(policyOf(s)));
    if (client.refusalLog.allows()) {
      log.warn("SockJS bridge client {} refused: {}{}", socket.remoteAddress(), reason, client.refusalLog.heldBackNote());
    }
  }
}
