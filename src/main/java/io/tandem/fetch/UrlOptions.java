package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.config.FetcherSettings;
import io.vertx.core.json.JsonObject;

/**
 * How to fetch each URL of a batch or chain.
 *
 * @param timeoutMs    from the start to the last byte, redirects included: a real deadline, not an idle timer
 * @param connectTimeoutMs how long obtaining each hop's connection may take (never past timeoutMs)
 * @param maxBodyBytes where the transfer is cut ({@code truncated: true})
 * @param body         {@code text}, {@code base64} or {@code none} (sizes only)
 * @param save         also write each body under {@code fetcher.downloadDir}
 * @param sha256       also hash each body: asked for, because hashing costs more than reading
 *                     (SHA-256 runs at ~1 GB/s per core, about half a large transfer's time)
 * @param decompress   ask for gzip or deflate and decode it ({@code maxBodyBytes} counts decoded bytes)
 * @param retry        when a URL of a batch is fetched again (a chain's hops are fetched once)
 * @param timings      each result also says where its time went ({@code timings}): asked for,
 *                     because the object costs more than the rest of a small result to carry
 *                     (10,000 x 1 KiB took 0.22-0.27 s with it against 0.18-0.21 s without)
 */
record UrlOptions(int timeoutMs, int connectTimeoutMs, int maxBodyBytes, String body, boolean save, boolean sha256, boolean decompress, Retry retry,
                  boolean timings) {

  private static final int HOUR_MS = 3_600_000;

  /** @param retries whether {@code retry} may be given (a batch's, a URL job's), else it is a 400 (a chain's) */
  static UrlOptions read(RequestReader reader, FetcherSettings settings, boolean retries) {
    if (!retries && reader.has(Retry.FIELD)) {
      throw io.tandem.bus.BusException.badRequest("retry is for batches: a chain's hops are fetched once");
    }
    int timeoutMs = reader.integer(FetchMessages.TIMEOUT_MS, settings.timeoutMs(), 1, HOUR_MS);
    return new UrlOptions(
        timeoutMs,
        reader.integer(FetchMessages.CONNECT_TIMEOUT_MS, timeoutMs, 1, HOUR_MS),
        reader.integer(FetchMessages.MAX_BODY_BYTES, settings.maxBodyBytes(), 0, settings.maxBodyBytes()),
        reader.choice(FetchMessages.BODY, FetchMessages.BODY_TEXT, FetchMessages.BODY_BASE64, FetchMessages.BODY_NONE),
        reader.bool(FetchMessages.SAVE, false),
        reader.bool(FetchMessages.SHA256, false),
        reader.bool(FetchMessages.DECOMPRESS, true),
        Retry.read(reader, settings),
        reader.bool(FetchMessages.TIMINGS, false));
  }

  /** The options as request fields, for a URL job ({@link UrlJob}). */
  JsonObject writeTo(JsonObject json) {
    return json
        .put(FetchMessages.TIMEOUT_MS, timeoutMs)
        .put(FetchMessages.CONNECT_TIMEOUT_MS, connectTimeoutMs)
        .put(FetchMessages.MAX_BODY_BYTES, maxBodyBytes)
        .put(FetchMessages.BODY, body)
        .put(FetchMessages.SAVE, save)
        .put(FetchMessages.SHA256, sha256)
        .put(FetchMessages.DECOMPRESS, decompress)
        .put(Retry.FIELD, retry.toJson())
        .put(FetchMessages.TIMINGS, timings);
  }

  boolean keepsBody() {
    return !body.equals(FetchMessages.BODY_NONE);
  }
}
