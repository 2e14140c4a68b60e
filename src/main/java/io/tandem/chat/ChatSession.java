package io.tandem.chat;

import io.tandem.bus.BusException;
import io.tandem.bus.ChatMessages;
import io.tandem.config.ChatSettings;
import io.tandem.net.HalfClose;
import io.tandem.net.LineRate;
import io.tandem.net.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One chat client: its nickname, its rooms, the line it talks in, and what it has not read yet.
 * Confined to its connection's event loop.
 *
 * <p>Its lines are handled one at a time, in order, each to the end of its cluster round trips
 * (a claim, a history read) before the next: a line after {@code /join #b} goes to {@code #b}, and
 * nothing is ever half-done. The rate ({@code chat.maxLinesPerSecond}) bounds how many wait.
 *
 * <p>Joining a room: the session is added to the room here first, with the room's live events
 * held back; then the history is read and written, then {@code * end of history}, then what was
 * held back, less what the history already showed. A message is kept before it is sent on
 * ({@link RoomHistory}), so it is either in what was read or arrives after the session was added
 * (held back, or even just after the replay: a live copy of a replayed message is dropped when it
 * comes, up to seconds after the join): no line is lost or doubled, however messages race the join.
 *
 * <p>Output it has not read: every write is counted until the socket has written it. Past
 * {@code chat.maxQueuedBytes} the room lines it would get are only counted ({@code * you missed N
 * lines} when it has caught up, at half the limit); still behind after
 * {@code chat.slowClientGraceSeconds}, it is told {@code ERR slow-client} and closed. No one else
 * waits for it: room lines are never held for a reader.
 */
final class ChatSession {

  private static final Logger log = LoggerFactory.getLogger(ChatSession.class);
  private static final String DEFAULT_ROOM = "#general";
  private static final long SLOW_DOWN_NOTICE_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** A connection that has not chosen a nickname this long is closed: it holds a descriptor for nothing. */
  static final long NICK_TIMEOUT_SECONDS = 60;
  /** Stands for the end of the connection in the queue of lines: cleaned up after what came before. */
  private static final Object CLOSED = new Object();
  /**
   * How long after a join a live copy of a replayed message is watched for: it was published when
   * the history was read, so it is on its way between nodes, which takes milliseconds.
   */
  private static final long REPLAYED_WATCH_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Stands for the client's FIN: the answers to what came before are written, then the connection ends. */
  private static final Object END_OF_INPUT = new Object();

  private final Vertx vertx;
  private final Context context;
  private final NetSocket socket;
  private final String connection;
  private final String node;
  private final ChatSettings settings;
  private final Roster roster;
  /** The rooms of the cluster (this session's own are {@link #rooms}). */
  private final Rooms allRooms;
  private final Relay relay;
  private final LocalRooms local;
  private final ChatMeters meters;
  private final ChatInput input;
  private final LineRate rate;
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private boolean busy;
  private long lastSlowDownNotice = System.nanoTime() - SLOW_DOWN_NOTICE_NANOS;

  /** Null until the client has a nickname; then its entry in the roster as last written. */
  private Roster.Entry entry;
  private final Set<String> rooms = new LinkedHashSet<>();
  private String current;
  /** Rooms being joined: their live events, held back until the history is written. */
  private final Map<String, List<JsonObject>> joining = new HashMap<>();
  /**
   * The messages a join replayed whose live copy may still come, by room: one published just before
   * the history was read may still be on its way. Each comes at most once, and within moments of
   * the join or never (its copy came before the session was in the room), so a room's set is
   * dropped once empty or {@link #REPLAYED_WATCH_NANOS} after the join: no cost on every later line.
   */
  private final Map<String, Replayed> replayed = new HashMap<>();

  private long queuedBytes;
  private boolean behind;
  private long missed;
  private long graceTimer = -1;
  /** Over the line rate: reading waits until the allowance has a line again. */
  private boolean overRate;
  /** No more of its lines are handled ({@code /quit}, its FIN, no nickname in time): the connection is ending. */
  private boolean ended;
  /** The connection is gone (or being aborted): nothing more is written. */
  private boolean closed;

  ChatSession(Vertx vertx, NetSocket socket, String connection, String node, ChatSettings settings, Roster roster,
              Rooms allRooms, Relay relay, LocalRooms local, ChatMeters meters) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.connection = connection;
    this.node = node;
    this.settings = settings;
    this.roster = roster;
    this.allRooms = allRooms;
    this.relay = relay;
    this.local = local;
    this.meters = meters;
    this.rate = new LineRate(settings.maxLinesPerSecond(), System::nanoTime, null);
    this.input = new ChatInput(settings.maxLineBytes(), new ChatInput.Lines() {
      @Override
      public boolean admit() {
        return admitLine();
      }

      @Override
      public void line(String text) {
        take(text);
      }

      @Override
      public void tooLong() {
        meters.tooLong.increment();
        take(new Refusal(ServerLines.error("line-too-long", "lines are at most " + settings.maxLineBytes() + " bytes")));
      }

      @Override
      public void notUtf8() {
        meters.notUtf8.increment();
        take(new Refusal(ServerLines.error("not-utf8", "lines must be UTF-8")));
      }
    });
  }

  String connection() {
    return connection;
  }

  /** The event loop the session is confined to, for what other instances hand it. */
  Context context() {
    return context;
  }

  /** @param gone called once the connection is closed */
  void start(Runnable gone) {
    NetSocketInternal raw = VertxInternals.raw(socket);
    // a client that sends its lines and then its FIN (nc, a script) gets every answer before the close
    HalfClose.enableInBand(raw.channelHandlerContext());
    raw.messageHandler(message -> {
      if (message instanceof ByteBuf data) {
        try {
          input.feed(data);
        } finally {
          data.release();
        }
      } else if (message == HalfClose.END_OF_INPUT) {
        waiting.add(END_OF_INPUT);
        drive();
        updateReading();
      } else {
        ReferenceCountUtil.release(message);
      }
    });
    socket.closeHandler(end -> {
      gone.run();
      closed = true;
      cancelGrace();
      // the lines already read are still said (their answers go nowhere), then the session ends
      waiting.add(CLOSED);
      drive();
    });
    socket.shutdownHandler(shutdown -> {
      write(ServerLines.info("the server is shutting down"));
      socket.end();
    });
    write(ServerLines.info("welcome to Tandem chat; choose a nickname: /nick NAME (/help for the commands)"));
    vertx.setTimer(TimeUnit.SECONDS.toMillis(NICK_TIMEOUT_SECONDS), late -> {
      if (entry == null && !ended && !closed) {
        write(ServerLines.error("no-nick", "no nickname within " + NICK_TIMEOUT_SECONDS + " s; closing"));
        end();
      }
    });
  }

  /**
   * Whether a line may be read now (the rate): over it, the line is refused unread and reading
   * stops until the allowance has a line again, so a flood costs the server a timer, not a CPU.
   */
  private boolean admitLine() {
    long now = rate.now();
    if (rate.tryTake(now)) {
      return true;
    }
    meters.tooFast.increment();
    if (now - lastSlowDownNotice >= SLOW_DOWN_NOTICE_NANOS) {
      lastSlowDownNotice = now;
      waiting.add(new Refusal(ServerLines.error("slow-down",
          "more than " + settings.maxLinesPerSecond() + " lines a second: lines refused")));
      drive();
    }
    if (!overRate) {
      overRate = true;
      updateReading();
      vertx.setTimer(Math.max(1, 1000 / settings.maxLinesPerSecond()), credit -> {
        overRate = false;
        updateReading();
      });
    }
    return false;
  }

  /** Reads the client only while it is within its rate, reads what it is sent, and its lines keep up. */
  private void updateReading() {
    if (closed || ended) {
      return;
    }
    if (overRate || behind || waiting.size() > 2 * settings.maxLinesPerSecond()) {
      socket.pause();
    } else {
      socket.resume();
    }
  }

  /** Ends the connection once what is queued is written; a client that does not read it is cut off after the grace. */
  private void end() {
    ended = true;
    waiting.removeIf(next -> next != CLOSED);
    socket.end();
    vertx.setTimer(TimeUnit.SECONDS.toMillis(settings.slowClientGraceSeconds()), late -> {
      if (!closed) {
        closed = true;
        VertxInternals.abort(socket);
      }
    });
  }

  /** A line read and admitted: it waits its turn (reading stops while too many wait: the cluster is slow to answer). */
  private void take(Object line) {
    if (ended) {
      return;
    }
    waiting.add(line);
    drive();
    updateReading();
  }

  /** An answer that needs no work, queued in turn so that it comes after the answers before it. */
  private record Refusal(String line) {
  }

  private void drive() {
    while (!busy && !waiting.isEmpty()) {
      Object next = waiting.poll();
      if (next == CLOSED) {
        cleanUp();
        return;
      }
      if (next == END_OF_INPUT) {
        end();
        continue;
      }
      if (ended) {
        continue;
      }
      if (waiting.isEmpty()) {
        updateReading();
      }
      Future<?> done;
      try {
        done = next instanceof Refusal refusal ? answer(refusal.line()) : handle((String) next);
      } catch (RuntimeException e) {
        log.warn("chat connection {}: {}", connection, e.toString());
        done = answer(ServerLines.error("internal", "the server could not do that"));
      }
      if (!done.isComplete()) {
        busy = true;
        done.onComplete(finished -> {
          if (finished.failed()) {
            write(ServerLines.error("unavailable", "the chat could not do that now; try again"));
            log.debug("chat connection {}: {}", connection, finished.cause().toString());
          }
          busy = false;
          drive();
        });
        return;
      }
      if (done.failed()) {
        write(ServerLines.error("unavailable", "the chat could not do that now; try again"));
      }
    }
  }

  private Future<?> answer(String line) {
    write(line);
    return Future.succeededFuture();
  }

  private Future<?> handle(String line) {
    if (!line.startsWith("/") || line.startsWith("//")) {
      return say(line.startsWith("//") ? line.substring(1) : line);
    }
    int space = line.indexOf(' ');
    String command = space < 0 ? line : line.substring(0, space);
    String rest = space < 0 ? "" : line.substring(space + 1).strip();
    return switch (command) {
      case "/nick" -> nick(rest);
      case "/join" -> join(rest);
      case "/part" -> part(rest);
      case "/msg" -> tell(rest);
      case "/who" -> who(rest);
      case "/rooms" -> rooms();
      case "/history" -> replay(rest);
      case "/quit" -> quit();
      case "/help" -> answer(ServerLines.HELP);
      default -> answer(ServerLines.error("unknown-command", printable(command) + " (/help for the commands)"));
    };
  }

  private Future<?> say(String text) {
    if (entry == null) {
      return answer(ServerLines.error("no-nick", "choose a nickname first: /nick NAME"));
    }
    if (current == null) {
      return answer(ServerLines.error("no-room", "join a room first: /join #room"));
    }
    String problem = ChatMessages.textProblem(text, settings.maxLineBytes());
    if (problem != null) {
      return answer(ServerLines.error("bad-text", problem));
    }
    return relay.say(current, entry.nick(), text).onSuccess(said -> meters.said.increment());
  }

  private Future<?> nick(String wanted) {
    if (!ChatMessages.isNickname(wanted)) {
      return answer(ServerLines.error("bad-nick", "a nickname is 1..32 of A-Z, a-z, 0-9, _ and -"));
    }
    if (entry != null && entry.nick().equals(wanted)) {
      return answer(ServerLines.info("you are " + wanted));
    }
    Roster.Entry was = entry;
    Roster.Entry claimed = new Roster.Entry(node, connection, wanted, List.copyOf(rooms));
    boolean sameKey = was != null && ChatMessages.nickKey(was.nick()).equals(ChatMessages.nickKey(wanted));
    Future<Boolean> claim = sameKey ? roster.update(was, claimed) : roster.claim(claimed);
    return claim.<Void>compose(ok -> {
      if (!ok) {
        write(ServerLines.error("nick-in-use", wanted + " is taken"));
        return Future.succeededFuture();
      }
      entry = claimed;
      write(ServerLines.info("you are " + wanted));
      if (was == null) {
        return join(DEFAULT_ROOM).mapEmpty();
      }
      // the old name is freed before the rooms hear of the new one: whoever then asks who is
      // there gets the new name only
      Future<?> freed = sameKey ? Future.succeededFuture() : roster.release(was);
      return freed.<Void>transform(released -> {
        for (String room : rooms) {
          relay.announce(ChatMessages.renamed(room, was.nick(), wanted));
        }
        return Future.succeededFuture();
      });
    });
  }

  private Future<?> join(String room) {
    if (entry == null) {
      return answer(ServerLines.error("no-nick", "choose a nickname first: /nick NAME"));
    }
    if (!ChatMessages.isRoom(room)) {
      return answer(ServerLines.error("bad-room", "a room is # and 1..32 of a-z, 0-9, _ and -"));
    }
    if (rooms.contains(room)) {
      current = room;
      return answer(ServerLines.info("you talk in " + room));
    }
    if (rooms.size() >= settings.maxRoomsPerClient()) {
      return answer(ServerLines.error("too-many-rooms", "at most " + settings.maxRoomsPerClient() + " rooms; /part one first"));
    }
    List<String> after = new ArrayList<>(rooms);
    after.add(room);
    Roster.Entry next = new Roster.Entry(node, connection, entry.nick(), after);
    return allRooms.enter(room).compose(entered -> {
      if (!entered) {
        write(ServerLines.error("too-many-rooms", "the chat has chat.maxRooms rooms; join one of them (/rooms)"));
        return Future.succeededFuture(false);
      }
      return roster.update(entry, next).compose(updated -> updated ? Future.succeededFuture(true)
          : allRooms.leave(room).transform(left -> Future.failedFuture("the roster lost this session's entry")));
    }).compose(joined -> {
      if (!joined) {
        return Future.succeededFuture();
      }
      entry = next;
      rooms.add(room);
      current = room;
      joining.put(room, new ArrayList<>());
      local.add(room, this);
      relay.announce(ChatMessages.joined(room, entry.nick()));
      return allRooms.last(room, settings.replayOnJoin())
          .recover(err -> {
            write(ServerLines.error("unavailable", "the history of " + room + " could not be read"));
            return Future.succeededFuture(List.of());
          })
          .map(messages -> {
            Set<Long> shown = writeHistory(messages);
            if (!shown.isEmpty()) {
              replayed.put(room, new Replayed(shown, System.nanoTime() + REPLAYED_WATCH_NANOS));
            }
            for (JsonObject held : joining.remove(room)) {
              String text = ServerLines.event(held);
              if (text != null && !alreadyShown(held)) {
                roomLine(Buffer.buffer(text + "\n"));
              }
            }
            return null;
          });
    });
  }

  /** What a join replayed, watched for live copies until {@code until} ({@link System#nanoTime}). */
  private record Replayed(Set<Long> seqs, long until) {
  }

  /** Whether a room's live message was replayed by the join (its one copy then dropped). */
  private boolean alreadyShown(JsonObject event) {
    String room = event.getString(ChatMessages.ROOM);
    Replayed shown = replayed.get(room);
    if (shown == null || !ChatMessages.MESSAGE.equals(event.getString(ChatMessages.TYPE))) {
      return false;
    }
    if (System.nanoTime() - shown.until() > 0) {
      replayed.remove(room);
      return false;
    }
    boolean seen = shown.seqs().remove(event.getLong(ChatMessages.SEQ, -1L));
    if (shown.seqs().isEmpty()) {
      replayed.remove(room);
    }
    return seen;
  }

  private Future<?> part(String named) {
    String room = named.isEmpty() ? current : named;
    if (room == null || !rooms.contains(room)) {
      return answer(ServerLines.error("not-in-room", room == null ? "you are in no room" : "you are not in " + printable(room)));
    }
    List<String> after = new ArrayList<>(rooms);
    after.remove(room);
    Roster.Entry next = new Roster.Entry(node, connection, entry.nick(), after);
    leaveHere(room);
    write(ServerLines.info("you left " + room + (current == null ? "" : "; you talk in " + current)));
    String nick = entry.nick();
    // the roster first, as on every change: whoever hears of the part and asks who is there agrees
    return roster.update(entry, next).transform(updated -> {
      if (updated.succeeded() && updated.result()) {
        entry = next;
      }
      relay.announce(ChatMessages.left(room, nick));
      Future<Void> left = allRooms.leave(room);
      return updated.succeeded() ? left : Future.failedFuture(updated.cause());
    });
  }

  private void leaveHere(String room) {
    rooms.remove(room);
    joining.remove(room);
    replayed.remove(room);
    local.remove(room, this);
    if (room.equals(current)) {
      current = rooms.isEmpty() ? null : List.copyOf(rooms).get(rooms.size() - 1);
    }
  }

  private Future<?> tell(String rest) {
    if (entry == null) {
      return answer(ServerLines.error("no-nick", "choose a nickname first: /nick NAME"));
    }
    int space = rest.indexOf(' ');
    String to = space < 0 ? rest : rest.substring(0, space);
    String text = space < 0 ? "" : rest.substring(space + 1);
    if (!ChatMessages.isNickname(to) || text.isBlank()) {
      return answer(ServerLines.error("bad-args", "/msg NICK text"));
    }
    String problem = ChatMessages.textProblem(text, settings.maxLineBytes());
    if (problem != null) {
      return answer(ServerLines.error("bad-text", problem));
    }
    return relay.tell(to, entry.nick(), text)
        .onSuccess(id -> {
          meters.told.increment();
          write(ServerLines.privateTo(to, text));
        })
        .recover(err -> {
          if (err instanceof BusException refused && refused.code() == 404) {
            write(ServerLines.error("no-such-nick", to));
            return Future.succeededFuture();
          }
          return Future.failedFuture(err);
        });
  }

  private Future<?> who(String named) {
    String room = named.isEmpty() ? current : named;
    if (room == null) {
      return answer(ServerLines.error("no-room", "/who #room"));
    }
    if (!ChatMessages.isRoom(room)) {
      return answer(ServerLines.error("bad-room", "a room is # and 1..32 of a-z, 0-9, _ and -"));
    }
    return roster.rooms().onSuccess(all -> write(ServerLines.who(room, all.getOrDefault(room, List.of()), settings.maxLineBytes())));
  }

  private Future<?> rooms() {
    return roster.rooms().onSuccess(all -> {
      List<String> listed = new ArrayList<>();
      all.forEach((room, nicks) -> listed.add(room + " (" + nicks.size() + ")"));
      write(ServerLines.info(listed.isEmpty() ? "no rooms" : "rooms: " + ServerLines.listed(listed, settings.maxLineBytes())));
    });
  }

  private Future<?> replay(String count) {
    if (current == null) {
      return answer(ServerLines.error("no-room", "join a room first: /join #room"));
    }
    int limit;
    try {
      limit = count.isEmpty() ? settings.replayOnJoin() : Integer.parseInt(count);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > settings.historyLines()) {
      return answer(ServerLines.error("bad-args", "/history [N], N 1.." + settings.historyLines()));
    }
    return allRooms.last(current, limit).onSuccess(this::writeHistory);
  }

  private Future<?> quit() {
    write(ServerLines.info("bye"));
    end();
    return Future.succeededFuture();
  }

  /** A room event for this session: held back while the room's history is being written. */
  void roomEvent(String room, JsonObject event, Buffer line) {
    List<JsonObject> held = joining.isEmpty() ? null : joining.get(room);
    if (held != null) {
      held.add(event);
    } else if (replayed.isEmpty() || !alreadyShown(event)) {
      roomLine(line);
    }
  }

  /** A private message for this session, from any node. */
  void privateLine(String from, String text) {
    roomLine(Buffer.buffer(ServerLines.privateFrom(from, text) + "\n"));
  }

  /** A line from others: the one kind a reader that is behind does not get. */
  private void roomLine(Buffer line) {
    if (closed || ended) {
      return;
    }
    if (behind) {
      missed++;
      meters.missed.increment();
      return;
    }
    send(line);
  }

  private void write(String text) {
    if (!closed) {
      send(Buffer.buffer(text + "\n"));
    }
  }

  /**
   * Writes and counts a line until the socket has written it. Past {@code chat.maxQueuedBytes} the
   * client is behind: it gets no more room lines and is not read (no new command, no new answer);
   * past twice the limit (its own answers are bounded, so only a client that never reads gets
   * there) it is cut off at once.
   */
  private void send(Buffer line) {
    int size = line.length();
    queuedBytes += size;
    if (queuedBytes > 2L * settings.maxQueuedBytes()) {
      slowClientOut();
      return;
    }
    if (queuedBytes > settings.maxQueuedBytes() && !behind) {
      behind = true;
      updateReading();
      graceTimer = vertx.setTimer(TimeUnit.SECONDS.toMillis(settings.slowClientGraceSeconds()), late -> {
        graceTimer = -1;
        if (behind) {
          slowClientOut();
        }
      });
    }
    socket.write(line).onComplete(written -> {
      queuedBytes -= size;
      if (behind && queuedBytes <= settings.maxQueuedBytes() / 2) {
        behind = false;
        cancelGrace();
        updateReading();
        if (missed > 0 && !closed) {
          long count = missed;
          missed = 0;
          write(ServerLines.info("you missed " + count + " line" + (count == 1 ? "" : "s")));
        }
      }
    });
  }

  private void slowClientOut() {
    if (closed) {
      return;
    }
    closed = true;
    cancelGrace();
    meters.slowClosed.increment();
    // behind all it left unread: a client that reads that slowly may still see it before the reset
    socket.write(ServerLines.error("slow-client", "you read too slowly; closing") + "\n");
    VertxInternals.abort(socket);
  }

  /**
   * How much of an answer of many lines (a replay, {@code /history}) may be written now: what keeps
   * the client's unread output within half of {@code chat.maxQueuedBytes}.
   */
  private long answerBudget() {
    return Math.max(0, settings.maxQueuedBytes() / 2 - queuedBytes);
  }

  /** Writes the newest of the messages that fit the budget, oldest first, saying how many were left out. */
  private Set<Long> writeHistory(List<JsonObject> messages) {
    List<String> lines = new ArrayList<>(messages.size());
    for (JsonObject message : messages) {
      lines.add(ServerLines.event(message));
    }
    long budget = answerBudget();
    int first = lines.size();
    while (first > 0 && budget >= lines.get(first - 1).length() * 3L + 1) {
      budget -= lines.get(first - 1).length() * 3L + 1;
      first--;
    }
    if (first > 0) {
      write(ServerLines.info(first + " older line" + (first == 1 ? "" : "s") + " left out: more than chat.maxQueuedBytes at once"));
    }
    Set<Long> shown = new HashSet<>();
    for (int i = first; i < lines.size(); i++) {
      shown.add(messages.get(i).getLong(ChatMessages.SEQ));
      write(lines.get(i));
    }
    write(ServerLines.info("end of history"));
    return shown;
  }

  private void cancelGrace() {
    if (graceTimer >= 0) {
      vertx.cancelTimer(graceTimer);
      graceTimer = -1;
    }
  }

  /**
   * After the connection closed and every line before it was handled: frees the nickname, then
   * tells the rooms, so whoever reads that this client left may take its nickname.
   */
  private void cleanUp() {
    List<String> left = List.copyOf(rooms);
    for (String room : left) {
      local.remove(room, this);
    }
    rooms.clear();
    joining.clear();
    replayed.clear();
    if (entry == null) {
      return;
    }
    String nick = entry.nick();
    roster.release(entry).onComplete(freed -> {
      if (freed.failed()) {
        log.debug("chat connection {}: nickname not freed: {}", connection, freed.cause().toString());
      }
      for (String room : left) {
        relay.announce(ChatMessages.left(room, nick));
        allRooms.leave(room).onFailure(err -> log.debug("chat connection {}: {} not left: {}", connection, room, err.toString()));
      }
    });
  }

  /** A client's word as an error repeats it: printable, and short. */
  private static String printable(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    StringBuilder shown = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> shown.appendCodePoint(Character.isISOControl(c) || c == 0x2028 || c == 0x2029 ? '?' : c));
    return shown.toString();
  }
}
