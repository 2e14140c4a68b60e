package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.config.FetcherSettings;

import java.util.List;

/** A validated {@code tandem.fetch} request. */
/** @param progressOnly the results go to the progress address only; the reply is the summary */
record FetchRequest(List<String> urls, int concurrency, UrlOptions options, int deadlineMs, String progressAddress,
                    boolean progressOnly, String id) {

  private static final int HOUR_MS = 3_600_000;

  /** @throws io.tandem.bus.BusException 400 naming the field that is wrong */
  static FetchRequest read(Object body, FetcherSettings settings) {
    RequestReader reader = RequestReader.of(body);
    List<String> urls = reader.strings(FetchMessages.URLS, 1, settings.maxUrls());
    int concurrency = reader.integer(FetchMessages.CONCURRENCY, settings.concurrency(), 1, settings.maxConcurrency());
    UrlOptions options = UrlOptions.read(reader, settings);
    int deadlineMs = reader.integer(FetchMessages.DEADLINE_MS, settings.deadlineMs(), 1, HOUR_MS);
    String progressAddress = FetchMessages.progressAddress(reader);
    FetchRequest request = new FetchRequest(urls, concurrency, options, deadlineMs, progressAddress,
        FetchMessages.progressOnly(reader, progressAddress), reader.text(FetchMessages.ID, null));
    reader.finish();
    return request;
  }
}
