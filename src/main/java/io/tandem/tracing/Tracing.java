package io.tandem.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.tandem.config.TracingSettings;
import io.vertx.core.VertxBuilder;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The {@code tracing} section made real: Vert.x's own spans (the HTTP server's, the bus's, the
 * fetcher's HTTP client's) through vertx-opentelemetry and the OpenTelemetry SDK, batched and
 * posted over OTLP/HTTP by the JDK's HTTP client on the SDK's own thread, never an event loop.
 *
 * <p>A W3C {@code traceparent} on a request continues its trace, and the bus carries it to the
 * consumer, on this node or another; a malformed one is ignored (a new trace starts). Spans of
 * {@link ProbeSampler probes and scrapes} are not kept, {@link QueryRedaction URLs lose their
 * query}. Without an endpoint there is no tracer at all: Vert.x skips every tracing call.
 */
public final class Tracing {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_INSTANCE = AttributeKey.stringKey("service.instance.id");
  /** A collector that does not answer must not hold the batch thread, nor the shutdown, for long. */
  private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(5);
  /** How long a finished span waits for its batch: short enough to follow a request as it happens. */
  private static final Duration SCHEDULE_DELAY = Duration.ofSeconds(1);

  private final TracingSettings settings;
  private final SdkTracerProvider provider;
  private final OpenTelemetrySdk sdk;

  private Tracing(TracingSettings settings, String probePath) {
    this.settings = settings;
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(settings.tracesUrl())
        .setTimeout(EXPORT_TIMEOUT)
        .build();
    provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(SERVICE_NAME, settings.serviceName(),
            SERVICE_INSTANCE, UUID.randomUUID().toString())))
        .setSampler(sampler(settings.sampleRatio(), probePath))
        .addSpanProcessor(new QueryRedaction())
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(SCHEDULE_DELAY)
            .setExporterTimeout(EXPORT_TIMEOUT).build())
        .build();
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(provider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /**
   * New traces by the ratio (probes and scrapes never); a span whose parent is in this process
   * as its parent was. A parent from outside — a caller's {@code traceparent}, or another node's
   * over the bus — is continued, but its "sampled" flag does not force the span to be kept: any
   * client could set it on every request and have all of them recorded and exported, whatever
   * {@code sampleRatio} says. The ratio decides by trace id, so every node decides alike and a
   * trace kept is kept whole; a caller's "not sampled" is respected.
   */
  static Sampler sampler(double ratio, String probePath) {
    Sampler root = new ProbeSampler(Sampler.traceIdRatioBased(ratio), probePath);
    return Sampler.parentBasedBuilder(root).setRemoteParentSampled(root).build();
  }

  /**
   * @param metricsPath the scrape's path, whose requests are not traced like {@code /health}'s
   * @return null when the section names no endpoint
   */
  public static Tracing of(TracingSettings settings, String metricsPath) {
    if (!settings.enabled()) {
      return null;
    }
    ExporterLogs.toSlf4j();
    return new Tracing(settings, metricsPath);
  }

  /** The builder with a tracer that records Vert.x's spans into this SDK. */
  public VertxBuilder install(VertxBuilder builder) {
    OpenTelemetryTracingFactory spans = new OpenTelemetryTracingFactory(sdk);
    boolean toOrigins = settings.propagateToOrigins();
    return builder.withTracer(options -> toOrigins ? spans.tracer(options) : new PrivateOrigins(spans.tracer(options)));
  }

  /** The start-up line's account of it: where spans go and what leaves for origins. */
  public String describe() {
    return "tracing to " + settings.tracesUrl() + " as " + settings.serviceName() + " (sample ratio " + settings.sampleRatio()
        + ", traceparent to origins " + (settings.propagateToOrigins() ? "on" : "off") + ")";
  }

  /** Sends what is left and stops; waits at most the export timeout. Blocking: never on an event loop. */
  public void close() {
    provider.shutdown().join(EXPORT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
