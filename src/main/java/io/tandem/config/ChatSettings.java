package io.tandem.config;

import io.vertx.core.json.JsonObject;

/**
 * The {@code chat} section: the chat verticle, a line protocol on a listener of its own so that
 * the echo on {@code tcp.port} stays byte-exact. The limits bound what one client can cost
 * everyone else: its line length, its line rate, the rooms it holds and the output it leaves
 * unread.
 */
public record ChatSettings(
    Listener listener,
    int idleTimeoutSeconds,
    int maxConnections,
    int maxConnectionsPerClient,
    int maxLineBytes,
    int maxLinesPerSecond,
    int maxRoomsPerClient,
    int maxRooms,
    int historyLines,
    int replayOnJoin,
    int maxQueuedBytes,
    int slowClientGraceSeconds,
    boolean tls) {

  public static final String SECTION = "chat";

  public static final int DEFAULT_PORT = 8081;
  /** People leave a chat window open for hours; a dead peer's socket still goes, at this. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 3600;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;
  public static final int DEFAULT_MAX_LINE_BYTES = 4096;
  /** Faster than anyone types, with a burst of this many lines; slower than any flood. */
  public static final int DEFAULT_MAX_LINES_PER_SECOND = 10;
  public static final int DEFAULT_MAX_ROOMS_PER_CLIENT = 20;
  /** Rooms across the cluster: with their history, what the chat's memory is bounded by. */
  public static final int DEFAULT_MAX_ROOMS = 1000;
  public static final int DEFAULT_HISTORY_LINES = 200;
  public static final int DEFAULT_REPLAY_ON_JOIN = 20;
  public static final int DEFAULT_MAX_QUEUED_BYTES = 256 * 1024;
  public static final int DEFAULT_SLOW_CLIENT_GRACE_SECONDS = 10;

  static ChatSettings read(SectionReader reader, int defaultInstances) {
    ChatSettings settings = new ChatSettings(
        Listener.read(reader, DEFAULT_PORT, defaultInstances),
        reader.integer("idleTimeoutSeconds", DEFAULT_IDLE_TIMEOUT_SECONDS, 0, 86_400 * 365),
        reader.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000),
        reader.integer("maxConnectionsPerClient", DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 0, 10_000_000),
        reader.integer("maxLineBytes", DEFAULT_MAX_LINE_BYTES, 64, 1024 * 1024),
        reader.integer("maxLinesPerSecond", DEFAULT_MAX_LINES_PER_SECOND, 1, 1_000_000),
        reader.integer("maxRoomsPerClient", DEFAULT_MAX_ROOMS_PER_CLIENT, 1, 1000),
        reader.integer("maxRooms", DEFAULT_MAX_ROOMS, 1, 1_000_000),
        reader.integer("historyLines", DEFAULT_HISTORY_LINES, 0, 100_000),
        reader.integer("replayOnJoin", DEFAULT_REPLAY_ON_JOIN, 0, 100_000),
        reader.integer("maxQueuedBytes", DEFAULT_MAX_QUEUED_BYTES, 4096, 1024 * 1024 * 1024),
        reader.integer("slowClientGraceSeconds", DEFAULT_SLOW_CLIENT_GRACE_SECONDS, 1, 3600),
        reader.bool("tls", false));
    reader.check(settings.replayOnJoin <= settings.historyLines, "replayOnJoin",
        "must be at most chat.historyLines (" + settings.historyLines + ")", settings.replayOnJoin);
    reader.check(settings.maxQueuedBytes >= 2 * settings.maxLineBytes, "maxQueuedBytes",
        "must hold at least two lines of chat.maxLineBytes (" + settings.maxLineBytes + ")", settings.maxQueuedBytes);
    reader.finish();
    return settings;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    listener.writeTo(json);
    return json
        .put("idleTimeoutSeconds", idleTimeoutSeconds)
        .put("maxConnections", maxConnections)
        .put("maxConnectionsPerClient", maxConnectionsPerClient)
        .put("maxLineBytes", maxLineBytes)
        .put("maxLinesPerSecond", maxLinesPerSecond)
        .put("maxRoomsPerClient", maxRoomsPerClient)
        .put("maxRooms", maxRooms)
        .put("historyLines", historyLines)
        .put("replayOnJoin", replayOnJoin)
        .put("maxQueuedBytes", maxQueuedBytes)
        .put("slowClientGraceSeconds", slowClientGraceSeconds)
        .put("tls", tls);
  }
}
