package io.tandem.bridge;

import io.tandem.auth.Principal;
import io.tandem.auth.Principals;
import io.tandem.bus.FailureCodes;
import io.tandem.bus.Headers;
import io.tandem.config.BridgeSettings;
import io.tandem.net.LogLimit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the TCP bridge. Every frame gets a defined answer: a reply, a message, a pong, or
 * an error frame naming what was wrong ({@link Frames#refused}); only a length prefix over
 * {@code bridge.maxFrameBytes} closes the connection, after saying so, because the stream cannot
 * be resynchronised past it. A client that sends more than {@code maxFramesPerSecond} frames, or
 * has {@code maxRequestsInFlight} requests unanswered, is not read until that passes: it slows
 * down, nothing it sent is lost, and nobody else waits. Confined to the connection's event loop.
 */
final class BridgeConnection implements Subscriptions.Client {

  private static final Logger log = LoggerFactory.getLogger(BridgeConnection.class);
  private static final String AUTH_FIRST = "the first frame must be {\"type\":\"auth\",\"token\":\"…\"} (auth.tokensFile)";

  private final Vertx vertx;
  private final NetSocket socket;
  private final EventBus bus;
  private final BridgeSettings settings;
  /** narrowed to the client's principal once it has shown its token */
  private BridgePolicy policy;
  private final Principals principals;
  private final String remote;
  private final Subscriptions subscriptions;
  /** messages this client received with a reply address: it may answer each once */
  private final ReplyAddresses<Message<Object>> answerable = new ReplyAddresses<>();
  private FrameReader reader;
  private ReadPacing pacing;
  private final LogLimit refusalLog = new LogLimit();
  private final BridgeMeters meters;
  private boolean closed;
  private boolean shuttingDown;
  /** With a tokens file, until the client's first frame shows a known token: nothing else is acted on. */
  private boolean awaitingAuth;
  /** Told why and being closed: what it sent after that is dropped. */
  private boolean ending;
  private long authTimer = -1;

  /** @param principals those of {@code auth.tokensFile}, who must show a token first; {@link Principals#none()} when there is none */
  BridgeConnection(Vertx vertx, NetSocket socket, BridgeSettings settings, BridgePolicy policy, Principals principals) {
    this.vertx = vertx;
    this.socket = socket;
    this.bus = vertx.eventBus();
    this.settings = settings;
    this.policy = policy;
    this.principals = principals;
    this.remote = String.valueOf(socket.remoteAddress());
    this.meters = BridgeMeters.of(vertx);
    this.subscriptions = new Subscriptions(bus, socket, this, meters.tcp.dropped);
  }

  void start() {
    pacing = new ReadPacing(vertx, settings.maxFramesPerSecond(), settings.maxRequestsInFlight(),
        () -> reader.pause(), () -> reader.resume());
    reader = new FrameReader(socket, settings.maxFrameBytes(), pacing::frame, new FrameReader.Sink() {
      @Override
      public void frame(JsonObject frame) {
        BridgeConnection.this.frame(frame);
      }

      @Override
      public void refused(String code, String reason, boolean fatal) {
        refuse(code, reason, null);
        if (fatal) {
          socket.end();
        }
      }
    }, err -> log.debug("bridge client {}: {}", remote, err.toString()));
    socket.shutdownHandler(shutdown -> goAway());
    if (principals.configured()) {
      awaitingAuth = true;
      authTimer = vertx.setTimer(settings.authTimeoutMs(), late -> {
        if (awaitingAuth) {
          closeWith("auth_required", "no auth frame within " + settings.authTimeoutMs() + " ms (bridge.authTimeoutMs): " + AUTH_FIRST);
        }
      });
    }
    meters.tcp.clients.incrementAndGet();
    socket.closeHandler(gone -> {
      meters.tcp.clients.decrementAndGet();
      closed = true;
      vertx.cancelTimer(authTimer);
      subscriptions.clear();
      // their senders learn now, not when their timeouts run out
      answerable.clear(unanswered -> unanswered.fail(FailureCodes.UNAVAILABLE, "the bridge client went away without answering"));
    });
  }

  /**
   * On shutdown nothing more is read; the client is told why and let go once its last answer is
   * written (at once when it waits for none), so it can reconnect elsewhere instead of timing out.
   */
  private void goAway() {
    shuttingDown = true;
    pacing.stop();
    if (pacing.requestsInFlight() == 0) {
      sayGoodbye();
    }
  }

  private void sayGoodbye() {
    write(Frames.refused("shutting_down", "Tandem is shutting down; reconnect to another node or later"));
    socket.end();
  }

  private void frame(JsonObject frame) {
    meters.tcp.frames.increment();
    if (ending) {
      return;
    }
    if (awaitingAuth) {
      authenticate(frame);
      return;
    }
    String type = frame.getValue(Frames.TYPE) instanceof String text ? text : null;
    if (type == null) {
      refuse("unknown_type", "type is missing: it must be send, publish, register, unregister or ping", null);
      return;
    }
    switch (type) {
      case "ping" -> write(Frames.pong());
      case "send", "publish" -> sendOrPublish(frame, type.equals("publish"));
      case "register" -> register(frame);
      case "unregister" -> unregister(frame);
      case "auth" -> refuse("invalid_frame", policy.principal() != null
          ? "already authenticated as " + policy.principal().name() : "this bridge takes no tokens: auth.tokensFile is not set", null);
      default -> refuse("unknown_type", "type must be send, publish, register, unregister or ping, got \"" + type + "\"", null);
    }
  }

  /**
   * The first frame with a tokens file: {@code {"type":"auth","token":"…"}} of a known token makes
   * the connection its principal's ({@code authed}); anything else is answered and the connection
   * closed, before any frame is acted on. The token is never logged.
   */
  private void authenticate(JsonObject frame) {
    if (!"auth".equals(frame.getValue(Frames.TYPE))) {
      closeWith("auth_required", AUTH_FIRST);
      return;
    }
    Principal principal = frame.getValue("token") instanceof String token ? principals.find(token) : null;
    if (principal == null) {
      closeWith("auth_failed", "the token is not one of auth.tokensFile");
      return;
    }
    awaitingAuth = false;
    vertx.cancelTimer(authTimer);
    policy = policy.of(principal);
    write(Frames.authed(principal.name()));
  }

  private void closeWith(String code, String reason) {
    ending = true;
    refuse(code, reason, null);
    socket.end();
  }

  private void sendOrPublish(JsonObject frame, boolean publish) {
    String address = address(frame);
    String replyAddress = frame.getValue(Frames.REPLY_ADDRESS) instanceof String reply ? reply : null;
    if (address == null) {
      return;
    }
    if (ReplyAddresses.isReplyAddress(address)) {
      answer(frame, address, replyAddress, publish);
      return;
    }
    Object body = frame.getValue(Frames.BODY);
    String refusal = policy.refusalToSend(address);
    refusal = refusal == null ? policy.refusalOfProgress(body) : refusal;
    if (refusal != null) {
      denied(address, replyAddress, refusal);
      return;
    }
    DeliveryOptions options = options(frame, replyAddress);
    if (options == null) {
      return;
    }
    if (publish) {
      bus.publish(address, body, options);
    } else if (replyAddress == null) {
      bus.send(address, body, options);
    } else {
      request(address, replyAddress, body, options);
    }
  }

  private void request(String address, String replyAddress, Object body, DeliveryOptions options) {
    awaitAnswer(address, replyAddress, bus.request(address, body, options));
  }

  /**
   * A send to the reply address of a message this client received: the reply (a request of its
   * own when the frame has a reply address), or with {@code failureCode} the failure, that
   * message's sender gets. Each message is answered once; anything else sent to a reply address
   * is refused, whatever the permission lists say (they do not name reply addresses).
   */
  private void answer(JsonObject frame, String address, String replyAddress, boolean publish) {
    if (publish) {
      denied(address, replyAddress, "a reply address is answered with send, not publish");
      return;
    }
    Object code = frame.getValue(Frames.FAILURE_CODE);
    Object text = frame.getValue(Frames.MESSAGE);
    if (code != null && !(code instanceof Integer)) {
      refuse("invalid_frame", "failureCode must be an integer", replyAddress);
      return;
    }
    if (code != null && text != null && !(text instanceof String)) {
      refuse("invalid_frame", "message, the failure's text, must be a string", replyAddress);
      return;
    }
    DeliveryOptions options = options(frame, replyAddress);
    if (options == null) {
      return;
    }
    Message<Object> message = answerable.take(address);
    if (message == null) {
      denied(address, replyAddress, address + " is not the reply address of a message this client received (or it was answered)");
    } else if (code != null) {
      message.fail((Integer) code, (String) text);
    } else if (replyAddress != null) {
      awaitAnswer(address, replyAddress, message.replyAndRequest(frame.getValue(Frames.BODY), options));
    } else {
      message.reply(frame.getValue(Frames.BODY), options);
    }
  }

  /** The answer to one of this client's requests, written to its reply address; reading waits while too many are out. */
  private void awaitAnswer(String address, String replyAddress, Future<Message<Object>> pending) {
    pacing.requestSent();
    pending.onComplete(answer -> {
      pacing.answerCame();
      if (answer.succeeded()) {
        deliver(replyAddress, answer.result(), true);
      } else if (answer.cause() instanceof ReplyException failure) {
        write(Frames.failure(replyAddress, address, failure.failureCode(), failure.failureType().name(), failure.getMessage()));
      } else {
        write(Frames.failure(replyAddress, address, -1, "RECIPIENT_FAILURE", String.valueOf(answer.cause().getMessage())));
      }
      if (shuttingDown && pacing.requestsInFlight() == 0) {
        sayGoodbye();
      }
    });
  }

  private void register(JsonObject frame) {
    String address = address(frame);
    if (address == null) {
      return;
    }
    String refusal = policy.refusalToSubscribe(address);
    if (refusal != null) {
      denied(address, null, refusal);
    } else if (!subscriptions.register(address, frame)) {
      refuse("too_many_registrations", "a client may subscribe to at most " + Subscriptions.MAX + " addresses", address);
    }
  }

  /**
   * A message for this client: on a subscription, or the answer to one of its requests. One that
   * wants an answer carries its {@code replyAddress}, and the client may answer it ({@link #answer}).
   */
  @Override
  public void deliver(String address, Message<Object> message, boolean send) {
    JsonObject frame = Frames.message(address, message.headers(), message.body(), send);
    String replyAddress = message.replyAddress();
    if (replyAddress != null) {
      frame.put(Frames.REPLY_ADDRESS, replyAddress);
      Message<Object> pushedOut = answerable.add(replyAddress, message);
      if (pushedOut != null) {
        pushedOut.fail(FailureCodes.UNAVAILABLE, "the bridge client left over " + ReplyAddresses.MAX + " messages unanswered");
      }
    }
    write(frame);
  }

  private void unregister(JsonObject frame) {
    String address = address(frame);
    if (address != null && !subscriptions.unregister(address)) {
      refuse("unknown_address", "not subscribed to " + address, address);
    }
  }

  /** The frame's address, or null once the client has been told it is missing. */
  private String address(JsonObject frame) {
    if (frame.getValue(Frames.ADDRESS) instanceof String address && !address.isEmpty()) {
      return address;
    }
    refuse("missing_address", "address must be a non-empty string", null);
    return null;
  }

  /** The frame's headers as delivery options, or null once the client has been told what is wrong with them. */
  private DeliveryOptions options(JsonObject frame, String replyAddress) {
    try {
      DeliveryOptions options = FrameOptions.of(frame);
      Principal principal = policy.principal();
      return principal == null ? options : options.addHeader(Headers.PRINCIPAL, principal.name());
    } catch (FrameOptions.Invalid e) {
      refuse("invalid_frame", e.getMessage(), replyAddress);
      return null;
    }
  }

  private void denied(String address, String replyAddress, String reason) {
    meters.tcp.refused("access_denied");
    logRefusal("refused: " + reason);
    JsonObject frame = Frames.refused("access_denied", reason).put(Frames.ADDRESS, address);
    if (replyAddress != null) {
      // a request waiting on its reply address learns of the refusal there
      frame = Frames.failure(replyAddress, address, 403, "ACCESS_DENIED", "access_denied").put("reason", reason);
    }
    write(frame);
  }

  private void refuse(String code, String reason, String address) {
    meters.tcp.refused(code);
    logRefusal(code + ": " + reason);
    JsonObject frame = Frames.refused(code, reason);
    if (address != null) {
      frame.put(Frames.ADDRESS, address);
    }
    write(frame);
  }

  @Override
  public void write(JsonObject frame) {
    if (!closed) {
      socket.write(Frames.encode(frame));
    }
  }

  @Override
  public void logRefusal(String what) {
    if (refusalLog.allows()) {
      log.warn("bridge client {} {}{}", remote, what, refusalLog.heldBackNote());
    }
  }
}
