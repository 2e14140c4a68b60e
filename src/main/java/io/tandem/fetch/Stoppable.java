package io.tandem.fetch;

import io.tandem.bus.FetchMessages.Kind;

/** A batch or chain that can be ended early: its unfinished URLs end with {@code kind}. */
interface Stoppable {
  void stop(Kind kind, String message);
}
