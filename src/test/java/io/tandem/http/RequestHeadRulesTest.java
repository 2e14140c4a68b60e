package io.tandem.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RequestHeadRulesTest {

  private static HttpRequest post(String uri, String... transferEncodings) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
    for (String coding : transferEncodings) {
      request.headers().add("Transfer-Encoding", coding);
    }
    return request;
  }

  private static Integer status(HttpRequest request, boolean lengthAndChunked, boolean probesOnly) {
    boolean named = request.headers().contains("Transfer-Encoding");
    RequestGuard.Refusal refusal = RequestHeadRules.refusal(request, lengthAndChunked, named, probesOnly);
    return refusal == null ? null : refusal.status;
  }

  @Test
  void servesAPlainRequestAndOneEndingInChunked() {
    assertNull(status(post("/echo"), false, false));
    assertNull(status(post("/echo", "gzip, Chunked"), false, false));
    assertNull(status(post("/echo", "gzip", "chunked"), false, false));
  }

  @Test
  void refusesContentLengthWithChunkedAndCodingsThatDoNotEndInChunkedOnce() {
    assertEquals(400, status(post("/echo", "chunked"), true, false));
    assertEquals(400, status(post("/echo", "chunked, gzip"), false, false));
    assertEquals(400, status(post("/echo", "chunked", "chunked"), false, false));
    assertEquals(400, status(post("/echo", ""), false, false));
    assertEquals(400, status(post("/echo", "xchunked"), false, false));
  }

  @Test
  void aProbeOnlyConnectionIsServedHealthAndReadyAlone() {
    assertNull(status(post("/health"), false, true));
    assertNull(status(post("/ready?full=1"), false, true));
    assertEquals(503, status(post("/health/../echo"), false, true));
    assertEquals(503, status(post("http://x/echo"), false, true));
  }

  @Test
  void refusesVersionsOtherThanHttp1() {
    HttpRequest preface = new DefaultHttpRequest(HttpVersion.valueOf("HTTP/2.0"), HttpMethod.valueOf("PRI"), "*");
    assertEquals(505, status(preface, false, false));
  }
}
