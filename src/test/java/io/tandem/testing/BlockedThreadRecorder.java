package io.tandem.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records Vert.x's blocked-thread warnings so that {@link FailOnBlockedEventLoop} can fail the
 * test: those whose stack {@link BlockedStacks} counts, and any that comes without a stack.
 */
public final class BlockedThreadRecorder extends AppenderBase<ILoggingEvent> {

  private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    IThrowableProxy stack = event.getThrowableProxy();
    if (stack == null || BlockedStacks.counts(Arrays.stream(stack.getStackTraceElementProxyArray())
        .map(frame -> new BlockedStacks.Frame(frame.getStackTraceElement().getClassName(), frame.getStackTraceElement().getMethodName()))
        .toList())) {
      WARNINGS.add(event.getFormattedMessage());
    }
  }

  /** The warnings recorded since the last call, which clears them. */
  static List<String> drain() {
    List<String> seen = List.copyOf(WARNINGS);
    WARNINGS.removeAll(seen);
    return seen;
  }
}
