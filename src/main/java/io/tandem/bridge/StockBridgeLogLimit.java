package io.tandem.bridge;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.tandem.net.LogLimit;
import org.slf4j.Marker;


/**
 * At most one line a second from Vert.x Web's SockJS bridge (installed by {@code io.tandem.LogSetup}). It logs
 * some bad frames at ERROR every time they come — a frame with an unknown type, a reply address
 * over 36 characters — so any browser could fill the log; its rarer lines (a socket's error, a
 * registration that failed) are worth keeping, so they are limited, not silenced. Its
 * {@value #SOCKET_EXCEPTION} line, logged at ERROR with a stack trace whenever a client's
 * connection closes under it, is dropped: a client going away is not an error, and the bridge's
 * hook logs it at debug. Vert.x's bus consumer's warnings, which bridge clients leaving cause
 * (see {@link #CONSUMER_LOGGER}), are held to a line a second too.
 */
public final class StockBridgeLogLimit extends TurboFilter {

  static final String STOCK_BRIDGE_LOGGER = "io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl";
  /**
   * Vert.x's bus consumer: it warns of each message that reaches a consumer being unregistered,
   * and the bridges unregister a client's consumers when it leaves, with its messages still on the
   * way — a line per message, as often as clients come and go.
   */
  static final String CONSUMER_LOGGER = "io.vertx.core.eventbus.impl.MessageConsumerImpl";
  static final String SOCKET_EXCEPTION = "SockJSSocket exception";
  private final LogLimit limit = new LogLimit();
  private final LogLimit consumerLimit = new LogLimit();

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // format is null when a caller only asks whether a level is enabled: that costs no line
    if (format == null || !level.isGreaterOrEqual(Level.WARN)) {
      return FilterReply.NEUTRAL;
    }
    if (CONSUMER_LOGGER.equals(logger.getName())) {
      return consumerLimit.allows() ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
    if (!STOCK_BRIDGE_LOGGER.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    if (format.equals(SOCKET_EXCEPTION)) {
      return FilterReply.DENY;
    }
    return limit.allows() ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
