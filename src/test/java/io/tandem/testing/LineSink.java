package io.tandem.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A PrintStream whose complete lines a test can wait for, e.g. a program's stdout. */
public final class LineSink extends OutputStream {

  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  public PrintStream printStream() {
    return new PrintStream(this, true, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      lines.add(line.toString(StandardCharsets.UTF_8));
      line.reset();
    } else {
      line.write(b);
    }
  }

  /** The next complete line, waiting up to 10 s for it. */
  public String next() throws InterruptedException {
    String next = lines.poll(10, TimeUnit.SECONDS);
    assertNotNull(next, "no line arrived");
    return next;
  }

  /** Every complete line not yet taken. */
  public List<String> remaining() {
    List<String> rest = new ArrayList<>();
    lines.drainTo(rest);
    return rest;
  }
}
