package io.tandem.bridge;

import io.vertx.core.Vertx;

/**
 * When a TCP bridge client is read: not past {@code bridge.maxFramesPerSecond} frames in a second
 * (until the next second), nor while it has {@code bridge.maxRequestsInFlight} requests
 * unanswered. A client over either slows down; nothing it sent is lost. Confined to the
 * connection's event loop.
 */
final class ReadPacing {

  private final Vertx vertx;
  private final int maxFramesPerSecond;
  private final int maxRequestsInFlight;
  private final Runnable pause;
  private final Runnable resume;
  private long second;
  private int framesThisSecond;
  private boolean rateLimited;
  private int requestsInFlight;
  private boolean paused;
  private boolean stopped;

  ReadPacing(Vertx vertx, int maxFramesPerSecond, int maxRequestsInFlight, Runnable pause, Runnable resume) {
    this.vertx = vertx;
    this.maxFramesPerSecond = maxFramesPerSecond;
    this.maxRequestsInFlight = maxRequestsInFlight;
    this.pause = pause;
    this.resume = resume;
  }

  /** A frame was read. */
  void frame() {
    long now = System.nanoTime() / 1_000_000_000L;
    if (now != second) {
      second = now;
      framesThisSecond = 0;
    }
    if (++framesThisSecond >= maxFramesPerSecond && !rateLimited) {
      rateLimited = true;
      update();
      long untilNextSecond = Math.max(1, 1000 - (System.nanoTime() / 1_000_000L) % 1000);
      vertx.setTimer(untilNextSecond, next -> {
        rateLimited = false;
        update();
      });
    }
  }

  void requestSent() {
    requestsInFlight++;
    update();
  }

  void answerCame() {
    requestsInFlight--;
    update();
  }

  int requestsInFlight() {
    return requestsInFlight;
  }

  /** Nothing more is read, whatever comes back. */
  void stop() {
    stopped = true;
    pause.run();
  }

  private void update() {
    if (stopped) {
      return;
    }
    boolean shouldPause = rateLimited || requestsInFlight >= maxRequestsInFlight;
    if (shouldPause != paused) {
      paused = shouldPause;
      if (paused) {
        pause.run();
      } else {
        resume.run();
      }
    }
  }
}
