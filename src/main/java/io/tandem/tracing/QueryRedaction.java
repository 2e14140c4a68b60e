package io.tandem.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

import java.util.List;

/**
 * Cuts the query (and fragment) off the URLs Vert.x records on spans, and writes over the query
 * attribute, before any exporter sees
 * them: a query may hold a secret — the SockJS bridge's {@code access_token}, a key in a URL a
 * user fetches — and a trace backend is no place for one, as a log line is not. The path stays
 * ({@code url.path} too), enough to tell requests apart.
 */
final class QueryRedaction implements SpanProcessor {

  /** The HTTP server span's full URL (Vert.x's older name) and the HTTP client span's. */
  private static final List<AttributeKey<String>> URLS = List.of(AttributeKey.stringKey("http.url"), AttributeKey.stringKey("url.full"));
  /** The server span's query on its own. An attribute cannot be taken off a span, only written over. */
  private static final AttributeKey<String> QUERY = AttributeKey.stringKey("url.query");
  static final String REDACTED = "redacted";

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    for (AttributeKey<String> key : URLS) {
      String url = span.getAttribute(key);
      if (url != null) {
        int cut = firstOf(url, '?', '#');
        if (cut >= 0) {
          span.setAttribute(key, url.substring(0, cut));
        }
      }
    }
    if (span.getAttribute(QUERY) != null) {
      span.setAttribute(QUERY, REDACTED);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
  }

  @Override
  public boolean isEndRequired() {
    return false;
  }

  private static int firstOf(String text, char a, char b) {
    int at = text.indexOf(a);
    int other = text.indexOf(b);
    return at < 0 ? other : other < 0 ? at : Math.min(at, other);
  }
}
