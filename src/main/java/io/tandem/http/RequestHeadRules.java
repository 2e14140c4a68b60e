package io.tandem.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which request heads {@link RequestGuard} refuses before Vert.x routes them, and with what answer. */
final class RequestHeadRules {

  private RequestHeadRules() {
  }

  /**
   * Why this head must not be served, or null.
   *
   * @param lengthAndChunked      the head had {@code Content-Length} and chunked together (Netty has dropped the former)
   * @param transferEncodingNamed the head has a header named {@code Transfer-Encoding}, in any case (seen as it was parsed)
   * @param probesOnly            the connection is past the descriptor budget
   */
  static RequestGuard.Refusal refusal(HttpRequest request, boolean lengthAndChunked, boolean transferEncodingNamed,
                                      boolean probesOnly) {
    HttpVersion version = request.protocolVersion();
    // the decoder hands out its constants for these two: identity first, every request asks
    if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0
        && !HttpVersion.HTTP_1_1.equals(version) && !HttpVersion.HTTP_1_0.equals(version)) {
      // an HTTP/2 preface among them: h2c is off
      return new RequestGuard.Refusal(505, "only HTTP/1.1 and HTTP/1.0 are served, not " + version);
    }
    if (lengthAndChunked) {
      return new RequestGuard.Refusal(400, "Content-Length and Transfer-Encoding together: the body's length is ambiguous");
    }
    // only a head that names it is looked up: in a profile of GET / at 256 keep-alive connections
    // the lookup on every request took 0.7 % of the event loop, and getAll builds two lists
    if (transferEncodingNamed && request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
        && !endsInChunkedOnce(request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING))) {
      return new RequestGuard.Refusal(400, "Transfer-Encoding must end in chunked, applied once");
    }
    if (probesOnly && !isProbe(request.uri())) {
      return new RequestGuard.Refusal(503, "at the connection limit: only /health and /ready are answered");
    }
    return null;
  }

  private static boolean endsInChunkedOnce(List<String> values) {
    List<String> codings = new ArrayList<>();
    for (String value : values) {
      for (String coding : value.split(",")) {
        codings.add(coding.strip().toLowerCase(Locale.ROOT));
      }
    }
    return codings.get(codings.size() - 1).equals("chunked") && codings.indexOf("chunked") == codings.size() - 1;
  }

  private static boolean isProbe(String uri) {
    String path = uri.indexOf('?') >= 0 ? uri.substring(0, uri.indexOf('?')) : uri;
    return path.equals("/health") || path.equals("/ready");
  }
}
