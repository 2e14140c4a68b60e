package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.config.FetcherSettings;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A batch's URLs waiting for their hosts ({@link PerHost}): which one may start now, and when
 * the next will be allowed to. Hosts take turns, so one slow host never holds back the others;
 * each host's own URLs go in input order. A host is in at most one place: ready (it may start a
 * URL now), timed (its delay has not passed) or neither (at its concurrency, or nothing left).
 * Confined to the batch's event loop; a step costs O(log hosts), an adaptive slowdown O(hosts).
 */
final class HostQueue {

  /** Where adaptive politeness starts doubling from, for a host with no delay of its own. */
  static final long FIRST_BACKOFF_MS = 100;
  /** 2xx answers in a row that halve an adaptive host's delay. */
  static final int CALM_AFTER = 10;

  private final PerHost rules;
  private final Map<String, Host> byKey = new HashMap<>();
  private final Map<Integer, Host> byIndex = new HashMap<>();
  private final ArrayDeque<Host> ready = new ArrayDeque<>();
  private final PriorityQueue<Host> timed = new PriorityQueue<>((a, b) -> Long.compare(a.nextStart, b.nextStart));
  private final ArrayDeque<Integer> hostless = new ArrayDeque<>();

  /** @param urls the batch's URLs, by index */
  HostQueue(PerHost rules, List<String> urls) {
    this.rules = rules;
    Map<String, Host> inOrder = new LinkedHashMap<>();
    for (int index = 0; index < urls.size(); index++) {
      String key = Urls.hostKey(urls.get(index));
      if (key == null) {
        hostless.add(index); // fails at once where it is fetched: nothing to be polite to
        continue;
      }
      int at = index;
      Host host = inOrder.computeIfAbsent(key, k -> new Host(rules.delayMs()));
      host.pending.add(at);
      byIndex.put(at, host);
    }
    byKey.putAll(inOrder);
    inOrder.values().forEach(host -> place(host, 0));
  }

  /**
   * A started URL that a redirect sent to another host ({@link Resume}): its old host's slot is
   * free ({@link #done} said so), and it waits at the front of its new host's URLs.
   *
   * @param key its new host's key, or null when the redirect's target is no valid URL
   */
  void moved(int index, String key, long nowMs) {
    if (key == null) {
      hostless.addFirst(index);
      return;
    }
    Host host = byKey.computeIfAbsent(key, k -> new Host(rules.delayMs()));
    host.pending.addFirst(index);
    byIndex.put(index, host);
    if (host.where == Place.NONE) {
      place(host, nowMs);
    }
  }

  /** The index of a URL that may start now (and counts as started), or -1. */
  int take(long nowMs) {
    if (!hostless.isEmpty()) {
      return hostless.poll();
    }
    while (!timed.isEmpty() && timed.peek().nextStart <= nowMs) {
      Host due = timed.poll();
      due.where = Place.READY;
      ready.add(due);
    }
    Host host;
    while ((host = ready.poll()) != null && host.nextStart > nowMs) {
      // pushed back by an adaptive slowdown while it waited its turn
      host.where = Place.TIMED;
      timed.add(host);
    }
    if (host == null) {
      return -1;
    }
    host.where = Place.NONE;
    int index = host.pending.poll();
    host.active++;
    host.nextStart = nowMs + host.delayMs;
    place(host, nowMs);
    return index;
  }

  /** When a URL held back by a delay may start, or -1 when none is (all wait for answers, or none is left). */
  long nextStartMs() {
    return timed.isEmpty() ? -1 : timed.peek().nextStart;
  }

  /** A started URL ended: its host's slot is free, and an adaptive host learns from the answer. */
  void done(int index, JsonObject result, long nowMs) {
    Host host = byIndex.remove(index);
    if (host == null) {
      return;
    }
    host.active--;
    if (rules.adaptive()) {
      learn(host, result, nowMs);
    }
    if (host.where == Place.NONE) {
      place(host, nowMs);
    }
  }

  private void learn(Host host, JsonObject result, long nowMs) {
    // an answer from another node is read with care: a wrong type is no status
    int status = result.getValue(FetchMessages.STATUS) instanceof Integer code ? code : 0;
    if (status == 429 || status == 503) {
      long doubled = Math.max(FIRST_BACKOFF_MS, host.delayMs * 2);
      Long told = result.getValue(FetchMessages.RETRY_AFTER_MS) instanceof Number ms ? ms.longValue() : null;
      host.delayMs = Math.min(FetcherSettings.MAX_PER_HOST_DELAY_MS, told != null ? Math.max(doubled, told) : doubled);
      // a timed host is ordered by its time: out while it changes (rare: a 429 or 503 only)
      boolean wasTimed = host.where == Place.TIMED && timed.remove(host);
      host.nextStart = Math.max(host.nextStart, nowMs + host.delayMs);
      if (wasTimed) {
        timed.add(host);
      }
      host.calm = 0;
    } else if (status < 200 || status >= 300) {
      host.calm = 0; // ten 2xx in a row, not ten in all
    } else if (host.delayMs > rules.delayMs() && ++host.calm >= CALM_AFTER) {
      host.delayMs = Math.max(rules.delayMs(), host.delayMs / 2);
      host.calm = 0;
    }
  }

  /** Puts a host that is in neither queue where it belongs now: ready, timed, or still neither. */
  private void place(Host host, long nowMs) {
    if (host.pending.isEmpty() || rules.concurrency() > 0 && host.active >= rules.concurrency()) {
      return;
    }
    if (host.nextStart > nowMs) {
      host.where = Place.TIMED;
      timed.add(host);
    } else {
      host.where = Place.READY;
      ready.add(host);
    }
  }

  private enum Place { NONE, READY, TIMED }

  /** One host of the batch: its waiting URLs, how many are out, when the next may start. */
  private static final class Host {
    final ArrayDeque<Integer> pending = new ArrayDeque<>();
    long delayMs;
    long nextStart;
    int active;
    int calm;
    Place where = Place.NONE;

    Host(long delayMs) {
      this.delayMs = delayMs;
    }
  }
}
