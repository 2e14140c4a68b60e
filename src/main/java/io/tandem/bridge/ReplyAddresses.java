package io.tandem.bridge;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The reply addresses of the messages one bridge client received and has not answered yet: the
 * bridges' one rule for answers. A client may send to a reply address only if it is here, once;
 * the permission lists say nothing about reply addresses, which the bus makes up per request.
 * At most {@value #MAX} are kept per client; past that the oldest goes, so a client that never
 * answers costs bounded memory. Confined to the client's event loop.
 *
 * @param <T> what the bridge keeps to answer with (the message itself on the TCP bridge)
 */
final class ReplyAddresses<T> {

  /** Where the bus sends replies (Vert.x's own prefix for the addresses it makes up). */
  static final String PREFIX = "__vertx.reply.";
  static final int MAX = 1024;

  private final Map<String, T> held = new LinkedHashMap<>();

  static boolean isReplyAddress(String address) {
    return address.startsWith(PREFIX);
  }

  /** Keeps a reply address the client may answer; returns the oldest one it pushed out, if any. */
  T add(String replyAddress, T answerWith) {
    held.put(replyAddress, answerWith);
    if (held.size() <= MAX) {
      return null;
    }
    Iterator<T> oldest = held.values().iterator();
    T evicted = oldest.next();
    oldest.remove();
    return evicted;
  }

  /** What to answer with, once: null if the client did not receive this address or answered it already. */
  T take(String replyAddress) {
    return held.remove(replyAddress);
  }

  /** Empties the set, handing each unanswered one to {@code each} (a client that went away). */
  void clear(Consumer<T> each) {
    held.values().forEach(each);
    held.clear();
  }
}
