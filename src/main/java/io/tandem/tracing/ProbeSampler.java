package io.tandem.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

import java.util.List;
import java.util.Set;

/**
 * The root sampler: a load balancer's {@code /health} and {@code /ready} and Prometheus's scrape
 * come every few seconds and say nothing about a request's path through Tandem; kept, they would
 * be most of the traces. Everything else is sampled by the ratio.
 */
final class ProbeSampler implements Sampler {

  /** The path attribute Vert.x's HTTP server span carries before it starts, when samplers decide. */
  private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

  private final Sampler ratio;
  private final Set<String> probes;

  ProbeSampler(Sampler ratio, String metricsPath) {
    this.ratio = ratio;
    this.probes = Set.of("/health", "/ready", metricsPath);
  }

  @Override
  public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes,
                                     List<LinkData> links) {
    String path = attributes.get(URL_PATH);
    if (kind == SpanKind.SERVER && path != null && probes.contains(path)) {
      return SamplingResult.drop();
    }
    return ratio.shouldSample(parent, traceId, name, kind, attributes, links);
  }

  @Override
  public String getDescription() {
    return "ProbeSampler{" + ratio.getDescription() + "}";
  }
}
