package io.tandem;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import io.tandem.bridge.StockBridgeLogLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the service's logging is: the fat jar's text lines are checked by TandemJarIT. */
class LogSetupTest {

  private final LoggerContext context = new LoggerContext();

  @AfterEach
  void stop() {
    context.stop();
  }

  @Test
  void logbackFindsItThroughItsServiceFile() {
    assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(found -> found.type() == LogSetup.class));
  }

  @Test
  void everyLineGoesToTheConsoleAsAPatternAtInfoAndTheChattyLibrariesSayLess() {
    LogSetup.apply(context);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class, root.getAppender(LogFormat.CONSOLE));
    assertTrue(console.isStarted());
    assertEquals("System.out", console.getTarget());
    assertEquals(LogSetup.PATTERN, assertInstanceOf(PatternLayoutEncoder.class, console.getEncoder()).getPattern());
    assertEquals(Level.WARN, context.getLogger("io.netty").getLevel());
    assertEquals(Level.WARN, context.getLogger("com.hazelcast").getLevel());
    assertEquals(Level.ERROR, context.getLogger("com.hazelcast.cp.CPSubsystem").getLevel());
    assertEquals(Level.ERROR, context.getLogger("io.micrometer.core.instrument.MeterRegistry").getLevel());
    assertEquals(Level.OFF, context.getLogger("io.vertx.launcher.application.VertxApplication").getLevel());
    assertTrue(context.getTurboFilterList().stream().anyMatch(StockBridgeLogLimit.class::isInstance), context.getTurboFilterList().toString());
  }

  @Test
  void accessLinesGoThroughAQueueThatDropsRatherThanBlocks() {
    LogSetup.apply(context);
    Logger access = context.getLogger(LogSetup.ACCESS_LOGGER);
    assertFalse(access.isAdditive(), "an access line is written once, by the queue's thread");
    Appender<ILoggingEvent> appender = access.iteratorForAppenders().next();
    AsyncAppender queue = assertInstanceOf(AsyncAppender.class, appender);
    assertTrue(queue.isStarted());
    assertTrue(queue.isNeverBlock());
    assertEquals(8192, queue.getQueueSize());
    assertEquals(0, queue.getDiscardingThreshold());
    assertTrue(queue.isAttached(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogFormat.CONSOLE)));
  }

  @Test
  void aConfigurationFileOfTheUsersOwnWins() {
    String before = System.getProperty("logback.configurationFile");
    System.setProperty("logback.configurationFile", "mine.xml");
    try {
      assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new LogSetup().configure(context));
      assertFalse(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
    } finally {
      if (before == null) {
        System.clearProperty("logback.configurationFile");
      } else {
        System.setProperty("logback.configurationFile", before);
      }
    }
  }
}
