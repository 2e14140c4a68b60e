package io.tandem.tracing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * {@value #TRACE_ID} and {@value #SPAN_ID} in every line written while a span is current, on
 * whatever thread: an event loop, a worker of {@code executeBlocking}, a callback. The trace
 * lives in the Vert.x context, not in the thread's MDC, so each enabled line first copies the
 * current span's ids into the MDC (or clears them) on the thread that writes it; the JSON encoder
 * and the access log's queue read the MDC as the line is made.
 */
public final class TraceIdsInLogs extends TurboFilter {

  public static final String TRACE_ID = "traceId";
  public static final String SPAN_ID = "spanId";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // not logger.isEnabledFor: it asks the turbo filters, this one among them
    if (level != null && level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      SpanContext span = Span.current().getSpanContext();
      if (span.isValid()) {
        MDC.put(TRACE_ID, span.getTraceId());
        MDC.put(SPAN_ID, span.getSpanId());
      } else if (MDC.get(TRACE_ID) != null) {
        MDC.remove(TRACE_ID);
        MDC.remove(SPAN_ID);
      }
    }
    return FilterReply.NEUTRAL;
  }
}
