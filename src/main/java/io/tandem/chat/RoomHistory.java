package io.tandem.chat;

import io.tandem.bus.ChatMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each room's last {@code chat.historyLines} messages, in the cluster's shared data when clustered.
 * A room's counter numbers its messages; message {@code n} is kept in slot {@code n % historyLines}
 * of the room, so a room never holds more than its ring, and no append reads or rewrites what
 * others wrote (a ring kept as one value would be rewritten by every message, from every node).
 *
 * <p>A message is kept before it is sent on, so whoever sees it live could also have read it here:
 * that is what lets a join replay the history and then go live with nothing lost or doubled
 * ({@link ChatSession}). A slot read while the ring moves on may hold an older or newer message;
 * each names its {@code seq}, and one that is not the one asked for is passed over.
 *
 * <p>Confined to one event loop: its cache of counters is the instance's own.
 */
final class RoomHistory {

  private static final String MAP = "tandem.chat.history";
  private static final String COUNTER = "tandem.chat.seq.";
  /** Counters looked up recently: each lookup is a round trip on a clustered bus. */
  private static final int CACHED_COUNTERS = 1024;

  private final Vertx vertx;
  private final int lines;
  private final Future<AsyncMap<String, String>> slots;
  private final Map<String, Future<Counter>> counters = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Future<Counter>> eldest) {
      return size() > CACHED_COUNTERS;
    }
  };

  RoomHistory(Vertx vertx, int lines) {
    this.vertx = vertx;
    this.lines = lines;
    this.slots = vertx.sharedData().getAsyncMap(MAP);
  }

  /**
   * Numbers a message of the room, keeps it (unless history is off) and gives it back as sent on.
   */
  Future<JsonObject> append(String room, String from, String text) {
    return counter(room).compose(Counter::incrementAndGet).compose(seq -> {
      JsonObject message = ChatMessages.message(room, seq, from, text);
      if (lines == 0) {
        return Future.succeededFuture(message);
      }
      return slots.compose(map -> map.put(slot(room, seq), message.encode())).map(kept -> message);
    });
  }

  /** The room's last {@code limit} messages, oldest first. */
  Future<List<JsonObject>> last(String room, int limit) {
    if (lines == 0 || limit == 0) {
      return Future.succeededFuture(List.of());
    }
    return counter(room).compose(Counter::get).compose(newest -> {
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
    });
  }

  private Future<Counter> counter(String room) {
    Future<Counter> counter = counters.get(room);
    if (counter == null || counter.failed()) {
      counter = vertx.sharedData().getCounter(COUNTER + room);
      counters.put(room, counter);
    }
    return counter;
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
