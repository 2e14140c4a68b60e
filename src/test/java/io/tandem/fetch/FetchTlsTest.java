package io.tandem.fetch;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static io.tandem.fetch.FetchService.kind;
import static io.tandem.fetch.FetchService.urls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** https URLs go over TLS and the server's certificate is verified. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FetchTlsTest {

  @Test
  void anUntrustedCertificateIsAConnectErrorAndNothingIsRead(Vertx vertx) throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    int[] requests = {0};
    int port = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()))
        .requestHandler(request -> {
          requests[0]++;
          request.response().end("secret");
        })
        .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject());
    JsonObject result = fetcher.fetch(urls("https://127.0.0.1:" + port + "/")).getJsonArray("results").getJsonObject(0);
    assertEquals("connect", kind(result), result.encode());
    assertTrue(result.getJsonObject("error").getString("message").startsWith("TLS: "), result.encode());
    assertEquals(0, requests[0]);
  }
}
