package io.tandem.testing;

import java.util.List;

/**
 * Which of Vert.x's blocked-thread warnings count as Tandem blocking an event loop, judged from
 * the blocked thread's stack (captured while it is still blocked, innermost frame first). Only
 * stacks that run through Tandem's code count, and not those caught inside the JVM's own
 * first-use work: in a cold JVM the first use of some Netty or Vert.x Web paths (a first bind, a
 * first WebSocket) links method handles or loads classes for a couple of hundred milliseconds,
 * which is the JVM warming up, not a blocking call; nor a server waiting for another's bind.
 * The unit tests ({@link BlockedThreadRecorder}) and the fat-jar tests (which read the stacks the
 * process logs) apply the same rule.
 */
public final class BlockedStacks {

  /** One frame of a stack. */
  public record Frame(String className, String methodName) {

    /** A frame from a logged stack line, {@code "\tat java.base/java.lang.Class.forName(Class.java:375)"}. */
    public static Frame parse(String line) {
      String frame = line.strip().substring("at ".length());
      int paren = frame.indexOf('(');
      String qualified = paren < 0 ? frame : frame.substring(0, paren);
      qualified = qualified.substring(qualified.lastIndexOf('/') + 1); // module or class loader prefix
      int dot = qualified.lastIndexOf('.');
      return dot < 0 ? new Frame(qualified, "") : new Frame(qualified.substring(0, dot), qualified.substring(dot + 1));
    }
  }

  private BlockedStacks() {
  }

  public static boolean counts(List<Frame> stack) {
    return throughTandem(stack) && !jvmWarmingUp(stack) && !startingAnEventLoopThread(stack) && !waitingToBind(stack);
  }

  private static boolean throughTandem(List<Frame> stack) {
    return stack.stream().anyMatch(frame -> frame.className().startsWith("io.tandem."));
  }

  /**
   * The blocked thread was caught linking, loading or initialising code (a JDK class's static
   * initializer, {@code <clinit>}, run on first use): the frames above the first non-JDK one say so.
   */
  private static boolean jvmWarmingUp(List<Frame> stack) {
    for (Frame frame : stack) {
      String name = frame.className();
      if (name.startsWith("java.lang.invoke.") || name.startsWith("jdk.internal.loader.")
          || name.equals("java.lang.ClassLoader") || name.equals("java.lang.Class")) {
        return true;
      }
      if (!name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")) {
        return false;
      }
      if (frame.methodName().equals("<clinit>")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The blocked thread was caught in the OS starting a thread for Netty: an event loop's thread is
   * started on the loop's first task (a first bind registers with the acceptor loop), once per
   * loop, inside Vert.x's own listen. Only when the first frame below the JDK's is Netty's
   * thread-per-task executor: Tandem's code starting a thread on an event loop still counts.
   */
  private static boolean startingAnEventLoopThread(List<Frame> stack) {
    boolean threadStart = false;
    for (Frame frame : stack) {
      String name = frame.className();
      if (!name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")) {
        return threadStart && name.equals("io.netty.util.concurrent.ThreadPerTaskExecutor");
      }
      threadStart |= name.equals("java.lang.Thread") && frame.methodName().startsWith("start");
    }
    return false;
  }

  /**
   * The blocked thread was caught in {@code NetServerImpl.bind}: every server of a Vert.x instance
   * binds under one lock, so while one server's first bind loads its classes the others wait for
   * it. That is deployment, never a request being served.
   */
  private static boolean waitingToBind(List<Frame> stack) {
    return !stack.isEmpty() && stack.get(0).className().equals("io.vertx.core.net.impl.NetServerImpl")
        && stack.get(0).methodName().equals("bind");
  }
}
