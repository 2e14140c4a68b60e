package io.tandem.fetch;

import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a URL of a polite batch goes on after a redirect to another host: a redirect counts
 * against its target ({@link PerHost}), and only the batch's coordinator knows whether that host
 * has room, so the fetching instance hands the URL back {@link #FIELD moved} instead of following
 * it, and the coordinator queues it at the target's host and sends it again to go on from there.
 *
 * @param at        the URL to go on from (the redirect's target)
 * @param redirects the redirects so far, {@code at} last: they count toward fetcher.maxRedirects
 * @param spentMs   the URL's time so far: its timeoutMs and elapsedMs go on counting from there
 * @param connectMs its time obtaining connections so far (its timings' connectMs)
 */
record Resume(String at, List<String> redirects, long spentMs, long connectMs) {

  /** In a fetching instance's answer: not a result, the URL's way on (with the request it sends there). */
  static final String FIELD = "moved";
  private static final String AT = "at";
  private static final String SPENT_MS = "spentMs";
  private static final String CONNECT_MS = "connectMs";
  private static final int HOUR_MS = 3_600_000;

  static boolean isMove(JsonObject answer) {
    return answer.containsKey(FIELD);
  }

  /** The answer that hands a URL back to its coordinator. */
  static JsonObject move(int index, String url, Resume resume, Outgoing outgoing) {
    return new JsonObject().put(FetchMessages.INDEX, index).put(FetchMessages.URL, url)
        .put(FIELD, outgoing.writeTo(resume.toJson()));
  }

  JsonObject toJson() {
    return new JsonObject().put(AT, at).put(FetchMessages.REDIRECTS, new JsonArray(new ArrayList<>(redirects))).put(SPENT_MS, spentMs).put(CONNECT_MS, connectMs);
  }

  /** A URL job's, or a moved answer's: checked, as every bus message is. */
  static Resume read(RequestReader outer, int maxRedirects) {
    JsonObject given = outer.object(FIELD);
    if (given == null) {
      return null;
    }
    RequestReader reader = RequestReader.nested(given, FIELD);
    List<Object> redirects = reader.items(FetchMessages.REDIRECTS, 1, maxRedirects);
    List<String> urls = new ArrayList<>(redirects.size());
    for (Object redirect : redirects) {
      if (!(redirect instanceof String url)) {
        throw BusException.badRequest(reader.name(FetchMessages.REDIRECTS) + " must list URLs");
      }
      urls.add(url);
    }
    return new Resume(reader.required(AT), List.copyOf(urls), reader.integer(SPENT_MS, 0, 0, HOUR_MS),
        reader.integer(CONNECT_MS, 0, 0, HOUR_MS));
  }

  /** What the moved answer asks to send there. */
  static Outgoing outgoing(JsonObject answer, int maxBodyBytes) {
    return Outgoing.readJob(RequestReader.nested(answer.getJsonObject(FIELD), FIELD), maxBodyBytes);
  }
}
