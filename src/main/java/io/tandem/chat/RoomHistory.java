package io.tandem.chat;

import io.tandem.bus.ChatMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Each room's last {@code chat.historyLines} messages, in the cluster's shared data when clustered.
 * Message number {@code n} of a room ({@link Rooms} numbers them) is kept in slot
 * {@code n % historyLines} of the room, so a room never holds more than its ring, and no message
 * reads or rewrites what others wrote (a ring kept as one value would be rewritten by every
 * message, from every node).
 *
 * <p>A message is kept before it is sent on, so whoever sees it live could also have read it here:
 * that is what lets a join replay the history and then go live with nothing lost or doubled
 * ({@link ChatSession}). A slot read while the ring moves on may hold an older or newer message;
 * each names its {@code seq}, and one that is not the one asked for is passed over.
 */
final class RoomHistory {

  private static final String MAP = "tandem.chat.history";

  private final int lines;
  private final Future<AsyncMap<String, String>> slots;

  RoomHistory(Vertx vertx, int lines) {
    this.lines = lines;
    this.slots = vertx.sharedData().getAsyncMap(MAP);
  }

  /** Keeps a numbered message of a room (unless history is off). */
  Future<Void> keep(JsonObject message) {
    if (lines == 0) {
      return Future.succeededFuture();
    }
    return slots.compose(map -> map.put(slot(message.getString(ChatMessages.ROOM), message.getLong(ChatMessages.SEQ)), message.encode()));
  }

  /** The room's last {@code limit} messages up to number {@code newest}, oldest first. */
  Future<List<JsonObject>> read(String room, long newest, int limit) {
    if (lines == 0 || limit == 0 || newest == 0) {
      return Future.succeededFuture(List.of());
    }
    long first = Math.max(1, newest - Math.min(limit, lines) + 1);
    List<Future<String>> reads = new ArrayList<>();
    for (long seq = first; seq <= newest; seq++) {
      long wanted = seq;
      reads.add(slots.compose(map -> map.get(slot(room, wanted))));
    }
    return Future.all(reads).map(read -> {
      List<JsonObject> messages = new ArrayList<>(reads.size());
      for (int i = 0; i < reads.size(); i++) {
        JsonObject message = parse(reads.get(i).result());
        if (message != null && message.getLong(ChatMessages.SEQ, -1L) == first + i) {
          messages.add(message);
        }
      }
      return messages;
    });
  }

  /** Drops every message of a room that is gone. */
  Future<Void> forget(String room) {
    if (lines == 0) {
      return Future.succeededFuture();
    }
    return slots.compose(map -> {
      List<Future<String>> removed = new ArrayList<>(lines);
      for (int slot = 0; slot < lines; slot++) {
        removed.add(map.remove(room + "/" + slot));
      }
      return Future.all(removed).mapEmpty();
    });
  }

  private String slot(String room, long seq) {
    return room + "/" + (seq % lines);
  }

  private static JsonObject parse(String kept) {
    if (kept == null) {
      return null;
    }
    try {
      return new JsonObject(kept);
    } catch (DecodeException e) {
      return null; // not ours: nothing else writes this map
    }
  }
}
