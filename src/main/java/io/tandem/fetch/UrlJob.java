package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.config.FetcherSettings;
import io.vertx.core.json.JsonObject;

/** One URL of a batch, as sent to a fetcher instance on {@link Addresses#FETCH_URL}. */
record UrlJob(String batch, int index, String url, UrlOptions options) {

  JsonObject toJson() {
    return options.writeTo(new JsonObject()
        .put(FetchMessages.BATCH, batch)
        .put(FetchMessages.INDEX, index)
        .put(FetchMessages.URL, url));
  }

  /** @throws io.tandem.bus.BusException 400 naming the field that is wrong */
  static UrlJob read(Object body, FetcherSettings settings) {
    RequestReader reader = RequestReader.of(body);
    UrlJob job = new UrlJob(
        reader.required(FetchMessages.BATCH),
        reader.integer(FetchMessages.INDEX, -1, 0, Integer.MAX_VALUE),
        reader.required(FetchMessages.URL),
        UrlOptions.read(reader, settings));
    reader.finish();
    if (job.index < 0) {
      throw BusException.badRequest(FetchMessages.INDEX + " is required");
    }
    return job;
  }
}
