package io.tandem.chat;

import io.tandem.bus.ChatMessages;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The rooms of one chat instance's sessions, for handing each room event to its members here.
 * An event's line is formatted once and the same buffer written to every member. Confined to the
 * instance's event loop, like its sessions.
 */
final class LocalRooms {

  private final Map<String, Set<ChatSession>> members = new HashMap<>();

  void add(String room, ChatSession session) {
    members.computeIfAbsent(room, name -> new LinkedHashSet<>()).add(session);
  }

  void remove(String room, ChatSession session) {
    Set<ChatSession> here = members.get(room);
    if (here != null && here.remove(session) && here.isEmpty()) {
      members.remove(room);
    }
  }

  void deliver(JsonObject event) {
    String room = event.getString(ChatMessages.ROOM);
    Set<ChatSession> here = members.get(room);
    if (here == null) {
      return;
    }
    String text = ServerLines.event(event);
    if (text == null) {
      return;
    }
    Buffer line = Buffer.buffer(text + "\n");
    for (ChatSession session : here) {
      session.roomEvent(room, event, line);
    }
  }
}
