package io.tandem.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Message shapes of the chat addresses ({@link Addresses#CHAT_SEND}, {@link Addresses#CHAT_HISTORY},
 * {@link Addresses#CHAT_WHO}, {@link Addresses#CHAT_ROOM}) and the rules every way into the chat
 * shares: what a nickname, a room and a line of text may be. A terminal client and a bus caller are
 * held to the same rules here, so neither can say what the other could not.
 */
public final class ChatMessages {

  public static final String TYPE = "type";
  public static final String MESSAGE = "message";
  public static final String JOINED = "joined";
  public static final String LEFT = "left";
  public static final String RENAMED = "renamed";
  public static final String ROOM = "room";
  public static final String ROOMS = "rooms";
  public static final String ID = "id";
  public static final String SEQ = "seq";
  public static final String FROM = "from";
  public static final String TO = "to";
  public static final String TEXT = "text";
  public static final String NICK = "nick";
  public static final String NICKS = "nicks";
  public static final String WAS = "was";
  public static final String AT = "at";
  public static final String LIMIT = "limit";
  public static final String MESSAGES = "messages";
  /** Internal: the connection a private message is for, on {@link Addresses#CHAT_PRIVATE_NODE}. */
  public static final String CONNECTION = "connection";

  private static final Pattern NICKNAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Pattern ROOM_NAME = Pattern.compile("#[a-z0-9_-]{1,32}");

  private ChatMessages() {
  }

  public static boolean isNickname(String text) {
    return text != null && NICKNAME.matcher(text).matches();
  }

  /** The one spelling of a nickname that two clients may not share: {@code Ada} and {@code ada} are one. */
  public static String nickKey(String nickname) {
    return nickname.toLowerCase(Locale.ROOT);
  }

  public static boolean isRoom(String text) {
    return text != null && ROOM_NAME.matcher(text).matches();
  }

  /** Where a room's events are published: {@code #general} at {@code tandem.chat.room.general}. */
  public static String roomAddress(String room) {
    return Addresses.CHAT_ROOM + room.substring(1);
  }

  /**
   * What is wrong with a line of chat text, or null when it may be sent: empty, over
   * {@code maxBytes} of UTF-8, or holding a control character (a terminal would obey an escape
   * sequence, and a line break would let one line pass for the server's).
   */
  public static String textProblem(String text, int maxBytes) {
    if (text.isEmpty()) {
      return "empty";
    }
    // no UTF-8 character is longer than 3 bytes per UTF-16 unit: most texts need no encoding to tell
    if (text.length() * 3L > maxBytes && text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      return "over " + maxBytes + " bytes";
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
        return "control character U+" + String.format("%04X", (int) c);
      }
    }
    return null;
  }

  public static JsonObject message(String room, long seq, String from, String text) {
    return new JsonObject().put(TYPE, MESSAGE).put(ROOM, room).put(ID, room + "/" + seq).put(SEQ, seq)
        .put(FROM, from).put(TEXT, text).put(AT, Instant.now().toString());
  }

  public static JsonObject joined(String room, String nick) {
    return new JsonObject().put(TYPE, JOINED).put(ROOM, room).put(NICK, nick).put(AT, Instant.now().toString());
  }

  public static JsonObject left(String room, String nick) {
    return new JsonObject().put(TYPE, LEFT).put(ROOM, room).put(NICK, nick).put(AT, Instant.now().toString());
  }

  public static JsonObject renamed(String room, String was, String nick) {
    return new JsonObject().put(TYPE, RENAMED).put(ROOM, room).put(NICK, nick).put(WAS, was).put(AT, Instant.now().toString());
  }

  /** Internal: a private message for one connection of the node it is sent to. */
  public static JsonObject privateMessage(String connection, String id, String from, String to, String text) {
    return new JsonObject().put(CONNECTION, connection).put(ID, id).put(FROM, from).put(TO, to).put(TEXT, text)
        .put(AT, Instant.now().toString());
  }

  public static JsonObject sent(String id) {
    return new JsonObject().put(ID, id);
  }

  public static JsonObject history(String room, List<JsonObject> messages) {
    return new JsonObject().put(ROOM, room).put(MESSAGES, new JsonArray(List.copyOf(messages)));
  }

  public static JsonObject who(String room, List<String> nicks) {
    return new JsonObject().put(ROOM, room).put(NICKS, new JsonArray(List.copyOf(nicks)));
  }

  /**
   * Whether a room event holds to the rules, for those who take it from the bus: only chat
   * instances publish events, but an address is only as safe as the widest bridge list that names
   * it, and a forged event would be written to every member's terminal.
   */
  public static boolean isEvent(Object body, int maxTextBytes) {
    if (!(body instanceof JsonObject event) || !isRoom(stringOrNull(event, ROOM))) {
      return false;
    }
    return switch (String.valueOf(event.getValue(TYPE))) {
      case MESSAGE -> event.getValue(SEQ) instanceof Number && event.getValue(ID) instanceof String
          && isNickname(stringOrNull(event, FROM)) && event.getValue(TEXT) instanceof String text && textProblem(text, maxTextBytes) == null;
      case JOINED, LEFT -> isNickname(stringOrNull(event, NICK));
      case RENAMED -> isNickname(stringOrNull(event, NICK)) && isNickname(stringOrNull(event, WAS));
      default -> false;
    };
  }

  /** Whether an internal private message holds to the rules (see {@link #isEvent}). */
  public static boolean isPrivateMessage(Object body, int maxTextBytes) {
    return body instanceof JsonObject message && message.getValue(CONNECTION) instanceof String
        && isNickname(stringOrNull(message, FROM))
        && message.getValue(TEXT) instanceof String text && textProblem(text, maxTextBytes) == null;
  }

  private static String stringOrNull(JsonObject object, String field) {
    return object.getValue(field) instanceof String text ? text : null;
  }

  /** A validated {@link Addresses#CHAT_SEND}: to a room, or privately to a nickname ({@code room} null). */
  public record SendRequest(String room, String to, String from, String text) {
  }

  /**
   * @param principal the {@link Headers#PRINCIPAL} of the message, or null: a client with a token
   *                  speaks as its principal, whatever it claims
   * @throws BusException 400 naming what is wrong
   */
  public static SendRequest readSend(Object body, int maxTextBytes, String principal) {
    RequestReader reader = RequestReader.of(body);
    String room = reader.text(ROOM, null);
    String to = reader.text(TO, null);
    String from = principal == null ? reader.required(FROM) : reader.text(FROM, principal);
    String text = reader.required(TEXT);
    reader.finish();
    if (principal != null && !from.equals(principal)) {
      throw BusException.badRequest("from must be " + principal + ", the name your token belongs to, got " + RequestReader.show(from));
    }
    if ((room == null) == (to == null)) {
      throw BusException.badRequest("exactly one of room and to is required");
    }
    if (room != null && !isRoom(room)) {
      throw BusException.badRequest("room must be # and 1..32 of a-z, 0-9, _ or -, got " + RequestReader.show(room));
    }
    if (to != null && !isNickname(to)) {
      throw BusException.badRequest("to must be a nickname (1..32 of A-Z, a-z, 0-9, _ or -), got " + RequestReader.show(to));
    }
    if (!isNickname(from)) {
      throw BusException.badRequest("from must be a nickname (1..32 of A-Z, a-z, 0-9, _ or -), got " + RequestReader.show(from));
    }
    String problem = textProblem(text, maxTextBytes);
    if (problem != null) {
      throw BusException.badRequest("text must be one line of at most " + maxTextBytes + " UTF-8 bytes without control characters: " + problem);
    }
    return new SendRequest(room, to, from, text);
  }

  /** A validated {@link Addresses#CHAT_HISTORY}. */
  public record HistoryRequest(String room, int limit) {
  }

  /** @throws BusException 400 naming what is wrong */
  public static HistoryRequest readHistory(Object body, int defaultLimit, int maxLimit) {
    RequestReader reader = RequestReader.of(body);
    String room = reader.required(ROOM);
    int limit = reader.integer(LIMIT, defaultLimit, 1, Math.max(1, maxLimit));
    reader.finish();
    if (!isRoom(room)) {
      throw BusException.badRequest("room must be # and 1..32 of a-z, 0-9, _ or -, got " + RequestReader.show(room));
    }
    return new HistoryRequest(room, limit);
  }

  /** The room a {@link Addresses#CHAT_WHO} asks about, or null for every room. @throws BusException 400 */
  public static String readWho(Object body) {
    RequestReader reader = RequestReader.of(body == null ? new JsonObject() : body);
    String room = reader.text(ROOM, null);
    reader.finish();
    if (room != null && !isRoom(room)) {
      throw BusException.badRequest("room must be # and 1..32 of a-z, 0-9, _ or -, got " + RequestReader.show(room));
    }
    return room;
  }
}
