package io.tandem.tracing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tandem.config.MetricsSettings;
import io.tandem.config.TracingSettings;
import io.tandem.testing.Http;
import io.tandem.testing.LogCapture;
import io.tandem.testing.OtlpReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ids of the span current where a line is written, on whatever thread Vert.x runs the work. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceIdsInLogsTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String LOGGER = "io.tandem.test.traced";

  @Test
  void aLineOnTheEventLoopInExecuteBlockingAndInATimerCarriesItsRequestsTraceAndNoneOutside() throws Exception {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    TraceIdsInLogs filter = new TraceIdsInLogs();
    logback.addTurboFilter(filter);
    Tracing tracing = null;
    Vertx vertx = null;
    try (OtlpReceiver receiver = new OtlpReceiver(); LogCapture capture = new LogCapture(LOGGER)) {
      tracing = Tracing.of(new TracingSettings(receiver.endpoint(), 1.0, false, "test"), MetricsSettings.DEFAULT_PATH);
      Vertx traced = tracing.install(Vertx.builder()).build();
      vertx = traced;
      Logger log = LoggerFactory.getLogger(LOGGER);
      HttpServer server = traced.createHttpServer().requestHandler(request -> {
        log.info("on the event loop");
        traced.executeBlocking(() -> {
          log.info("in executeBlocking");
          return null;
        }).onComplete(done -> traced.setTimer(1, fired -> {
          log.info("in a timer");
          request.response().end("ok");
        }));
      }).listen(0, "127.0.0.1").await();
      Http http = new Http(server.actualPort());
      assertEquals(200, http.send(http.request("/").header("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01").GET().build()).statusCode());

      List<ILoggingEvent> lines = List.of(capture.nextEvent(), capture.nextEvent(), capture.nextEvent());
      assertTrue(lines.stream().anyMatch(line -> line.getThreadName().contains("worker")), "one line from a worker thread");
      for (ILoggingEvent line : lines) {
        assertEquals(TRACE, line.getMDCPropertyMap().get(TraceIdsInLogs.TRACE_ID), line.getFormattedMessage());
        assertEquals(16, line.getMDCPropertyMap().get(TraceIdsInLogs.SPAN_ID).length(), line.getFormattedMessage());
      }
      // outside any request, on an event loop: no ids
      traced.runOnContext(outside -> log.info("outside"));
      ILoggingEvent outside = capture.nextEvent();
      assertEquals("outside", outside.getFormattedMessage());
      assertNull(outside.getMDCPropertyMap().get(TraceIdsInLogs.TRACE_ID));
    } finally {
      logback.getTurboFilterList().remove(filter);
      if (vertx != null) {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
      if (tracing != null) {
        tracing.close();
      }
    }
  }
}
