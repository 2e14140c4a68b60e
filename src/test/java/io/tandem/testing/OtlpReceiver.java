package io.tandem.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A small OTLP/HTTP trace receiver on loopback, the collector a test points Tandem at: it takes
 * {@code POST /v1/traces} in protobuf, the exporter's default, decodes the spans with a reader of
 * the protobuf wire format (only the fields a test looks at) and answers 200 as a collector does.
 */
public final class OtlpReceiver implements AutoCloseable {

  /**
   * One span as the exporter sent it; ids in lower-case hex, {@code parentSpanId} "" for a root;
   * {@code instance} the process's {@code service.instance.id}.
   */
  public record Span(String service, String instance, String traceId, String spanId, String parentSpanId, String name, String kind,
                     Map<String, String> attributes) {

    public String attribute(String key) {
      return attributes.get(key);
    }
  }

  private static final String[] KINDS = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Span> spans = new ArrayList<>();
  private int posts;

  public OtlpReceiver() {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (!request.path().equals("/v1/traces")) {
        request.response().setStatusCode(404).end();
        return;
      }
      List<Span> decoded = decodeRequest(body.getBytes());
      synchronized (this) {
        spans.addAll(decoded);
        posts++;
        notifyAll();
      }
      // an empty ExportTraceServiceResponse: every span accepted
      request.response().putHeader("Content-Type", "application/x-protobuf").end(Buffer.buffer());
    })).listen(0, "127.0.0.1").await();
  }

  /** The base URL to give as {@code tracing.otlpEndpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public synchronized int posts() {
    return posts;
  }

  /** Every span received so far once {@code enough} holds of them, waiting up to {@code seconds}. */
  public synchronized List<Span> await(Predicate<List<Span>> enough, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!enough.test(spans)) {
      long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
      if (left <= 0) {
        throw new AssertionError("the receiver did not get the spans awaited; it has " + spans);
      }
      wait(left);
    }
    return List.copyOf(spans);
  }

  /**
   * The spans of one trace as a tree, one line per span, children indented under their parent:
   * kind, name, the process (by the order its instance first appears) and what it is about.
   */
  public static String tree(List<Span> spans) {
    List<String> instances = spans.stream().map(Span::instance).distinct().toList();
    StringBuilder out = new StringBuilder();
    java.util.Set<String> ids = spans.stream().map(Span::spanId).collect(java.util.stream.Collectors.toSet());
    spans.stream().filter(span -> !ids.contains(span.parentSpanId())).forEach(root -> branch(root, spans, instances, "", out));
    return out.toString();
  }

  private static void branch(Span span, List<Span> spans, List<String> instances, String indent, StringBuilder out) {
    String about = span.attribute("url.full") != null ? span.attribute("url.full")
        : span.attribute("messaging.destination.name") != null ? span.attribute("messaging.destination.name")
        : String.valueOf(span.attribute("url.path"));
    out.append(indent).append(span.kind()).append(' ').append(span.name()).append(' ').append(about)
        .append("  [process ").append(instances.indexOf(span.instance()) + 1).append(", span ").append(span.spanId())
        .append(span.parentSpanId().isEmpty() ? "" : " <- " + span.parentSpanId()).append("]\n");
    spans.stream().filter(child -> child.parentSpanId().equals(span.spanId()))
        .forEach(child -> branch(child, spans, instances, indent + "  ", out));
  }

  public synchronized List<Span> spans() {
    return List.copyOf(spans);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1 }
  static List<Span> decodeRequest(byte[] bytes) {
    List<Span> out = new ArrayList<>();
    Wire request = new Wire(bytes);
    while (request.more()) {
      if (request.field() == 1) {
        resourceSpans(request.message(), out);
      } else {
        request.skip();
      }
    }
    return out;
  }

  // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2 }
  private static void resourceSpans(Wire wire, List<Span> out) {
    Map<String, String> resource = Map.of();
    List<Wire> scopes = new ArrayList<>();
    while (wire.more()) {
      switch (wire.field()) {
        case 1 -> resource = attributes(wire.message(), 1);
        case 2 -> scopes.add(wire.message());
        default -> wire.skip();
      }
    }
    for (Wire scope : scopes) {
      // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2 }
      while (scope.more()) {
        if (scope.field() == 2) {
          out.add(span(resource.get("service.name"), resource.get("service.instance.id"), scope.message()));
        } else {
          scope.skip();
        }
      }
    }
  }

  // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6;
  //        repeated KeyValue attributes = 9 }
  private static Span span(String service, String instance, Wire wire) {
    String traceId = "";
    String spanId = "";
    String parent = "";
    String name = "";
    String kind = KINDS[0];
    Map<String, String> attributes = new LinkedHashMap<>();
    while (wire.more()) {
      switch (wire.field()) {
        case 1 -> traceId = HexFormat.of().formatHex(wire.bytes());
        case 2 -> spanId = HexFormat.of().formatHex(wire.bytes());
        case 4 -> parent = HexFormat.of().formatHex(wire.bytes());
        case 5 -> name = new String(wire.bytes(), StandardCharsets.UTF_8);
        case 6 -> kind = KINDS[(int) wire.varint()];
        case 9 -> attributes.putAll(keyValue(wire.message()));
        default -> wire.skip();
      }
    }
    return new Span(service, instance, traceId, spanId, parent, name, kind, attributes);
  }

  /** The KeyValues at {@code field} of a message. */
  private static Map<String, String> attributes(Wire wire, int field) {
    Map<String, String> attributes = new LinkedHashMap<>();
    while (wire.more()) {
      if (wire.field() == field) {
        attributes.putAll(keyValue(wire.message()));
      } else {
        wire.skip();
      }
    }
    return attributes;
  }

  // KeyValue { string key = 1; AnyValue value = 2 }
  // AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ... }
  private static Map<String, String> keyValue(Wire wire) {
    String key = null;
    String value = null;
    while (wire.more()) {
      switch (wire.field()) {
        case 1 -> key = new String(wire.bytes(), StandardCharsets.UTF_8);
        case 2 -> {
          Wire any = wire.message();
          while (any.more()) {
            switch (any.field()) {
              case 1 -> value = new String(any.bytes(), StandardCharsets.UTF_8);
              case 2 -> value = Boolean.toString(any.varint() != 0);
              case 3 -> value = Long.toString(any.varint());
              case 4 -> value = Double.toString(Double.longBitsToDouble(any.fixed64()));
              default -> any.skip();
            }
          }
        }
        default -> wire.skip();
      }
    }
    return key == null ? Map.of() : Map.of(key, String.valueOf(value));
  }

  /** The protobuf wire format: tags of field number and wire type, varints, fixed and length-delimited values. */
  private static final class Wire {
    private final byte[] bytes;
    private int at;
    private final int end;
    private int type;

    Wire(byte[] bytes) {
      this(bytes, 0, bytes.length);
    }

    private Wire(byte[] bytes, int from, int end) {
      this.bytes = bytes;
      this.at = from;
      this.end = end;
    }

    boolean more() {
      return at < end;
    }

    int field() {
      long tag = varint();
      type = (int) (tag & 7);
      return (int) (tag >>> 3);
    }

    long varint() {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = bytes[at++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
    }

    long fixed64() {
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value |= (long) (bytes[at++] & 0xff) << (8 * i);
      }
      return value;
    }

    byte[] bytes() {
      int length = (int) varint();
      byte[] out = java.util.Arrays.copyOfRange(bytes, at, at + length);
      at += length;
      return out;
    }

    Wire message() {
      int length = (int) varint();
      Wire inner = new Wire(bytes, at, at + length);
      at += length;
      return inner;
    }

    void skip() {
      switch (type) {
        case 0 -> varint();
        case 1 -> at += 8;
        case 2 -> {
          int length = (int) varint(); // read first: "at += varint()" would add to the position before the length
          at += length;
        }
        case 5 -> at += 4;
        default -> throw new IllegalStateException("wire type " + type + " at " + at);
      }
    }
  }
}
