package io.tandem.fetch;

import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.config.FetcherSettings;

/**
 * A validated {@code tandem.fetch.chain} request.
 *
 * @param next a field name of the JSON answer, or a JSON Pointer such as {@code /links/next}
 */
record ChainRequest(String url, Outgoing outgoing, String next, int maxHops, UrlOptions options, int deadlineMs,
                    String progressAddress, boolean progressOnly, String id) {

  private static final int HOUR_MS = 3_600_000;

  /** @throws BusException 400 naming the field that is wrong */
  static ChainRequest read(Object body, FetcherSettings settings) {
    RequestReader reader = RequestReader.of(body);
    String url = reader.required(FetchMessages.URL);
    // the same for every hop; "body" is the answers' body mode here, so a text body goes in json or bodyBase64
    Outgoing outgoing = Outgoing.read(reader, Outgoing.GET, false, settings.maxRequestBodyBytes());
    String next = reader.text(FetchMessages.NEXT, FetchMessages.NEXT);
    int maxHops = reader.integer(FetchMessages.MAX_HOPS, FetchMessages.DEFAULT_MAX_HOPS, 1, FetchMessages.MAX_HOPS_LIMIT);
    UrlOptions options = UrlOptions.read(reader, settings, false);
    int deadlineMs = reader.integer(FetchMessages.DEADLINE_MS, settings.deadlineMs(), 1, HOUR_MS);
    String progressAddress = FetchMessages.progressAddress(reader);
    ChainRequest request = new ChainRequest(url, outgoing, next, maxHops, options, deadlineMs, progressAddress,
        FetchMessages.progressOnly(reader, progressAddress), reader.text(FetchMessages.ID, null));
    reader.finish();
    if (request.next.startsWith("/")) {
      try {
        io.vertx.core.json.pointer.JsonPointer.from(request.next);
      } catch (IllegalArgumentException e) {
        throw BusException.badRequest("next is not a valid JSON Pointer: " + e.getMessage());
      }
    }
    return request;
  }
}
