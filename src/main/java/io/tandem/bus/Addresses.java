package io.tandem.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every event-bus address Tandem serves or publishes to. The README's event-bus table repeats
 * this file; keep the two in step.
 *
 * <p>Bodies are JSON (or raw bytes where bytes are the point) so that they cross a clustered bus
 * and the bridges unchanged. Failures use {@link FailureCodes}.
 */
public final class Addresses {

  /**
   * Request/reply, served by the TCP echo verticle. Replies with exactly the body it received
   * (JSON object, JSON array, string or bytes) and the same headers. Never fails.
   */
  public static final String ECHO = "tandem.echo";

  /**
   * Request/reply, served by the HTTP verticle. Request {@code {"name":"Ada"}} (name optional);
   * reply {@code {"message":"Hello, Ada!"}}, or the configured greeting without a name.
   * Fails 400 when the body is not a JSON object, or the name is not a string or is over
   * {@link HelloMessages#MAX_NAME_BYTES} UTF-8 bytes.
   */
  public static final String HELLO = "tandem.hello";

  /**
   * Published by the TCP echo verticle when a client connects or goes away:
   * {@code {"type":"connected"|"disconnected","connection":"<id>","remote":"ip:port","at":"<ISO-8601>"}}.
   */
  public static final String TCP_CONNECTIONS = "tandem.tcp.connections";

  /**
   * Published by the TCP echo verticle for each complete line (LF or CRLF) a client sends:
   * {@code {"connection":"<id>","remote":"ip:port","text":"..."}}, plus {@code "truncated":true}
   * when the line was longer than {@code tcp.maxLineBytes} and was cut.
   */
  public static final String TCP_MESSAGES = "tandem.tcp.messages";

  /**
   * Publish {@code {"text":"..."}}: every TCP echo instance writes text + LF to each of its
   * connections. Malformed bodies are logged and dropped (a publish has no one to fail to).
   */
  public static final String TCP_BROADCAST = "tandem.tcp.broadcast";

  /**
   * Request/reply {@code {"connection":"<id>","text":"..."}}: writes text + LF to that
   * connection and replies {@code {"ok":true}}. Fails 404 when no such connection is open,
   * 400 when the body is malformed. On a clustered bus it reaches the connection on whichever
   * node holds it (503 when that node does not answer).
   */
  public static final String TCP_SEND = "tandem.tcp.send";

  /**
   * Internal, on a clustered bus: {@code tandem.tcp.send.<node>} is {@link #TCP_SEND} served only
   * by the node whose connection ids start with {@code <node>-}; a node that receives a send for
   * another node's connection forwards it here. Same request, reply and failures.
   */
  public static final String TCP_SEND_NODE = "tandem.tcp.send.";

  /**
   * Request/reply: fetch many URLs at once, each result on its own, none failing the others. Request
   * {@code {"urls":[...], "concurrency", "timeoutMs", "deadlineMs", "maxBodyBytes", "body", "save",
   * "progressAddress", "progressOnly", "id"}} (all but urls optional); reply {@code {"results":[...in input order...],
   * "succeeded":n,"failed":n,"elapsedMs":n}}, without {@code results} when {@code progressOnly}. One bad URL never fails the batch: it is a result
   * with an {@code error}. Fails 400 for a malformed request, naming the field. See
   * {@link FetchMessages}.
   */
  public static final String FETCH = "tandem.fetch";

  /**
   * Request/reply: follow a chain of URLs, each taken from the JSON answer of the one before.
   * Request {@code {"url","next","maxHops", ...the per-URL options}}; reply
   * {@code {"hops":[results...],"stoppedBecause":"no-next"|"max-hops"|"cycle"|"error"|"deadline"|"cancelled"}}.
   * Fails 400 for a malformed request.
   */
  public static final String FETCH_CHAIN = "tandem.fetch.chain";

  /**
   * Publish {@code {"id":"..."}}: every batch or chain running with that {@code id}, and every URL
   * job of such a batch, on any fetcher instance, stops; its unfinished URLs end with kind
   * {@code cancelled}. The one way to stop fetch work early, for clients and Tandem alike.
   */
  public static final String FETCH_CANCEL = "tandem.fetch.cancel";

  /**
   * Publish (Tandem publishes): {@code tandem.fetch.progress.<name>} gets each result of a batch or
   * chain whose {@code progressAddress} named it, the moment the result completes. The only
   * addresses a request may name there, so that no caller can have the fetcher publish to another
   * service's address; the bridges let clients subscribe to them by default.
   */
  public static final String FETCH_PROGRESS = "tandem.fetch.progress.";

  /**
   * Internal: one URL of a batch, for any fetching instance in the cluster (the instance that got
   * the batch spreads its URLs over them, inside the batch's concurrency; those of its own process
   * get them without the bus). Request {@code {"id","index","url","deadlineMs","timeoutMs",
   * "maxBodyBytes","body","save","sha256"}}, {@code deadlineMs} being what is left of the batch's
   * deadline; reply: that URL's result, as in a {@link #FETCH} reply. Fails 400 when malformed,
   * 503 when the instance is shutting down (the job is then sent elsewhere).
   */
  public static final String FETCH_URL = "tandem.fetch.url";

  /**
   * Internal, on a clustered bus: {@code tandem.fetch.url.<node>} is {@link #FETCH_URL} served only
   * by the node with that Vert.x node id, so the batch knows which of its URLs a node holds.
   */
  public static final String FETCH_URL_NODE = "tandem.fetch.url.";

  /**
   * Request/reply, served by the chat verticle: {@code {"room":"#general","from":"ada","text":"..."}}
   * says a line in a room, {@code {"to":"bob","from":"ada","text":"..."}} privately to a chat
   * client; reply {@code {"id":"..."}} once it is kept in the room's history and sent on. Fails 400
   * malformed (the same rules as the chat's own lines), 404 no client has that {@code to}, 409
   * {@code from} is a nickname a chat client holds. See {@link ChatMessages}.
   */
  public static final String CHAT_SEND = "tandem.chat.send";

  /**
   * Request/reply {@code {"room":"#general","limit":20}}: the room's last messages, oldest first,
   * as {@code {"room","messages":[...]}} (each as published on {@link #CHAT_ROOM}). Fails 400.
   */
  public static final String CHAT_HISTORY = "tandem.chat.history";

  /**
   * Request/reply {@code {"room":"#general"}}: {@code {"room","nicks":[...]}}, who is in it across
   * the cluster; {@code {}}: {@code {"rooms":[{"room","nicks"},...]}}, every room with someone in it.
   */
  public static final String CHAT_WHO = "tandem.chat.who";

  /**
   * Publish (Tandem publishes): {@code tandem.chat.room.<name>} gets each event of room
   * {@code #<name>} — {@code {"type":"message","room","id","seq","from","text","at"}},
   * {@code "joined"}/{@code "left"} with {@code nick}, {@code "renamed"} with {@code nick} and
   * {@code was} — on every node that runs the chat.
   */
  public static final String CHAT_ROOM = "tandem.chat.room.";

  /**
   * Internal: every room event, published once by the node it happens on to every chat instance
   * of the cluster. A fixed address, registered before the chat listens: a consumer registered per
   * room would be seen by other nodes only some milliseconds later, and lines said meanwhile lost.
   */
  public static final String CHAT_DELIVER = "tandem.chat.deliver";

  /**
   * Internal: {@code tandem.chat.private.<node>} delivers a private message to a connection of
   * that node: {@code {"connection","id","from","to","text","at"}}; reply {@code {"id"}}, or 404
   * when the connection is gone.
   */
  public static final String CHAT_PRIVATE_NODE = "tandem.chat.private.";

  /** What a meter's {@code address} label says for an address that is none of Tandem's. */
  private static final String OTHER = "other";

  private static final Set<String> FIXED = Set.of(ECHO, HELLO, TCP_CONNECTIONS, TCP_MESSAGES, TCP_BROADCAST,
      TCP_SEND, FETCH, FETCH_CHAIN, FETCH_CANCEL, FETCH_URL, CHAT_SEND, CHAT_HISTORY, CHAT_WHO, CHAT_DELIVER);

  private Addresses() {
  }

  /** Every value {@link #metricLabel} gives, for meters made up front. */
  public static List<String> metricLabels() {
    List<String> labels = new ArrayList<>(new TreeSet<>(FIXED));
    labels.addAll(List.of(FETCH_PROGRESS + "{name}", FETCH_URL_NODE + "{node}", TCP_SEND_NODE + "{node}",
        CHAT_ROOM + "{name}", CHAT_PRIVATE_NODE + "{node}", OTHER));
    return labels;
  }

  /**
   * An address as a meter's label may name it, one of a fixed few: Tandem's own as they are, those
   * with a node or a caller's name in them as their template ({@code tandem.fetch.progress.{name}}),
   * any other ({@code __vertx.reply.*}, a user's) as {@link #OTHER} — a label per address would be a
   * series per reply, per batch, per node ever seen.
   */
  public static String metricLabel(String address) {
    if (FIXED.contains(address)) {
      return address;
    }
    if (address.startsWith(FETCH_PROGRESS)) {
      return FETCH_PROGRESS + "{name}";
    }
    if (address.startsWith(FETCH_URL_NODE)) {
      return FETCH_URL_NODE + "{node}";
    }
    if (address.startsWith(TCP_SEND_NODE)) {
      return TCP_SEND_NODE + "{node}";
    }
    if (address.startsWith(CHAT_ROOM)) {
      return CHAT_ROOM + "{name}";
    }
    if (address.startsWith(CHAT_PRIVATE_NODE)) {
      return CHAT_PRIVATE_NODE + "{node}";
    }
    return OTHER;
  }
}
