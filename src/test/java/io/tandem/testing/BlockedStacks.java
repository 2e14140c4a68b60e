package io.tandem.testing;

import java.util.List;

/**
 * Which of Vert.x's blocked-thread warnings count as Tandem blocking an event loop, judged from
 * the blocked thread's stack (captured while it is still blocked, innermost frame first). Only
 * stacks that run through Tandem's code count, and of those only what the thread was doing above
 * (inside) Tandem's innermost frame is looked at. Not counted there: the JVM's own first-use work
 * (loading, linking or initialising a class: in a cold JVM on a loaded 2-core machine the first
 * deployment spends a couple of hundred milliseconds on it, seen in CI and reproduced under
 * {@code taskset -c 0,1} with two busy loops), Netty starting an event loop's thread, and Vert.x's
 * own bind; nor, while a verticle starts, CPU work that a starved machine makes slow. Those are the
 * JVM warming up and deployment, not a blocking call Tandem made; a blocking call in Tandem's code
 * (at start-up too), or in a static initializer of Tandem's, still counts.
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
    int tandem = innermostTandemFrame(stack);
    if (tandem < 0) {
      return false;
    }
    List<Frame> inside = stack.subList(0, tandem);
    if (jvmWarmingUp(inside) || startingAnEventLoopThread(stack) || insideVertxBind(inside)) {
      return false;
    }
    return !deploying(stack) || waiting(stack.get(0));
  }

  /**
   * A verticle's {@code start} runs on its event loop once, and building a router or a bridge there
   * is plain CPU work that a cold JVM on a starved machine may take 200 ms over (seen: SockJS
   * building its handler, in String.replace). There, only a thread caught waiting counts.
   */
  private static boolean deploying(List<Frame> stack) {
    return stack.stream().anyMatch(frame -> frame.className().equals("io.vertx.core.VerticleBase")
        && frame.methodName().equals("deploy"));
  }

  /** Caught in a call that waits: sleeping, parking, on a monitor, or in file or socket I/O. */
  private static boolean waiting(Frame innermost) {
    String name = innermost.className();
    String method = innermost.methodName();
    return name.equals("java.lang.Thread") && method.startsWith("sleep")
        || name.equals("jdk.internal.misc.Unsafe") && method.equals("park")
        || name.equals("java.lang.Object") && method.startsWith("wait")
        || name.startsWith("java.io.") || name.startsWith("java.nio.") || name.startsWith("sun.nio.")
        || name.startsWith("java.net.") || name.startsWith("sun.net.");
  }

  private static int innermostTandemFrame(List<Frame> stack) {
    for (int i = 0; i < stack.size(); i++) {
      if (stack.get(i).className().startsWith("io.tandem.")) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The thread was caught loading, linking or initialising (running a {@code <clinit>} of) a class
   * that Tandem's code used for the first time, at any depth inside that code. Reading a resource
   * through {@code Class} is file I/O, not linking, and still counts.
   */
  private static boolean jvmWarmingUp(List<Frame> inside) {
    return inside.stream().anyMatch(frame -> {
      String name = frame.className();
      return name.startsWith("java.lang.invoke.") || name.startsWith("jdk.internal.loader.")
          || name.equals("java.lang.ClassLoader") || name.equals("java.lang.Class") && !frame.methodName().startsWith("getResource")
          || frame.methodName().equals("<clinit>");
    });
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
   * The thread was caught inside {@code NetServerImpl.bind}: Vert.x binds a server on the event
   * loop under one lock for all servers of an instance, so one server's first bind (Netty building
   * its first channel, first use of its classes) holds the others waiting. That is deployment, in
   * Vert.x's code, never a request being served.
   */
  private static boolean insideVertxBind(List<Frame> inside) {
    return inside.stream().anyMatch(frame -> frame.className().equals("io.vertx.core.net.impl.NetServerImpl")
        && frame.methodName().equals("bind"));
  }
}
