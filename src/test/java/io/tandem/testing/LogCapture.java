package io.tandem.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Captures what one logger writes while a test runs, in order. Close it to detach. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final Level previous;
  private final BlockingQueue<ILoggingEvent> events = new LinkedBlockingQueue<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      // the MDC and the thread as they are now, on the thread that writes the line (an async appender does the same)
      event.prepareForDeferredProcessing();
      events.add(event);
    }
  };

  public LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    previous = logger.getLevel();
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  /** The next event logged, waiting for it if need be. */
  public ILoggingEvent nextEvent() throws InterruptedException {
    ILoggingEvent event = events.poll(10, TimeUnit.SECONDS);
    assertNotNull(event, "nothing was logged to " + logger.getName());
    return event;
  }

  /** The next message logged, formatted. */
  public String next() throws InterruptedException {
    return nextEvent().getFormattedMessage();
  }

  /** Every message logged and not yet taken. */
  public List<String> drain() {
    List<ILoggingEvent> taken = new ArrayList<>();
    events.drainTo(taken);
    return taken.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** Every event logged and not yet taken. */
  public List<ILoggingEvent> drainEvents() {
    List<ILoggingEvent> taken = new ArrayList<>();
    events.drainTo(taken);
    return taken;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previous);
  }
}
