package io.tandem.chat;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.ChatMessages;
import io.tandem.bus.FailureCodes;
import io.tandem.bus.Headers;
import io.tandem.cluster.ClusterView;
import io.tandem.config.ChatSettings;
import io.tandem.config.ListenException;
import io.tandem.config.VerticleConfig;
import io.tandem.net.AcceptGate;
import io.tandem.net.CertificateReload;
import io.tandem.net.CloseNotify;
import io.tandem.net.ConnectionGate;
import io.tandem.net.HandshakeFailures;
import io.tandem.net.LogLimit;
import io.tandem.net.TlsFiles;
import io.tandem.net.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The chat: nicknames, rooms, history and private messages for line-protocol clients on
 * {@code chat.port} ({@link ChatSession}), and the same chat on the bus ({@link Addresses#CHAT_SEND},
 * {@link Addresses#CHAT_HISTORY}, {@link Addresses#CHAT_WHO}, {@link Addresses#CHAT_ROOM}). What
 * the nodes of a cluster share lives in its shared data ({@link Roster}, {@link RoomHistory}); each
 * room event is published once to every chat instance ({@link Addresses#CHAT_DELIVER}).
 */
public final class ChatVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ChatVerticle.class);
  /**
   * The socket's send buffer: the kernel's own (megabytes on loopback, autotuned) would hide a
   * client that does not read behind it long before {@code chat.maxQueuedBytes} could see it.
   */
  private static final int SEND_BUFFER_BYTES = 64 * 1024;
  private static final DeliveryOptions HERE_ONLY = new DeliveryOptions().setLocalOnly(true);

  private ChatSettings settings;
  private int graceSeconds;
  private ChatNode node;
  private ConnectionGate gate;
  private EventBus bus;
  private Roster roster;
  private Rooms rooms;
  private Relay relay;
  private ChatMeters meters;
  private final LocalRooms local = new LocalRooms();
  private NetServer server;
  private boolean chores;
  private Runnable stopWatching = () -> { };
  private Runnable stopReloads = () -> { };
  private final LogLimit refusalLog = new LogLimit();
  /** Forged room events are logged at most once a second. */
  private final LogLimit forgedLog = new LogLimit();

  @Override
  public Future<?> start() {
    VerticleConfig all = VerticleConfig.of(config());
    settings = all.chat();
    graceSeconds = all.shutdownGraceSeconds();
    node = ChatNode.of(vertx);
    gate = ConnectionGate.of(vertx, ChatSettings.SECTION, Integer.MAX_VALUE, settings.maxConnectionsPerClient(),
        all.unlimitedClients(), all.descriptorReserve(), false);
    bus = vertx.eventBus();
    roster = new Roster(vertx);
    RoomHistory history = new RoomHistory(vertx, settings.historyLines());
    rooms = new Rooms(vertx, settings.maxRooms(), history);
    relay = new Relay(bus, roster, rooms, history, node.id());
    meters = ChatMeters.of(vertx);
    chores = node.takeChores();
    if (chores) {
      ClusterView cluster = ClusterView.of(vertx);
      if (cluster != null) {
        stopWatching = cluster.onLeave(gone -> context.runOnContext(now -> sweep(gone)));
      }
    }
    NetServerOptions options = new NetServerOptions()
        .setIdleTimeout(settings.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setTcpNoDelay(true)
        .setSendBufferSize(SEND_BUFFER_BYTES);
    server = vertx.createNetServer(settings.tls() ? TlsFiles.serve(options, all.tls()) : options)
        .exceptionHandler(HandshakeFailures.of(ChatSettings.SECTION))
        .connectHandler(this::accept);
    // every consumer before the listener: a client's first line may need any of them, on any node
    return Future.all(
            bus.consumer(Addresses.CHAT_DELIVER, this::deliver).completion(),
            bus.consumer(Addresses.CHAT_PRIVATE_NODE + node.id(), this::deliverPrivate).completion(),
            bus.consumer(Addresses.CHAT_SEND, this::send).completion(),
            bus.consumer(Addresses.CHAT_HISTORY, this::history).completion(),
            bus.consumer(Addresses.CHAT_WHO, this::who).completion())
        .compose(registered -> server.listen(settings.listener().port(), settings.listener().host())
            .recover(err -> Future.failedFuture(new ListenException("chat", settings.listener(), err))))
        .onSuccess(listening -> {
          AcceptGate.install(VertxInternals.listening(server), gate, 0);
          if (settings.tls()) {
            stopReloads = CertificateReload.register(vertx, options.getSslOptions(), next -> server.updateSSLOptions(next, true));
          }
        });
  }

  @Override
  public Future<?> stop() {
    stopReloads.run();
    stopWatching.run();
    if (chores) {
      node.dropChores();
    }
    return server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  /** The port this server listens on (the real one when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void accept(NetSocket socket) {
    if (AcceptGate.admission(VertxInternals.channel(socket), gate) == null) {
      return; // closed, counted and logged by the gate
    }
    String connection = node.admit(settings.maxConnections());
    if (connection == null) {
      meters.refusedAtMax.increment();
      socket.close();
      if (refusalLog.allows()) {
        log.warn("refused a chat connection: chat.maxConnections ({}) reached{}", settings.maxConnections(), refusalLog.heldBackNote());
      }
      return;
    }
    if (settings.tls()) {
      CloseNotify.answer(VertxInternals.channel(socket));
    }
    ChatSession session = new ChatSession(vertx, socket, connection, node.id(), settings, roster, rooms, relay, local, meters);
    node.register(session);
    socket.exceptionHandler(err -> log.atDebug().addKeyValue("connection", connection).log("chat connection {}: {}", connection, err.toString()));
    session.start(() -> node.release(connection));
  }

  private void deliver(Message<Object> message) {
    if (!ChatMessages.isEvent(message.body(), settings.maxLineBytes())) {
      if (forgedLog.allows()) {
        log.warn("dropped a malformed {} message: only the chat publishes there{}", Addresses.CHAT_DELIVER, forgedLog.heldBackNote());
      }
      return;
    }
    JsonObject event = (JsonObject) message.body();
    local.deliver(event);
    if (chores) {
      // each node hands its own bridge clients and verticles the room's events, once
      bus.publish(ChatMessages.roomAddress(event.getString(ChatMessages.ROOM)), event, HERE_ONLY);
    }
  }

  private void deliverPrivate(Message<Object> message) {
    if (!ChatMessages.isPrivateMessage(message.body(), settings.maxLineBytes())) {
      message.fail(FailureCodes.BAD_REQUEST, "not a private message of the chat");
      return;
    }
    JsonObject body = (JsonObject) message.body();
    ChatSession reader = node.find(body.getString(ChatMessages.CONNECTION));
    if (reader == null) {
      message.fail(FailureCodes.NOT_FOUND, "no such connection");
      return;
    }
    String from = body.getString(ChatMessages.FROM);
    String text = body.getString(ChatMessages.TEXT);
    reader.context().runOnContext(now -> reader.privateLine(from, text));
    message.reply(ChatMessages.sent(body.getString(ChatMessages.ID)));
  }

  private void send(Message<Object> message) {
    ChatMessages.SendRequest request;
    try {
      request = ChatMessages.readSend(message.body(), settings.maxLineBytes(), message.headers().get(Headers.PRINCIPAL));
    } catch (BusException e) {
      e.failReply(message);
      return;
    }
    roster.find(request.from()).compose(holder -> {
      if (holder != null) {
        return Future.failedFuture(new BusException(FailureCodes.CONFLICT,
            request.from() + " is a chat client's nickname; send as another name"));
      }
      return request.room() != null
          ? relay.say(request.room(), request.from(), request.text()).map(said -> {
            meters.said.increment();
            return said.getString(ChatMessages.ID);
          })
          : relay.tell(request.to(), request.from(), request.text()).onSuccess(id -> meters.told.increment());
    }).onComplete(done -> {
      if (done.succeeded()) {
        message.reply(ChatMessages.sent(done.result()));
      } else if (done.cause() instanceof BusException refused) {
        refused.failReply(message);
      } else {
        message.fail(FailureCodes.UNAVAILABLE, "the chat's shared state did not answer: " + done.cause().getMessage());
      }
    });
  }

  private void history(Message<Object> message) {
    ChatMessages.HistoryRequest request;
    try {
      request = ChatMessages.readHistory(message.body(), settings.replayOnJoin(), settings.historyLines());
    } catch (BusException e) {
      e.failReply(message);
      return;
    }
    rooms.last(request.room(), request.limit()).onComplete(read -> {
      if (read.succeeded()) {
        message.reply(ChatMessages.history(request.room(), read.result()));
      } else {
        message.fail(FailureCodes.UNAVAILABLE, "the chat's shared state did not answer: " + read.cause().getMessage());
      }
    });
  }

  private void who(Message<Object> message) {
    String room;
    try {
      room = ChatMessages.readWho(message.body());
    } catch (BusException e) {
      e.failReply(message);
      return;
    }
    roster.rooms().onComplete(read -> {
      if (read.failed()) {
        message.fail(FailureCodes.UNAVAILABLE, "the chat's shared state did not answer: " + read.cause().getMessage());
      } else if (room != null) {
        message.reply(ChatMessages.who(room, read.result().getOrDefault(room, List.of())));
      } else {
        JsonArray rooms = new JsonArray();
        read.result().forEach((name, nicks) -> rooms.add(ChatMessages.who(name, nicks)));
        message.reply(new JsonObject().put(ChatMessages.ROOMS, rooms));
      }
    });
  }

  /**
   * A node left: frees what its clients held. Every survivor sweeps, and only the one whose
   * removal succeeds tells the rooms, so each departure is announced once.
   */
  private void sweep(String gone) {
    roster.heldBy(gone).onSuccess(entries -> {
      for (Roster.Entry entry : entries) {
        roster.release(entry).onSuccess(freed -> {
          if (freed) {
            for (String room : entry.rooms()) {
              relay.announce(ChatMessages.left(room, entry.nick()));
              rooms.leave(room);
            }
          }
        });
      }
      if (!entries.isEmpty()) {
        log.info("chat: freed {} nickname{} held on node {}, which left", entries.size(), entries.size() == 1 ? "" : "s", gone);
      }
    }).onFailure(err -> log.warn("chat: could not free the nicknames of node {}, which left: {}", gone, err.getMessage()));
  }
}
