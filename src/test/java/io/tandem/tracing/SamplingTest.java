package io.tandem.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which spans {@link Tracing#sampler} keeps: the ratio decides, not a caller. */
class SamplingTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String METRICS = "/metrics";

  private static SamplingDecision decide(double ratio, Context parent, SpanKind kind, String path) {
    Attributes attributes = path == null ? Attributes.empty() : Attributes.of(AttributeKey.stringKey("url.path"), path);
    return Tracing.sampler(ratio, METRICS).shouldSample(parent, TRACE, "GET", kind, attributes, List.of()).getDecision();
  }

  private static Context parent(boolean remote, boolean sampled) {
    TraceFlags flags = sampled ? TraceFlags.getSampled() : TraceFlags.getDefault();
    SpanContext span = remote ? SpanContext.createFromRemoteParent(TRACE, "00f067aa0ba902b7", flags, TraceState.getDefault())
        : SpanContext.create(TRACE, "00f067aa0ba902b7", flags, TraceState.getDefault());
    return Context.root().with(Span.wrap(span));
  }

  @Test
  void newTracesByTheRatioExceptProbesAndTheScrape() {
    assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(1.0, Context.root(), SpanKind.SERVER, "/fetch"));
    assertEquals(SamplingDecision.DROP, decide(0.0, Context.root(), SpanKind.SERVER, "/fetch"));
    for (String probe : new String[] {"/health", "/ready", METRICS}) {
      assertEquals(SamplingDecision.DROP, decide(1.0, Context.root(), SpanKind.SERVER, probe), probe);
    }
    // a server span with no path (not the HTTP server's) is no probe, and no failure
    assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(1.0, Context.root(), SpanKind.SERVER, null));
  }

  @Test
  void aCallersSampledFlagCannotForceATraceToBeKeptItsNotSampledOneIsRespected() {
    assertEquals(SamplingDecision.DROP, decide(0.0, parent(true, true), SpanKind.SERVER, "/fetch"));
    assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(1.0, parent(true, true), SpanKind.SERVER, "/fetch"));
    assertEquals(SamplingDecision.DROP, decide(1.0, parent(true, false), SpanKind.SERVER, "/fetch"));
    assertEquals(SamplingDecision.DROP, decide(1.0, parent(true, true), SpanKind.SERVER, "/health"));
  }

  @Test
  void aSpanWhoseParentIsInThisProcessFollowsIt() {
    assertEquals(SamplingDecision.RECORD_AND_SAMPLE, decide(0.0, parent(false, true), SpanKind.CLIENT, null));
    assertEquals(SamplingDecision.DROP, decide(1.0, parent(false, false), SpanKind.CLIENT, null));
  }
}
