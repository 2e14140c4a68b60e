package io.tandem.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Records Vert.x's blocked-thread warnings so that {@link FailOnBlockedEventLoop} can fail the
 * test: those whose stack {@link BlockedStacks} counts, and any that comes without a stack.
 */
public final class BlockedThreadRecorder extends AppenderBase<ILoggingEvent> {

  private static final int FRAMES_SHOWN = 25;
  private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    IThrowableProxy stack = event.getThrowableProxy();
    if (stack == null) {
      WARNINGS.add(event.getFormattedMessage());
      return;
    }
    List<StackTraceElement> frames = Arrays.stream(stack.getStackTraceElementProxyArray())
        .map(StackTraceElementProxy::getStackTraceElement).toList();
    if (BlockedStacks.counts(frames.stream().map(frame -> new BlockedStacks.Frame(frame.getClassName(), frame.getMethodName())).toList())) {
      // the stack goes into the failure: a CI log keeps only its tail, where the failure is
      WARNINGS.add(event.getFormattedMessage() + frames.stream().limit(FRAMES_SHOWN).map(frame -> "\n\tat " + frame)
          .collect(Collectors.joining()));
    }
  }

  /** The warnings recorded since the last call, which clears them. */
  static List<String> drain() {
    List<String> seen = List.copyOf(WARNINGS);
    WARNINGS.removeAll(seen);
    return seen;
  }
}
