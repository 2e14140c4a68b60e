package io.tandem.chat;

import io.tandem.bus.ChatMessages;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * How the chat's lines read on a terminal. Every line the server writes starts so that a client
 * can tell them apart: {@code [#room] nick: text} is someone talking in a room, {@code [private]}
 * to you alone, {@code * } the server telling you something, {@code ERR <code>} a refusal (the
 * code is for programs, the rest for people).
 */
final class ServerLines {

  static final String HELP = String.join("\n",
      "* /nick NAME        choose your nickname (letters, digits, _ and -, up to 32)",
      "* /join #room       join a room (created on first join) and talk in it",
      "* /part [#room]     leave a room (the one you talk in by default)",
      "* /msg NICK text    say something to one person only",
      "* /who [#room]      who is in a room",
      "* /rooms            every room with someone in it",
      "* /history [N]      the room's last N messages again",
      "* /quit             leave",
      "* anything else is said in the room you talk in; start it with // to say a line that starts with /");

  private ServerLines() {
  }

  static String info(String text) {
    return "* " + text;
  }

  static String error(String code, String detail) {
    return detail == null ? "ERR " + code : "ERR " + code + " " + detail;
  }

  /** A room event as its members read it; null for a type this version does not know. */
  static String event(JsonObject event) {
    String room = event.getString(ChatMessages.ROOM);
    return switch (event.getString(ChatMessages.TYPE, "")) {
      case ChatMessages.MESSAGE -> "[" + room + "] " + event.getString(ChatMessages.FROM) + ": " + event.getString(ChatMessages.TEXT);
      case ChatMessages.JOINED -> "* " + event.getString(ChatMessages.NICK) + " joined " + room;
      case ChatMessages.LEFT -> "* " + event.getString(ChatMessages.NICK) + " left " + room;
      case ChatMessages.RENAMED -> "* " + event.getString(ChatMessages.WAS) + " is now known as "
          + event.getString(ChatMessages.NICK) + " in " + room;
      default -> null;
    };
  }

  static String privateFrom(String from, String text) {
    return "[private] " + from + ": " + text;
  }

  static String privateTo(String to, String text) {
    return "[private to " + to + "] " + text;
  }

  /** Who is in a room, in at most about {@code maxChars} characters: a room of thousands is one line, not a flood. */
  static String who(String room, List<String> nicks, int maxChars) {
    return info(room + ": " + (nicks.isEmpty() ? "nobody" : listed(nicks, maxChars)));
  }

  /** Items joined with commas while they fit in {@code maxChars}, then how many more there are. */
  static String listed(List<String> items, int maxChars) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      if (i > 0 && text.length() + items.get(i).length() + 2 > maxChars) {
        return text.append(", and ").append(items.size() - i).append(" more").toString();
      }
      text.append(i == 0 ? "" : ", ").append(items.get(i));
    }
    return text.toString();
  }
}
