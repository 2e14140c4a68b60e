package io.tandem.chat;

import io.tandem.bus.BusException;
import io.tandem.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.List;
import java.util.Map;

/**
 * The rooms that exist, across the cluster, at most {@code chat.maxRooms}: one entry per room in
 * the cluster's shared data, {@code "<members> <seq>"} — how many chat clients are in it and the
 * number of its newest message. A room is made by a first join (or a first line from the bus) and
 * goes, with its history, when its last chat client leaves; a room no chat client is in (the bus
 * speaks there) goes when a new room needs its place. Every change is a compare-and-set on the
 * room's entry, from whichever node makes it, so the count and the numbering hold however
 * clients come and go at once.
 *
 * <p>Why not a counter per room: a counter cannot be removed, so each room name ever used would
 * stay in the cluster's memory for good.
 */
final class Rooms {

  private static final String MAP = "tandem.chat.rooms";
  /** Compare-and-set rounds before giving up: only a room changed by hundreds of nodes at once could need more. */
  private static final int ATTEMPTS = 100;

  private final Future<AsyncMap<String, String>> map;
  private final int maxRooms;
  private final RoomHistory history;

  Rooms(Vertx vertx, int maxRooms, RoomHistory history) {
    this.map = vertx.sharedData().getAsyncMap(MAP);
    this.maxRooms = maxRooms;
    this.history = history;
  }

  /** A chat client enters the room, made if need be. @return false when it would be one room too many */
  Future<Boolean> enter(String room) {
    return change(room, true, ATTEMPTS, (members, seq) -> (members + 1) + " " + seq).map(done -> done != null);
  }

  /** A chat client leaves the room; the last one takes the room and its history with it. */
  Future<Void> leave(String room) {
    return map.compose(rooms -> leave(rooms, room, ATTEMPTS));
  }

  private Future<Void> leave(AsyncMap<String, String> rooms, String room, int attempts) {
    return rooms.get(room).compose(value -> {
      if (value == null) {
        return Future.succeededFuture();
      }
      long[] now = parse(value);
      Future<Boolean> swapped = now[0] <= 1 ? rooms.removeIfPresent(room, value)
          : rooms.replaceIfPresent(room, value, (now[0] - 1) + " " + now[1]);
      return swapped.compose(done -> {
        if (done) {
          return now[0] <= 1 ? history.forget(room) : Future.succeededFuture();
        }
        return attempts > 1 ? leave(rooms, room, attempts - 1) : Future.failedFuture("the room " + room + " changed too often");
      });
    });
  }

  /**
   * The number of a new message of the room. A room no one has entered is made (the bus may speak
   * where no chat client is); fails with a {@link BusException} 409 when the chat has
   * {@code chat.maxRooms} rooms and none can make way.
   */
  Future<Long> nextSeq(String room) {
    return change(room, false, ATTEMPTS, (members, seq) -> members + " " + (seq + 1)).compose(value -> value == null
        ? Future.failedFuture(new BusException(FailureCodes.CONFLICT, "the chat has chat.maxRooms rooms; " + room + " is not one of them"))
        : Future.succeededFuture(parse(value)[1]));
  }

  /** The room's last {@code limit} messages, oldest first (none when it does not exist). */
  Future<List<JsonObject>> last(String room, int limit) {
    return map.compose(rooms -> rooms.get(room)).compose(value -> value == null ? Future.succeededFuture(List.of())
        : history.read(room, parse(value)[1], limit));
  }

  private interface Change {
    String apply(long members, long seq);
  }

  /** @return the entry as changed, or null when the room did not exist and there is no place for it */
  private Future<String> change(String room, boolean entering, int attempts, Change change) {
    return map.compose(rooms -> rooms.get(room).compose(value -> {
      if (value == null) {
        return place(rooms).compose(placed -> {
          if (!placed) {
            return Future.succeededFuture(null);
          }
          String made = change.apply(0, 0);
          return rooms.putIfAbsent(room, made).compose(previous -> previous == null ? Future.succeededFuture(made)
              : retry(room, entering, attempts, change));
        });
      }
      long[] now = parse(value);
      String next = change.apply(now[0], now[1]);
      return rooms.replaceIfPresent(room, value, next).compose(done -> done ? Future.succeededFuture(next)
          : retry(room, entering, attempts, change));
    }));
  }

  private Future<String> retry(String room, boolean entering, int attempts, Change change) {
    return attempts > 1 ? change(room, entering, attempts - 1, change)
        : Future.failedFuture("the room " + room + " changed too often");
  }

  /** Whether a new room fits: under chat.maxRooms, or once a room no chat client is in has made way. */
  private Future<Boolean> place(AsyncMap<String, String> rooms) {
    return rooms.size().compose(size -> {
      if (size < maxRooms) {
        return Future.succeededFuture(true);
      }
      return rooms.entries().compose(all -> {
        for (Map.Entry<String, String> entry : all.entrySet()) {
          if (parse(entry.getValue())[0] == 0) {
            return rooms.removeIfPresent(entry.getKey(), entry.getValue())
                .compose(removed -> removed ? history.forget(entry.getKey()).map(true) : Future.succeededFuture(false));
          }
        }
        return Future.succeededFuture(false);
      });
    });
  }

  private static long[] parse(String value) {
    int space = value.indexOf(' ');
    return new long[] {Long.parseLong(value.substring(0, space)), Long.parseLong(value.substring(space + 1))};
  }
}
