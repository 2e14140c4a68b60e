package io.tandem.fetch;

import io.tandem.bus.RequestReader;
import io.tandem.config.FetcherSettings;

/**
 * A batch's politeness to each host ({@code "perHost"}, defaults {@code fetcher.perHost*}): at most
 * {@code concurrency} of its URLs at one host at a time (0: no limit of its own), request starts at
 * one host at least {@code delayMs} apart, and with {@code adaptive} a 429 or 503 doubles that
 * host's delay (or takes its {@code Retry-After}) and ten 2xx in a row halve it back. Enforced by
 * the batch's coordinator ({@link HostQueue}) before a URL is handed to any fetching instance,
 * so it holds across the cluster. Hosts are keyed by lower-case {@code host:port}.
 */
record PerHost(int concurrency, int delayMs, boolean adaptive) {

  static final String FIELD = "perHost";
  static final PerHost NONE = new PerHost(0, 0, false);

  /** Whether any URL ever waits for its host. */
  boolean limits() {
    return concurrency > 0 || delayMs > 0 || adaptive;
  }

  static PerHost read(RequestReader outer, FetcherSettings settings) {
    PerHost defaults = new PerHost(settings.perHostConcurrency(), settings.perHostDelayMs(), false);
    if (outer.object(FIELD) == null) {
      return defaults;
    }
    RequestReader reader = RequestReader.nested(outer.object(FIELD), FIELD);
    PerHost perHost = new PerHost(
        reader.integer("concurrency", defaults.concurrency, 1, FetcherSettings.MAX_PER_HOST_CONCURRENCY),
        reader.integer("delayMs", defaults.delayMs, 0, FetcherSettings.MAX_PER_HOST_DELAY_MS),
        reader.bool("adaptive", false));
    reader.finish();
    return perHost;
  }
}
