package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.config.FetcherSettings;
import io.vertx.core.json.JsonObject;

/**
 * One URL of a batch, as handed to a fetching instance (on another node, through
 * {@link Addresses#FETCH_URL_NODE}).
 *
 * @param id         the batch's request id: a {@link Addresses#FETCH_CANCEL} naming it ends the job
 * @param deadlineMs what was left of the batch's deadline when the job was sent: the fetching
 *                   instance ends the job by then on its own, so no message is needed for it
 * @param queuedMs   how long the URL waited in its batch before it was sent (its result's timings)
 * @param hostBound  its batch is polite to hosts: a redirect to another host is handed back
 *                   ({@link Resume}) instead of followed
 * @param resume     where it goes on after such a redirect, or null: it starts at {@code url}
 */
record UrlJob(String id, int index, String url, Outgoing outgoing, UrlOptions options, long deadlineMs, long queuedMs,
              boolean hostBound, Resume resume) {

  private static final String HOST_BOUND = "hostBound";

  private static final int HOUR_MS = 3_600_000;

  JsonObject toJson() {
    JsonObject json = options.writeTo(outgoing.writeTo(new JsonObject()
        .put(FetchMessages.ID, id)
        .put(FetchMessages.INDEX, index)
        .put(FetchMessages.URL, url)
        .put(FetchMessages.DEADLINE_MS, deadlineMs)
        .put(FetchMessages.QUEUED_MS, queuedMs)
        .put(HOST_BOUND, hostBound)));
    if (resume != null) {
      json.put(Resume.FIELD, resume.toJson());
    }
    return json;
  }

  /** @throws io.tandem.bus.BusException 400 naming the field that is wrong */
  static UrlJob read(Object body, FetcherSettings settings) {
    RequestReader reader = RequestReader.of(body);
    UrlJob job = new UrlJob(
        reader.required(FetchMessages.ID),
        reader.integer(FetchMessages.INDEX, -1, 0, Integer.MAX_VALUE),
        reader.required(FetchMessages.URL),
        Outgoing.readJob(reader, settings.maxRequestBodyBytes()),
        UrlOptions.read(reader, settings, true),
        reader.integer(FetchMessages.DEADLINE_MS, settings.deadlineMs(), 1, HOUR_MS),
        reader.integer(FetchMessages.QUEUED_MS, 0, 0, HOUR_MS),
        reader.bool(HOST_BOUND, false),
        Resume.read(reader, settings.maxRedirects()));
    reader.finish();
    if (job.index < 0) {
      throw BusException.badRequest(FetchMessages.INDEX + " is required");
    }
    return job;
  }
}
