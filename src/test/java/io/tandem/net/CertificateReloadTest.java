package io.tandem.net;

import io.tandem.MainVerticle;
import io.tandem.testing.LogCapture;
import io.tandem.testing.TestCertificates;
import io.tandem.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tls.reloadSeconds}: a certificate swapped on disk is presented by every TLS listener
 * without a restart; a broken one is refused with one WARN line and the old one stays.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificateReloadTest {

  @Test
  void aSwappedCertificateIsPresentedWithoutARestartAndABrokenOneIsNot(Vertx vertx, @TempDir Path dir) throws Exception {
    TestCertificates.Pair first = TestCertificates.selfSigned(dir, "first");
    Path cert = dir.resolve("live.crt");
    Path key = dir.resolve("live.key");
    Files.copy(first.cert(), cert);
    Files.copy(first.key(), key);
    JsonObject tls = new JsonObject().put("certFile", cert.toString()).put("keyFile", key.toString()).put("reloadSeconds", 1);
    MainVerticle service = TestService.deploy(vertx, new JsonObject().put("tls", tls)
        .put("http", new JsonObject().put("tls", true)).put("tcp", new JsonObject().put("tls", true))
        .put("chat", new JsonObject().put("tls", true)));
    assertEquals(serialOf(first.cert()), presented(service.httpPort()));
    assertEquals(serialOf(first.cert()), presented(service.tcpPort()));
    assertEquals(serialOf(first.cert()), presented(service.chatPort()));

    Path swap = Files.createDirectory(dir.resolve("next"));
    TestCertificates.Pair second = TestCertificates.selfSigned(swap, "second");
    try (LogCapture log = new LogCapture(CertificateReload.class.getName())) {
      // the key first: a look between the two writes sees a key that is not the certificate's, and waits
      Files.copy(second.key(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(second.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
      String taken = log.next();
      while (!taken.startsWith("tls: new certificate")) {
        assertTrue(taken.contains("is not the key of the certificate"), taken);
        taken = log.next();
      }
      assertTrue(taken.startsWith("tls: new certificate taken by 3 listeners: CN=localhost, valid until "), taken);
      assertEquals(serialOf(second.cert()), presented(service.httpPort()), "HTTPS");
      assertEquals(serialOf(second.cert()), presented(service.tcpPort()), "the TCP echo");
      assertEquals(serialOf(second.cert()), presented(service.chatPort()), "the chat");

      Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nhalf a file", StandardCharsets.US_ASCII);
      assertEquals("tls: a changed certificate was not taken: tls.certFile " + cert + " is not a PEM certificate: "
          + "java.io.IOException: Incomplete data; the listeners keep the one they have", log.next());
      assertEquals(serialOf(second.cert()), presented(service.httpPort()), "the one they had");
    }
  }

  /** The serial number of the certificate a listener presents in a handshake now. */
  private static BigInteger presented(int port) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AnyCertificate()}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  private static BigInteger serialOf(Path cert) throws Exception {
    try (InputStream in = Files.newInputStream(cert)) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
    }
  }

  /** Trusts whatever it is shown: the test reads the certificate, it does not check it. */
  private static final class AnyCertificate implements X509TrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
