package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.config.FetcherSettings;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code tandem.fetch} request.
 *
 * @param urls         each entry's URL
 * @param outgoing     what is sent to each, at the same index: a URL given as a string shares the
 *                     batch's defaults (one object for all of them, nothing per URL)
 * @param progressOnly the results go to the progress address only; the reply is the summary
 */
record FetchRequest(List<String> urls, List<Outgoing> outgoing, int concurrency, UrlOptions options, PerHost perHost,
                    int deadlineMs, String progressAddress, boolean progressOnly, String id) {

  private static final int HOUR_MS = 3_600_000;

  /** @throws io.tandem.bus.BusException 400 naming the field that is wrong */
  static FetchRequest read(Object body, FetcherSettings settings) {
    RequestReader reader = RequestReader.of(body);
    List<Object> entries = reader.items(FetchMessages.URLS, 1, settings.maxUrls());
    Outgoing defaults = Outgoing.defaults(reader);
    List<String> urls = new ArrayList<>(entries.size());
    List<Outgoing> outgoing = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i) instanceof JsonObject entry) {
        RequestReader own = RequestReader.nested(entry, FetchMessages.URLS + "[" + i + "]");
        urls.add(own.required(FetchMessages.URL));
        outgoing.add(Outgoing.read(own, defaults, true, settings.maxRequestBodyBytes()));
        own.finish();
      } else {
        urls.add((String) entries.get(i));
        outgoing.add(defaults);
      }
    }
    int concurrency = reader.integer(FetchMessages.CONCURRENCY, settings.concurrency(), 1, settings.maxConcurrency());
    UrlOptions options = UrlOptions.read(reader, settings, true);
    PerHost perHost = PerHost.read(reader, settings);
    int deadlineMs = reader.integer(FetchMessages.DEADLINE_MS, settings.deadlineMs(), 1, HOUR_MS);
    String progressAddress = FetchMessages.progressAddress(reader);
    FetchRequest request = new FetchRequest(urls, outgoing, concurrency, options, perHost, deadlineMs, progressAddress,
        FetchMessages.progressOnly(reader, progressAddress), reader.text(FetchMessages.ID, null));
    reader.finish();
    return request;
  }
}
