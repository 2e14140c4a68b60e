package io.tandem;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import io.tandem.config.LoggingSettings;
import io.tandem.tracing.TraceIdsInLogs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code logging.format} applied to logback as {@link LogSetup} set it up: for {@code json}, the
 * {@value #CONSOLE} appender, which every line goes through (the access log's too, after its
 * queue), writes with logback's own JSON encoder: one object per line with the time, level,
 * thread, logger, the formatted message, the line's key-value pairs ({@code kvpList}: the
 * access log's method, path, status...) and a throwable when there is one. Clustered, the
 * logback context goes in each line too, with this node's id as its property {@value #NODE}
 * once the node has joined. With tracing on, a line written while a span is current has its
 * {@code traceId} and {@code spanId} ({@link TraceIdsInLogs}), in the MDC the encoder writes.
 */
final class LogFormat {

  static final String CONSOLE = "CONSOLE";
  static final String NODE = "node";
  /** The loggers {@code logging.level} sets: Tandem's own, not its libraries'. */
  private static final String TANDEM = "io.tandem";

  private LogFormat() {
  }

  /**
   * Before anything else logs, or as soon after as can be.
   *
   * @param traced whether spans are recorded: then each JSON line written under one carries its ids
   */
  static void use(LoggingSettings settings, boolean clustered, boolean traced) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.getLogger(TANDEM).setLevel(Level.toLevel(settings.level()));
    if (!settings.json()) {
      return;
    }
    if (traced) {
      // the text pattern shows no MDC: the ids would be put there for nothing
      context.addTurboFilter(new TraceIdsInLogs());
    }
    Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(CONSOLE);
    if (!(appender instanceof ConsoleAppender<ILoggingEvent> console)) {
      // a logback configuration of the user's own (-Dlogback.configurationFile): it decides
      System.err.println("logging.format json: the logback configuration has no " + CONSOLE + " appender; lines are written as it says");
      return;
    }
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithMessage(false); // the formatted message instead: what the text format shows
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    json.setWithContext(clustered);
    json.start();
    console.stop();
    console.setEncoder(json);
    console.start();
  }

  /** This node's id, in every line from now on (with {@code -cluster} and the JSON format). */
  static void node(String id) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.putProperty(NODE, id);
    }
  }
}
