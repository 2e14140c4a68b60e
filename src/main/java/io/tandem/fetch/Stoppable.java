package io.tandem.fetch;

import io.tandem.bus.FetchMessages.Kind;

/** A batch, chain or URL job that can be ended early: its unfinished URLs end with {@code kind}. */
interface Stoppable {

  void stop(Kind kind, String message);

  /** Ends it because its instance is shutting down and the grace period is over. */
  default void shutDown(String reason) {
    stop(Kind.CANCELLED, reason);
  }
}
