package io.tandem.bench;

import io.vertx.core.json.JsonObject;

/**
 * The fetch workload's parameters, shared by the Tandem driver and the bare WebClient reference.
 *
 * @param url the URL, or several separated by commas (one per host): URL i goes to the (i mod n)-th
 */
record FetchRounds(String url, int count, int concurrency, int rounds, int bytes) {

  static FetchRounds of(Args args) {
    return new FetchRounds(
        args.text("url", "http://localhost:9000/"),
        args.integer("count", 1000),
        args.integer("concurrency", 100),
        args.integer("rounds", 4),
        args.integer("bytes", 0));
  }

  /** The i-th URL: distinct, so nothing along the way can answer from a cache. */
  String url(int i) {
    String[] urls = url.split(",");
    String base = urls[i % urls.length];
    return base + (base.indexOf('?') >= 0 ? "&" : "?") + "i=" + i;
  }

  /** One round's line; a round where any URL failed or lost bytes ends the run. */
  void report(int round, long startNanos, int succeeded, long bodyBytes) {
    long micros = (System.nanoTime() - startNanos) / 1000;
    if (succeeded != count || bodyBytes != (long) count * bytes) {
      LoadRun.fail("round " + round + ": " + succeeded + " of " + count + " succeeded, "
          + bodyBytes + " body bytes of " + (long) count * bytes);
    }
    System.out.println(new JsonObject()
        .put("round", round)
        .put("ms", micros / 1000.0)
        .put("urls", count)
        .put("urlsPerSecond", count / (micros / 1e6))
        .put("mbPerSecond", bodyBytes / (double) micros)
        .encode());
    System.out.flush();
  }
}
