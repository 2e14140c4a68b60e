package io.tandem.bench;

import io.vertx.core.Vertx;

import java.util.function.IntConsumer;

/**
 * A fixed rate turned into turns for a generator's event loop: every 10 ms, the turns due since
 * the last tick, the fraction carried over. The soak's generators run at a set rate rather than as
 * fast as they can, so that its hours load the server alike from the first minute to the last.
 */
final class Ticker {

  private static final long TICK_MS = 10;

  private final double perNano;
  private long last = System.nanoTime();
  private double owed;

  private Ticker(double perSecond) {
    this.perNano = perSecond / 1e9;
  }

  /** Calls {@code turns} every 10 ms on the caller's event loop with the turns due (possibly 0). */
  static void start(Vertx vertx, double perSecond, IntConsumer turns) {
    Ticker ticker = new Ticker(perSecond);
    vertx.setPeriodic(TICK_MS, tick -> turns.accept(ticker.due()));
  }

  private int due() {
    long now = System.nanoTime();
    // a generator held up (a collection, the machine) makes up at most a second's turns at once
    owed = Math.min(owed + (now - last) * perNano, Math.max(1, perNano * 1e9));
    last = now;
    int turns = (int) owed;
    owed -= turns;
    return turns;
  }
}
