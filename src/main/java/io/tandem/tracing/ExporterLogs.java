package io.tandem.tracing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * The OpenTelemetry SDK reports through java.util.logging, which would write two lines of its own
 * format, stack traces included, to stderr: outside the JSON format, and loud for what is an
 * operator's matter (the collector is down or refuses). Its records go to Tandem's log instead,
 * one line each, the cause's message without its stack; the SDK already throttles repeats.
 */
final class ExporterLogs extends Handler {

  private static final String SDK = "io.opentelemetry";
  /** Held: java.util.logging keeps only weak references to loggers, and would forget the handler. */
  private static final java.util.logging.Logger ROOT = java.util.logging.Logger.getLogger(SDK);
  private static final Logger LOG = LoggerFactory.getLogger("io.tandem.tracing");
  private static final SimpleFormatter MESSAGE = new SimpleFormatter();

  private ExporterLogs() {
  }

  static synchronized void toSlf4j() {
    for (Handler handler : ROOT.getHandlers()) {
      if (handler instanceof ExporterLogs) {
        return;
      }
    }
    ROOT.setUseParentHandlers(false);
    ROOT.setLevel(Level.INFO);
    ROOT.addHandler(new ExporterLogs());
  }

  @Override
  public void publish(LogRecord record) {
    if (record.getLevel().intValue() < Level.INFO.intValue()) {
      return;
    }
    String cause = record.getThrown() == null ? "" : ": " + record.getThrown();
    String line = "OpenTelemetry: " + MESSAGE.formatMessage(record) + cause;
    if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
      LOG.warn(line);
    } else {
      LOG.info(line);
    }
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
  }
}
