package io.tandem.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records Vert.x's blocked-thread warnings so that {@link FailOnBlockedEventLoop} can fail the
 * test. Only warnings whose stack (captured while the thread is still blocked) runs through
 * Tandem's code count, and not those caught inside the JVM's own first-use work: in a cold test
 * JVM the first bind or first use of some Netty paths links method handles or loads classes for a
 * couple of hundred milliseconds, which is the JVM warming up, not a blocking call; nor those of
 * a server waiting for another's bind.
 */
public final class BlockedThreadRecorder extends AppenderBase<ILoggingEvent> {

  private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    IThrowableProxy stack = event.getThrowableProxy();
    if (stack == null || (throughTandem(stack) && !jvmWarmingUp(stack) && !waitingToBind(stack))) {
      WARNINGS.add(event.getFormattedMessage());
    }
  }

  private static boolean throughTandem(IThrowableProxy stack) {
    for (StackTraceElementProxy frame : stack.getStackTraceElementProxyArray()) {
      if (frame.getStackTraceElement().getClassName().startsWith("io.tandem.")) {
        return true;
      }
    }
    return false;
  }

  /** The blocked thread was caught linking or loading code: the frames above the first non-JDK one say so. */
  private static boolean jvmWarmingUp(IThrowableProxy stack) {
    for (StackTraceElementProxy frame : stack.getStackTraceElementProxyArray()) {
      String name = frame.getStackTraceElement().getClassName();
      if (name.startsWith("java.lang.invoke.") || name.startsWith("jdk.internal.loader.")
          || name.equals("java.lang.ClassLoader") || name.equals("java.lang.Class")) {
        return true;
      }
      if (!name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")) {
        return false;
      }
    }
    return false;
  }

  /**
   * The blocked thread was caught in {@code NetServerImpl.bind}: every server of a Vert.x instance
   * binds under one lock, so while one server's first bind loads its classes the others wait for
   * it. That is deployment, never a request being served.
   */
  private static boolean waitingToBind(IThrowableProxy stack) {
    StackTraceElementProxy[] frames = stack.getStackTraceElementProxyArray();
    return frames.length > 0 && frames[0].getStackTraceElement().getClassName().equals("io.vertx.core.net.impl.NetServerImpl")
        && frames[0].getStackTraceElement().getMethodName().equals("bind");
  }

  /** The warnings recorded since the last call, which clears them. */
  static List<String> drain() {
    List<String> seen = List.copyOf(WARNINGS);
    WARNINGS.removeAll(seen);
    return seen;
  }
}
