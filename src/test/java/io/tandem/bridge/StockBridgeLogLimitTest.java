package io.tandem.bridge;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StockBridgeLogLimitTest {

  private static final Logger STOCK = (Logger) LoggerFactory.getLogger(StockBridgeLogLimit.STOCK_BRIDGE_LOGGER);
  private static final Logger OTHER = (Logger) LoggerFactory.getLogger(SockJsBridge.class);

  @Test
  void letsOneLineOfTheStockBridgeThroughThenDropsTheRestOfThatSecond() {
    StockBridgeLogLimit limit = new StockBridgeLogLimit();
    assertEquals(FilterReply.NEUTRAL, limit.decide(null, STOCK, Level.ERROR, "Invalid type in incoming message: x", null, null));
    for (int i = 0; i < 100; i++) {
      assertEquals(FilterReply.DENY, limit.decide(null, STOCK, Level.ERROR, "Invalid type in incoming message: x", null, null));
    }
    assertEquals(FilterReply.DENY, limit.decide(null, STOCK, Level.WARN, "Cannot register handler for address a", null, null));
  }

  @Test
  void vertxsWarningOfAMessageForAnUnregisteredConsumerIsOneLineASecond() {
    Logger consumer = (Logger) LoggerFactory.getLogger(StockBridgeLogLimit.CONSUMER_LOGGER);
    StockBridgeLogLimit limit = new StockBridgeLogLimit();
    String line = "Discarding message since the consumer is not registered, address: __vertx.reply.1";
    assertEquals(FilterReply.NEUTRAL, limit.decide(null, consumer, Level.WARN, line, null, null));
    for (int i = 0; i < 100; i++) {
      assertEquals(FilterReply.DENY, limit.decide(null, consumer, Level.WARN, line, null, null));
    }
    // its own limit: the bridge's first line of the second still gets through
    assertEquals(FilterReply.NEUTRAL, limit.decide(null, STOCK, Level.ERROR, "Invalid type in incoming message: x", null, null));
  }

  @Test
  void leavesEveryOtherLoggerAndLevelAndLevelChecksAlone() {
    StockBridgeLogLimit limit = new StockBridgeLogLimit();
    limit.decide(null, STOCK, Level.ERROR, "first", null, null);
    assertEquals(FilterReply.NEUTRAL, limit.decide(null, OTHER, Level.WARN, "SockJS bridge client refused", null, null));
    assertEquals(FilterReply.NEUTRAL, limit.decide(null, STOCK, Level.DEBUG, "Received msg from client", null, null));
    assertEquals(FilterReply.NEUTRAL, limit.decide(null, STOCK, Level.ERROR, null, null, null), "isErrorEnabled()");
  }
}
