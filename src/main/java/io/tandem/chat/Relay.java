package io.tandem.chat;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.ChatMessages;
import io.tandem.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How anything said reaches its hearers, whoever says it (a chat client or a bus caller): a room
 * message is numbered and kept in the room's history, then published once to every chat instance
 * of the cluster; a private message goes to the one node that holds its reader's connection.
 */
final class Relay {

  /** How long a private message waits for the reader's node: one that does not answer is gone. */
  private static final long PRIVATE_TIMEOUT_MS = 5000;
  private static final AtomicLong PRIVATE_SEQUENCE = new AtomicLong();

  private final EventBus bus;
  private final Roster roster;
  private final Rooms rooms;
  private final RoomHistory history;
  private final String node;

  Relay(EventBus bus, Roster roster, Rooms rooms, RoomHistory history, String node) {
    this.bus = bus;
    this.roster = roster;
    this.rooms = rooms;
    this.history = history;
    this.node = node;
  }

  /** Says a line in a room: numbered, kept, then sent on; the future holds the message as its members get it. */
  Future<JsonObject> say(String room, String from, String text) {
    return rooms.nextSeq(room).compose(seq -> {
      JsonObject message = ChatMessages.message(room, seq, from, text);
      return history.keep(message).map(kept -> {
        bus.publish(Addresses.CHAT_DELIVER, message);
        return message;
      });
    });
  }

  /** Tells the room's members (everywhere) of a join, a part or a new nickname. */
  void announce(JsonObject event) {
    bus.publish(Addresses.CHAT_DELIVER, event);
  }

  /**
   * Says a line to one nickname only.
   *
   * @return the message's id; fails with a {@link BusException} 404 when no one has the nickname
   *     (or its connection closed meanwhile), 503 when its node does not answer
   */
  Future<String> tell(String to, String from, String text) {
    return roster.find(to).compose(reader -> {
      if (reader == null) {
        return Future.failedFuture(new BusException(FailureCodes.NOT_FOUND, "no one is called " + to));
      }
      String id = "private/" + node + "-" + PRIVATE_SEQUENCE.incrementAndGet();
      JsonObject message = ChatMessages.privateMessage(reader.connection(), id, from, reader.nick(), text);
      return bus.<JsonObject>request(Addresses.CHAT_PRIVATE_NODE + reader.node(), message,
              new DeliveryOptions().setSendTimeout(PRIVATE_TIMEOUT_MS))
          .map(id)
          .recover(err -> Future.failedFuture(err instanceof ReplyException reply && reply.failureCode() == FailureCodes.NOT_FOUND
              ? new BusException(FailureCodes.NOT_FOUND, "no one is called " + to)
              : new BusException(FailureCodes.UNAVAILABLE, to + "'s node did not answer")));
    });
  }
}
