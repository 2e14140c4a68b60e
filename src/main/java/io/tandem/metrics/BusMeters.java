package io.tandem.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.bus.Addresses;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.spi.metrics.EventBusMetrics;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The event bus's meters: messages received and requests that got no reply, by address as
 * {@link Addresses#metricLabel} bounds it (replies themselves, {@code __vertx.*}, not at all). In
 * place of vertx-micrometer-metrics's own, which looks meters up in the registry several times per
 * message and registers a gauge per delivery: that cost the bus 35 % of its request/reply
 * throughput. Here every counter is made up front, and a message costs a map read and an increment,
 * where it is handled only (counted where it is sent too, the bus paid about 5 %: BENCHMARKS.md).
 */
final class BusMeters implements EventBusMetrics<Void> {

  private static final String INTERNAL = "__vertx.";

  /** The counters of one address label, all made at start. */
  private record Label(Counter received, Map<ReplyFailure, Counter> failures) {
  }

  /** By address for Tandem's fixed addresses, by label for the rest: never a raw address as a key. */
  private final Map<String, Label> byAddress = new HashMap<>();
  private final Map<String, Label> byLabel = new HashMap<>();

  BusMeters(MeterRegistry registry) {
    for (String label : Addresses.metricLabels()) {
      Map<ReplyFailure, Counter> failures = new EnumMap<>(ReplyFailure.class);
      for (ReplyFailure failure : ReplyFailure.values()) {
        failures.put(failure, Counter.builder("tandem.bus.reply.failures").description("Requests that got no reply, by address and why")
            .tag("address", label).tag("failure", failure.name().toLowerCase(Locale.ROOT)).register(registry));
      }
      Label meters = new Label(
          Counter.builder("tandem.bus.messages.received").description("Messages that reached this node's handlers, by address")
              .tag("address", label).register(registry),
          failures);
      byLabel.put(label, meters);
      if (!label.contains("{")) {
        byAddress.put(label, meters); // a fixed address is its own label: one map read for it
      }
    }
  }

  private Label of(String address) {
    Label fixed = byAddress.get(address);
    return fixed != null ? fixed : byLabel.get(Addresses.metricLabel(address));
  }

  @Override
  public void messageReceived(String address, boolean publish, boolean local, int handlers) {
    if (handlers > 0 && !address.startsWith(INTERNAL)) {
      of(address).received.increment();
    }
  }

  @Override
  public void replyFailure(String address, ReplyFailure failure) {
    if (!address.startsWith(INTERNAL)) {
      of(address).failures.get(failure).increment();
    }
  }
}
