package io.tandem.fetch;

import io.vertx.core.net.TrustOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whom the fetcher trusts over https with {@code fetcher.trustCaFile}: the JDK's authorities and
 * the file's, together. Vert.x's PEM trust options would replace the JDK's, so that a private CA
 * for one origin would make every public site fail. Host names are still checked: the JDK wraps a
 * plain trust manager with its endpoint identification. Blocking (reads the file): the fetcher is
 * built on a worker.
 */
final class TrustedAuthorities {

  private TrustedAuthorities() {
  }

  static TrustOptions jdkAnd(String caFile) {
    try {
      X509TrustManager jdk = trustManager(null);
      KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
      own.load(null, null);
      try (InputStream in = Files.newInputStream(Path.of(caFile))) {
        int i = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          own.setCertificateEntry("fetcher.trustCaFile-" + i++, certificate);
        }
      }
      return TrustOptions.wrap(new Either(jdk, trustManager(own)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("fetcher.trustCaFile " + caFile + ": " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /** A server is trusted when the JDK's authorities or the file's vouch for it. */
  private record Either(X509TrustManager jdk, X509TrustManager own) implements X509TrustManager {

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        jdk.checkServerTrusted(chain, authType);
      } catch (CertificateException notTheJdks) {
        own.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the fetcher is a client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return Stream.concat(Arrays.stream(jdk.getAcceptedIssuers()), Arrays.stream(own.getAcceptedIssuers()))
          .toArray(X509Certificate[]::new);
    }
  }
}
