package io.tandem.bridge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bridges' meters, one set per Vert.x instance, each labelled with its {@code transport}:
 * {@code tcp} (the TCP bridge) or {@code sockjs} (the SockJS bridge). Clients connected, frames
 * they sent, refusals by the code of the error frame that said so, and messages dropped because a
 * client did not read them.
 */
final class BridgeMeters implements Shareable {

  static final String TCP = "tcp";
  static final String SOCKJS = "sockjs";
  /** A page refused by {@code bridge.allowedOrigins}: a 403, before any frame. */
  static final String ORIGIN = "origin";

  private final MeterRegistry registry;
  final Transport tcp;
  final Transport sockJs;

  /** One transport's meters. */
  final class Transport {

    private final String name;
    final AtomicInteger clients = new AtomicInteger();
    final Counter frames;
    final Counter dropped;
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();

    private Transport(String name) {
      this.name = name;
      Gauge.builder("tandem.bridge.clients", clients, AtomicInteger::get).description("Bridge clients connected, by transport")
          .tag("transport", name).register(registry);
      frames = Counter.builder("tandem.bridge.frames").description("Frames bridge clients sent, by transport")
          .tag("transport", name).register(registry);
      dropped = Counter.builder("tandem.bridge.dropped").description("Messages to a bridge client dropped because it did not read them")
          .tag("transport", name).register(registry);
    }

    /** A refusal, by its error frame's code: one of the few the bridges send (see docs/bridges.md). */
    void refused(String code) {
      refusals.computeIfAbsent(code, key -> Counter.builder("tandem.bridge.refusals")
          .description("Frames, connections and pages the bridges refused, by transport and code")
          .tag("transport", name).tag("reason", key).register(registry)).increment();
    }
  }

  private BridgeMeters(MeterRegistry registry) {
    this.registry = registry;
    this.tcp = new Transport(TCP);
    this.sockJs = new Transport(SOCKJS);
  }

  static BridgeMeters of(Vertx vertx) {
    return Metrics.shared(vertx, "bridge", BridgeMeters::new);
  }
}
