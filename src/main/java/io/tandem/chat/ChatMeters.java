package io.tandem.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.config.ChatSettings;
import io.tandem.metrics.Metrics;
import io.tandem.net.ConnectionGate;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

/**
 * The chat's meters, one set per Vert.x instance for all its chat instances: lines said, lines a
 * reader behind did not get, readers closed for it, lines refused by why, connections refused at
 * {@code chat.maxConnections} (the others are the connection gate's).
 */
final class ChatMeters implements Shareable {

  final Counter said;
  final Counter told;
  final Counter missed;
  final Counter slowClosed;
  final Counter tooLong;
  final Counter notUtf8;
  final Counter tooFast;
  final Counter refusedAtMax;

  private ChatMeters(MeterRegistry registry) {
    said = Counter.builder("tandem.chat.lines").description("Lines said in a room through this node").register(registry);
    told = Counter.builder("tandem.chat.private").description("Private lines said through this node").register(registry);
    missed = Counter.builder("tandem.chat.lines.missed")
        .description("Room and private lines not written to a client past chat.maxQueuedBytes of unread output").register(registry);
    slowClosed = Counter.builder("tandem.chat.slow.clients.closed")
        .description("Clients closed for being past chat.maxQueuedBytes for chat.slowClientGraceSeconds").register(registry);
    tooLong = refused(registry, "line_too_long");
    notUtf8 = refused(registry, "not_utf8");
    tooFast = refused(registry, "slow_down");
    refusedAtMax = ConnectionGate.refusalCounter(registry, ChatSettings.SECTION, ConnectionGate.MAX_CONNECTIONS);
  }

  private static Counter refused(MeterRegistry registry, String reason) {
    return Counter.builder("tandem.chat.lines.refused").description("Lines a client sent that were refused, by why")
        .tag("reason", reason).register(registry);
  }

  static ChatMeters of(Vertx vertx) {
    return Metrics.shared(vertx, "chat", ChatMeters::new);
  }
}
