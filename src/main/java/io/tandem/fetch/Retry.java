package io.tandem.fetch;

import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.config.FetcherSettings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a URL is fetched again ({@code "retry"} of a batch, defaults {@code fetcher.retry*}): after
 * a failure of a kind in {@code on} ({@code connect}, {@code reset}, {@code timeout}, {@code dns},
 * {@code io}) or an answer with a status in {@code on}, up to {@code attempts} more times, waiting
 * a full-jitter exponential backoff or the answer's {@code Retry-After}, both at most
 * {@code maxBackoffMs}. A method that is not idempotent (POST, PATCH) only with {@code unsafe}.
 * What is never retried: blocked, invalid-url, too-many-redirects, cancelled, deadline.
 *
 * @param attempts   fetches after the first, 0 = none
 */
record Retry(int attempts, Set<String> kinds, Set<Integer> statuses, int backoffMs, int maxBackoffMs, boolean retryAfter,
             boolean unsafe) {

  static final String FIELD = "retry";
  private static final List<String> KINDS = List.of("connect", "reset", "timeout", "dns", "io");
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT,
      HttpMethod.DELETE);
  private static final int HOUR_MS = 3_600_000;

  /** A batch's {@code retry}, over the {@code fetcher.retry*} defaults. */
  static Retry read(RequestReader outer, FetcherSettings settings) {
    JsonObject given = outer.object(FIELD);
    Retry defaults = new Retry(settings.retryAttempts(), kinds(settings.retryOn()), statuses(settings.retryOn()),
        settings.retryBackoffMs(), settings.retryMaxBackoffMs(), settings.retryAfter(), false);
    if (given == null) {
      return defaults;
    }
    RequestReader reader = RequestReader.nested(given, FIELD);
    int attempts = reader.integer("attempts", defaults.attempts, 0, settings.maxRetryAttempts());
    Object on = reader.any("on");
    Set<String> kinds = defaults.kinds;
    Set<Integer> statuses = defaults.statuses;
    if (on != null) {
      if (!(on instanceof JsonArray list)) {
        throw BusException.badRequest("retry.on must be a list of failure kinds and statuses, got " + RequestReader.show(on));
      }
      kinds = new LinkedHashSet<>();
      statuses = new LinkedHashSet<>();
      for (Object item : list) {
        if (item instanceof String kind && KINDS.contains(kind)) {
          kinds.add(kind);
        } else if (item instanceof Integer status && status >= 100 && status <= 599) {
          statuses.add(status);
        } else {
          throw BusException.badRequest("retry.on holds " + RequestReader.show(item) + ": a kind (" + String.join(", ", KINDS)
              + ") or a status 100..599");
        }
      }
    }
    int backoffMs = reader.integer("backoffMs", defaults.backoffMs, 0, HOUR_MS);
    int maxBackoffMs = reader.integer("maxBackoffMs", Math.max(defaults.maxBackoffMs, backoffMs), backoffMs, HOUR_MS);
    Retry retry = new Retry(attempts, Set.copyOf(kinds), Set.copyOf(statuses), backoffMs, maxBackoffMs,
        reader.bool("retryAfter", defaults.retryAfter), reader.bool("unsafe", false));
    reader.finish();
    return retry;
  }

  /** Config entries as read: kinds as they are, statuses as numbers. */
  private static Set<String> kinds(List<String> on) {
    return Set.copyOf(on.stream().filter(KINDS::contains).toList());
  }

  private static Set<Integer> statuses(List<String> on) {
    return Set.copyOf(on.stream().filter(item -> !KINDS.contains(item)).map(Integer::valueOf).toList());
  }

  /** As a URL job carries it. */
  JsonObject toJson() {
    JsonArray on = new JsonArray();
    kinds.forEach(on::add);
    statuses.forEach(on::add);
    return new JsonObject().put("attempts", attempts).put("on", on).put("backoffMs", backoffMs).put("maxBackoffMs", maxBackoffMs)
        .put("retryAfter", retryAfter).put("unsafe", unsafe);
  }

  /**
   * How long to wait before the next fetch of a URL whose fetch number {@code done} ended with
   * {@code result}, or -1 when it is not fetched again.
   *
   * @param retryAfter the answer's {@code Retry-After} header, or null
   */
  long waitBefore(int done, JsonObject result, HttpMethod method, String retryAfter) {
    if (done > attempts || !unsafe && !IDEMPOTENT.contains(method)) {
      return -1;
    }
    JsonObject error = result.getJsonObject(FetchMessages.ERROR);
    Integer status = result.getInteger(FetchMessages.STATUS);
    boolean again = error != null ? kinds.contains(error.getString(FetchMessages.KIND))
        : status != null && !result.getBoolean(FetchMessages.OK) && statuses.contains(status);
    if (!again) {
      return -1;
    }
    long told = this.retryAfter && retryAfter != null ? retryAfterMs(retryAfter) : -1;
    if (told >= 0) {
      return Math.min(told, maxBackoffMs);
    }
    long ceiling = Math.min(maxBackoffMs, (long) backoffMs << Math.min(30, done - 1));
    return ceiling == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1); // full jitter
  }

  /** A {@code Retry-After} (RFC 9110 §10.2.3): seconds, or an HTTP-date; -1 when it is neither. */
  static long retryAfterMs(String value) {
    String text = value.strip();
    try {
      return Math.max(0, Math.min(Long.parseLong(text), HOUR_MS / 1000) * 1000);
    } catch (NumberFormatException notSeconds) {
      try {
        return Math.max(0, Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)).toMillis());
      } catch (DateTimeParseException notADate) {
        return -1;
      }
    }
  }
}
