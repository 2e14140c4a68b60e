package io.tandem.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records Vert.x's blocked-thread warnings so that {@link FailOnBlockedEventLoop} can fail the test. */
public final class BlockedThreadRecorder extends AppenderBase<ILoggingEvent> {

  private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    WARNINGS.add(event.getFormattedMessage());
  }

  /** The warnings recorded since the last call, which clears them. */
  static List<String> drain() {
    List<String> seen = List.copyOf(WARNINGS);
    WARNINGS.removeAll(seen);
    return seen;
  }
}
