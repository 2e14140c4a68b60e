package io.tandem.fetch;

import io.tandem.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 to https origins through ALPN ({@code fetcher.http2}), HTTP/1.1 where an origin offers
 * no more, and {@code fetcher.trustCaFile} for an origin whose certificate a private CA signed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchHttp2Test {

  /** An https origin with a certificate of its own, offering {@code versions} through ALPN. */
  static int origin(Vertx vertx, TestCertificates.Pair certificate, List<HttpVersion> versions) throws Exception {
    return vertx.createHttpServer(new HttpServerOptions().setSsl(true).setUseAlpn(true).setAlpnVersions(versions)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certificate.cert().toString()).setKeyPath(certificate.key().toString())))
        .requestHandler(request -> request.response().end("over " + request.version()))
        .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
  }

  @Test
  void anHttpsOriginThatOffersH2IsFetchedOverIt(Vertx vertx, @TempDir Path dir) throws Exception {
    TestCertificates.Pair certificate = TestCertificates.selfSigned(dir, "origin");
    int h2 = origin(vertx, certificate, List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    int http1Only = origin(vertx, certificate, List.of(HttpVersion.HTTP_1_1));
    Origin plain = Origin.start(vertx);
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject().put("trustCaFile", certificate.cert().toString())); // http2: on by default

    JsonObject overH2 = fetcher.fetchOne("https://127.0.0.1:" + h2 + "/", new JsonObject());
    assertTrue(overH2.getBoolean("ok"), overH2.encode());
    assertEquals("h2", overH2.getString("protocol"), overH2.encode());
    assertEquals("over HTTP_2", overH2.getString("body"), "the origin saw HTTP/2");

    JsonObject fallback = fetcher.fetchOne("https://127.0.0.1:" + http1Only + "/", new JsonObject());
    assertEquals("http/1.1", fallback.getString("protocol"), fallback.encode());
    assertEquals("over HTTP_1_1", fallback.getString("body"));

    JsonObject inClear = fetcher.fetchOne(plain.url("/status/200"), new JsonObject());
    assertEquals("http/1.1", inClear.getString("protocol"), "never h2c: " + inClear.encode());
  }

  @Test
  void withHttp2OffEveryOriginGetsHttp11(Vertx vertx, @TempDir Path dir) throws Exception {
    TestCertificates.Pair certificate = TestCertificates.selfSigned(dir, "origin");
    int h2 = origin(vertx, certificate, List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject().put("trustCaFile", certificate.cert().toString()).put("http2", false));
    JsonObject result = fetcher.fetchOne("https://127.0.0.1:" + h2 + "/", new JsonObject());
    assertEquals("http/1.1", result.getString("protocol"), result.encode());
    assertEquals("over HTTP_1_1", result.getString("body"));
  }

  @Test
  void theCaFileIsTrustedBesidesTheJdksAuthoritiesNotInsteadOfThem(Vertx vertx, @TempDir Path dir) throws Exception {
    TestCertificates.Pair certificate = TestCertificates.selfSigned(dir, "private-ca");
    javax.net.ssl.TrustManagerFactory jdk = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((java.security.KeyStore) null);
    int jdkAuthorities = ((javax.net.ssl.X509TrustManager) jdk.getTrustManagers()[0]).getAcceptedIssuers().length;
    javax.net.ssl.X509TrustManager both = (javax.net.ssl.X509TrustManager)
        TrustedAuthorities.jdkAnd(certificate.cert().toString()).getTrustManagerFactory(vertx).getTrustManagers()[0];
    assertTrue(jdkAuthorities > 0, "the JDK has authorities of its own");
    assertEquals(jdkAuthorities + 1, both.getAcceptedIssuers().length);
  }
}
