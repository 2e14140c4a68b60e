package io.tandem.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made at test time with the tools a user has, openssl and the JDK's keytool: nothing
 * secret is committed, and nothing expires in the repository.
 */
public final class TestCertificates {

  /** A certificate's file and its key's. */
  public record Pair(Path cert, Path key) {
  }

  private TestCertificates() {
  }

  /** Self-signed, for localhost and 127.0.0.1, valid two days; an RSA key in PKCS#8 PEM. */
  public static Pair selfSigned(Path dir, String name) throws Exception {
    Pair pair = new Pair(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", pair.key().toString(), "-out", pair.cert().toString());
    return pair;
  }

  /** A certificate whose validity ended two days ago (keytool can date one in the past; openssl 3.0 cannot). */
  public static Pair expired(Path dir) throws Exception {
    Path store = dir.resolve("expired.p12");
    run(dir, "keytool", "-genkeypair", "-alias", "expired", "-keyalg", "RSA", "-keysize", "2048", "-startdate", "-3d",
        "-validity", "1", "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit");
    Pair pair = new Pair(dir.resolve("expired.crt"), dir.resolve("expired.key"));
    run(dir, "openssl", "pkcs12", "-in", store.toString(), "-passin", "pass:changeit", "-nokeys", "-out", pair.cert().toString());
    run(dir, "openssl", "pkcs12", "-in", store.toString(), "-passin", "pass:changeit", "-nocerts", "-nodes", "-out", pair.key().toString());
    return pair;
  }

  /** An RSA key in the old PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}). */
  public static Path pkcs1Key(Path dir) throws Exception {
    Path key = dir.resolve("pkcs1.key");
    run(dir, "openssl", "genrsa", "-traditional", "-out", key.toString(), "2048");
    return key;
  }

  /**
   * A certificate authority and a client certificate it signed, for mutual TLS: the CA's
   * certificate ({@code cert}) and the client's key and certificate as a PKCS#12 store
   * ({@code key}, password {@code changeit}), as a JDK client loads them.
   */
  public static Pair clientSignedByNewCa(Path dir, String name) throws Exception {
    Pair ca = selfSigned(dir, name + "-ca");
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".crt");
    Path store = dir.resolve(name + ".p12");
    run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", key.toString(), "-out", csr.toString());
    run(dir, "openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.cert().toString(), "-CAkey", ca.key().toString(),
        "-CAcreateserial", "-days", "2", "-out", cert.toString());
    run(dir, "openssl", "pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out", store.toString(),
        "-passout", "pass:changeit");
    return new Pair(ca.cert(), store);
  }

  /** A client's TLS context that trusts {@code cert} and nothing else, and shows {@code clientStore}'s certificate if given. */
  public static SSLContext trusting(Path cert, Path clientStore) throws Exception {
    KeyManagerFactory keys = null;
    if (clientStore != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(clientStore)) {
        store.load(in, "changeit".toCharArray());
      }
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, "changeit".toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.getKeyManagers(), trustManagers(cert), null);
    return context;
  }

  /** A client's TLS context that trusts {@code cert} and nothing else. */
  public static SSLContext trusting(Path cert) throws Exception {
    return trusting(cert, null);
  }

  private static javax.net.ssl.TrustManager[] trustManagers(Path cert) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trusted.setCertificateEntry("tandem", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    return trust.getTrustManagers();
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
