package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.config.FetcherSettings;

import java.util.List;

/** A validated {@code tandem.fetch} request. */
record FetchRequest(List<String> urls, int concurrency, UrlOptions options, int deadlineMs, String progressAddress, String id) {

  private static final int HOUR_MS = 3_600_000;

  /** @throws io.tandem.bus.BusException 400 naming the field that is wrong */
  static FetchRequest read(Object body, FetcherSettings settings) {
    RequestReader reader = RequestReader.of(body);
    FetchRequest request = new FetchRequest(
        reader.strings(FetchMessages.URLS, 1, settings.maxUrls()),
        reader.integer(FetchMessages.CONCURRENCY, settings.concurrency(), 1, settings.maxConcurrency()),
        UrlOptions.read(reader, settings),
        reader.integer(FetchMessages.DEADLINE_MS, settings.deadlineMs(), 1, HOUR_MS),
        FetchMessages.progressAddress(reader),
        reader.text(FetchMessages.ID, null));
    reader.finish();
    return request;
  }
}
