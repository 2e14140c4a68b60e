package io.tandem.chat;

import io.tandem.bus.ChatMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Who is in the chat, across the cluster: one entry per nickname, in the cluster's shared data
 * when clustered (a Hazelcast map) and in the process otherwise. The key is the nickname in lower
 * case, so a claim is atomic per nickname ({@code putIfAbsent}) whatever node makes it; the value
 * is a plain string, {@code "<node> <connection> <Nick> [#room ...]"}: Hazelcast compares values
 * by their bytes in {@code replace} and {@code remove}, and a string's are its text.
 *
 * <p>Confined to one chat instance's event loop (its cache of the rooms is the instance's own).
 *
 * <p>Only the session that holds an entry changes it, always against the value it last wrote, so
 * an entry swept after its node left is never written back.
 */
final class Roster {

  private static final String MAP = "tandem.chat.nicks";

  /** One nickname's entry. */
  record Entry(String node, String connection, String nick, List<String> rooms) {

    static Entry parse(String value) {
      String[] parts = value.split(" ");
      return new Entry(parts[0], parts[1], parts[2], List.of(parts).subList(3, parts.length));
    }

    String value() {
      StringBuilder text = new StringBuilder(node).append(' ').append(connection).append(' ').append(nick);
      for (String room : rooms) {
        text.append(' ').append(room);
      }
      return text.toString();
    }
  }

  /**
   * How long one reading of every room serves {@code /who}, {@code /rooms} and
   * {@code tandem.chat.who}: each reading copies the whole map (from every node, when clustered),
   * so clients asking in a loop share one instead of each costing one.
   */
  private static final long ROOMS_FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Future<AsyncMap<String, String>> map;
  /** The last reading of every room, and when it began; dropped at every change this instance makes. */
  private Future<Map<String, List<String>>> rooms;
  private long roomsAt;

  Roster(Vertx vertx) {
    this.map = vertx.sharedData().getAsyncMap(MAP);
  }

  /** @return whether the nickname was free and is now the entry's */
  Future<Boolean> claim(Entry entry) {
    rooms = null;
    String value = entry.value();
    return map.compose(entries -> entries.putIfAbsent(ChatMessages.nickKey(entry.nick()), value)).map(previous -> previous == null);
  }

  /** Replaces the session's own entry; false when it is no longer there (swept). */
  Future<Boolean> update(Entry was, Entry now) {
    rooms = null;
    return map.compose(entries -> entries.replaceIfPresent(ChatMessages.nickKey(was.nick()), was.value(), now.value()));
  }

  /** Frees the nickname if this is still its entry. */
  Future<Boolean> release(Entry entry) {
    rooms = null;
    return map.compose(entries -> entries.removeIfPresent(ChatMessages.nickKey(entry.nick()), entry.value()));
  }

  /** The entry of a nickname, or null. */
  Future<Entry> find(String nick) {
    return map.compose(entries -> entries.get(ChatMessages.nickKey(nick))).map(value -> value == null ? null : Entry.parse(value));
  }

  /**
   * Every room with someone in it, with its nicknames, sorted: as of at most half a second ago,
   * or of this instance's last change.
   */
  Future<Map<String, List<String>>> rooms() {
    long now = System.nanoTime();
    if (rooms == null || (rooms.isComplete() && now - roomsAt > ROOMS_FRESH_NANOS) || rooms.failed()) {
      roomsAt = now;
      rooms = readRooms();
    }
    return rooms;
  }

  private Future<Map<String, List<String>>> readRooms() {
    return map.compose(AsyncMap::entries).map(all -> {
      Map<String, TreeSet<String>> rooms = new TreeMap<>();
      for (String value : all.values()) {
        Entry entry = Entry.parse(value);
        for (String room : entry.rooms()) {
          rooms.computeIfAbsent(room, name -> new TreeSet<>(String.CASE_INSENSITIVE_ORDER)).add(entry.nick());
        }
      }
      Map<String, List<String>> sorted = new TreeMap<>();
      rooms.forEach((room, nicks) -> sorted.put(room, new ArrayList<>(nicks)));
      return sorted;
    });
  }

  /** The entries a node held, for the sweep after it left. */
  Future<List<Entry>> heldBy(String node) {
    String prefix = node + " ";
    return map.compose(AsyncMap::entries).map(all -> all.values().stream()
        .filter(value -> value.startsWith(prefix)).map(Entry::parse).toList());
  }
}
