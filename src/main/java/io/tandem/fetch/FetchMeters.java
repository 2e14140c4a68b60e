package io.tandem.fetch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.tandem.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * The fetcher's meters, one set per Vert.x instance for all its fetcher instances. A URL is
 * counted where it ends, on the node that coordinates its batch or chain, by its outcome: {@code
 * ok}, {@code http_error} (an answer that is not 2xx), or its {@code error.kind}; what is in flight
 * and queued is counted where it is fetched, from each instance's {@link Permits}.
 */
final class FetchMeters implements Shareable {

  static final String OK = "ok";
  static final String HTTP_ERROR = "http_error";
  /** From a few milliseconds on loopback to a minute's timeout; Prometheus buckets in seconds. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  private final MeterRegistry registry;
  private final Map<String, Counter> urls = new HashMap<>();
  /** Made at an outcome's first URL: a histogram of every outcome at zero would be most of a scrape. */
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Counter> retries = new ConcurrentHashMap<>();
  private final Counter batches;
  private final Counter chains;
  private final Set<Permits> permits = new CopyOnWriteArraySet<>();

  private FetchMeters(MeterRegistry registry) {
    this.registry = registry;
    for (String outcome : outcomes()) {
      urls.put(outcome, Counter.builder("tandem.fetch.urls").description("URLs ended, by outcome").tag("outcome", outcome)
          .register(registry));
    }
    batches = Counter.builder("tandem.fetch.batches").description("Batches and chains begun").tag("kind", "batch").register(registry);
    chains = Counter.builder("tandem.fetch.batches").description("Batches and chains begun").tag("kind", "chain").register(registry);
    gauge("tandem.fetch.urls.in.flight", "URLs being fetched here now (holding a permit of fetcher.maxConcurrency)", Permits::inUse);
    gauge("tandem.fetch.urls.queued", "URLs handed to this node's fetcher waiting for a permit", Permits::waiting);
  }

  static FetchMeters of(Vertx vertx) {
    return Metrics.shared(vertx, "fetch", FetchMeters::new);
  }

  private static String[] outcomes() {
    Kind[] kinds = Kind.values();
    String[] outcomes = new String[kinds.length + 2];
    outcomes[0] = OK;
    outcomes[1] = HTTP_ERROR;
    for (int i = 0; i < kinds.length; i++) {
      outcomes[i + 2] = kinds[i].wire();
    }
    return outcomes;
  }

  private void gauge(String name, String description, ToIntFunction<Permits> count) {
    // each Permits is read off its event loop: an int, at worst a moment old, and no lock on the fetch's path
    Gauge.builder(name, permits, all -> all.stream().mapToInt(count).sum()).description(description).register(registry);
  }

  /** Counts an instance's permits in, until {@link #forget}. */
  void watch(Permits instance) {
    permits.add(instance);
  }

  void forget(Permits instance) {
    permits.remove(instance);
  }

  void begun(boolean chain) {
    (chain ? chains : batches).increment();
  }

  /** A URL's result, as its batch or chain hands it on. */
  void ended(JsonObject result) {
    String outcome;
    if (result.getValue(FetchMessages.ERROR) instanceof JsonObject error) {
      outcome = error.getString(FetchMessages.KIND);
    } else {
      outcome = Boolean.TRUE.equals(result.getValue(FetchMessages.OK)) ? OK : HTTP_ERROR;
    }
    Counter counter = urls.get(outcome);
    if (counter == null) {
      return; // no kind this build does not know: a result from another node's newer build
    }
    counter.increment();
    if (result.getValue(FetchMessages.ELAPSED_MS) instanceof Number elapsed) {
      durations.computeIfAbsent(outcome, key -> Timer.builder("tandem.fetch.url.duration")
          .description("From a URL's start to its end, by outcome").tag("outcome", key).serviceLevelObjectives(BUCKETS)
          .register(registry)).record(elapsed.longValue(), TimeUnit.MILLISECONDS);
    }
  }

  /** A URL fetched again: by its error's kind, or the status of the answer that made it so. */
  void retried(JsonObject result) {
    String reason = result.getValue(FetchMessages.ERROR) instanceof JsonObject error ? error.getString(FetchMessages.KIND)
        : String.valueOf(result.getValue(FetchMessages.STATUS));
    retries.computeIfAbsent(reason, key -> Counter.builder("tandem.fetch.retries")
        .description("URLs fetched again, by the kind or status that made them").tag("reason", key).register(registry)).increment();
  }
}
