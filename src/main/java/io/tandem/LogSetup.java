package io.tandem;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.tandem.bridge.StockBridgeLogLimit;

/**
 * Tandem's logging, set up in code: logback finds this class through {@code META-INF/services}
 * before it looks for an XML file. Reading a {@code logback.xml} costs a start a SAX parser and
 * logback's configuration model, about 370 classes and a quarter of a second on one core, for
 * a dozen fixed lines. A configuration of the user's own still wins: with
 * {@code -Dlogback.configurationFile} (or a {@code logback-test.xml} on the class path, as in
 * Tandem's tests) this steps aside and logback reads that file as usual.
 *
 * <p>What it sets: every line goes to the {@value LogFormat#CONSOLE} appender (standard output,
 * or what the {@value Tandem#LOG_TARGET_PROPERTY} property names: the chat client keeps stdout for
 * the conversation), which {@link LogFormat} may give a JSON encoder; INFO for Tandem and the
 * root, less from the libraries that narrate (below); the access log through a queue.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";
  /** The access log's logger: its lines go through {@link #accessQueue}. */
  static final String ACCESS_LOGGER = "io.tandem.http.access";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Tandem's configuration, on a context nothing has configured yet. */
  static void apply(LoggerContext context) {
    // Vert.x Web's SockJS bridge logs some bad frames at ERROR each time: at most a line a second
    StockBridgeLogLimit bridgeLines = new StockBridgeLogLimit();
    bridgeLines.setContext(context);
    bridgeLines.start();
    context.addTurboFilter(bridgeLines);

    ConsoleAppender<ILoggingEvent> console = console(context);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);

    context.getLogger("io.netty").setLevel(Level.WARN);
    // Hazelcast narrates its start at length; Tandem logs the node id and members itself
    context.getLogger("com.hazelcast").setLevel(Level.WARN);
    // warns at every start that its CP data structures are unsafe; Vert.x's cluster-wide locks
    // and counters use them, Tandem does not
    context.getLogger("com.hazelcast.cp.CPSubsystem").setLevel(Level.ERROR);
    // every instance of a verticle registers its bus addresses, and vertx-micrometer-metrics
    // counts them in one gauge per address: Micrometer warns at every start that the second
    // instance's gauge is already there, which is the design, not a fault
    context.getLogger("io.micrometer.core.instrument.MeterRegistry").setLevel(Level.ERROR);
    // Tandem prints launcher failures itself, as one line
    context.getLogger("io.vertx.launcher.application.VertxApplication").setLevel(Level.OFF);

    Logger access = context.getLogger(ACCESS_LOGGER);
    access.setLevel(Level.INFO);
    access.setAdditive(false);
    access.addAppender(accessQueue(context, console));
  }

  private static ConsoleAppender<ILoggingEvent> console(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(LogFormat.CONSOLE);
    console.setTarget(System.getProperty(Tandem.LOG_TARGET_PROPERTY, "System.out"));
    console.setEncoder(encoder);
    console.start();
    return console;
  }

  /**
   * Access lines are queued and written by logback's own thread, never by an event loop; when
   * the writer falls 8192 lines behind, lines are dropped rather than stall an event loop.
   */
  private static AsyncAppender accessQueue(LoggerContext context, ConsoleAppender<ILoggingEvent> console) {
    AsyncAppender queue = new AsyncAppender();
    queue.setContext(context);
    queue.setName("ACCESS");
    queue.setQueueSize(8192);
    queue.setDiscardingThreshold(0);
    queue.setNeverBlock(true);
    queue.addAppender(console);
    queue.start();
    return queue;
  }
}
