package io.tandem.net;

import io.tandem.config.ConfigException;
import io.tandem.config.TlsSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code tls} section's files, checked before anything listens, so that a bad certificate is
 * one {@code config error:} line naming the file (exit 78) instead of a listener that fails to
 * start or, worse, starts and fails every handshake; and the options a TLS listener is given.
 */
public final class TlsFiles {

  private static final Pattern PEM_KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final Pattern PEM_CERTIFICATE = Pattern.compile("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private TlsFiles() {
  }

  /**
   * The files' bytes as they were checked: what a listener is given on a reload, so that a file
   * changed between the check and the load cannot slip in unchecked.
   *
   * @param clientCa null without {@code tls.clientCaFile}
   */
  public record Pem(byte[] cert, byte[] key, byte[] clientCa, X509Certificate certificate) {
  }

  /** @throws ConfigException naming the file and what is wrong: unreadable, not PEM, expired, key not the certificate's */
  public static Pem check(TlsSettings tls) {
    byte[] certBytes = read("tls.certFile", tls.certFile());
    byte[] keyBytes = read("tls.keyFile", tls.keyFile());
    X509Certificate certificate = chain("tls.certFile", tls.certFile(), certBytes).get(0);
    PrivateKey key = key(tls.keyFile(), keyBytes);
    try {
      certificate.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new ConfigException("tls.certFile " + tls.certFile() + " expired on " + certificate.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new ConfigException("tls.certFile " + tls.certFile() + " is not valid before " + certificate.getNotBefore().toInstant());
    }
    if (!matches(key, certificate)) {
      throw new ConfigException("tls.keyFile " + tls.keyFile() + " is not the key of the certificate in tls.certFile " + tls.certFile());
    }
    byte[] clientCa = null;
    if (tls.clientCaFile() != null) {
      clientCa = read("tls.clientCaFile", tls.clientCaFile());
      chain("tls.clientCaFile", tls.clientCaFile(), clientCa);
    }
    return new Pem(certBytes, keyBytes, clientCa, certificate);
  }

  /**
   * The clustered event bus over TLS between nodes ({@code cluster.tls}), always mutual: a node
   * must show a certificate the others trust, else anyone who can reach a node's bus port could
   * put messages on the bus. Trusted: the authorities of {@code cluster.caFile}, or without one
   * only the very certificate in {@code tls.certFile} (the first of the file), every node
   * presenting the same. Never {@code tls.clientCaFile}, whose certificates are the API clients':
   * with it any client could talk to the bus past every check. Nor the rest of a chain: its
   * intermediate signs every stranger's certificate too. Vert.x's cluster client checks the chain,
   * not the host name: nodes are reached by address.
   *
   * @throws ConfigException naming the file when {@code cluster.caFile} holds no certificate
   */
  public static EventBusOptions cluster(EventBusOptions bus, TlsSettings tls, String caFile) {
    PemTrustOptions trusted = new PemTrustOptions();
    if (caFile != null) {
      chain("cluster.caFile", caFile, read("cluster.caFile", caFile));
      trusted.addCertPath(caFile);
    } else {
      trusted.addCertValue(Buffer.buffer(firstPem(read("tls.certFile", tls.certFile()), tls.certFile())));
    }
    bus.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()))
        .setTrustOptions(trusted)
        .setClientAuth(ClientAuth.REQUIRED)
        .setEnabledSecureTransportProtocols(tls.protocols());
    return bus;
  }

  /** @throws ConfigException naming {@code key} and the file when it is unreadable or holds no PEM certificate */
  public static void checkCertificates(String key, String file) {
    chain(key, file, read(key, file));
  }

  /** The first PEM certificate block of a file, as text. */
  private static String firstPem(byte[] bytes, String file) {
    Matcher first = PEM_CERTIFICATE.matcher(new String(bytes, StandardCharsets.US_ASCII));
    if (!first.find()) {
      throw new ConfigException("tls.certFile " + file + " holds no PEM certificate");
    }
    return first.group();
  }

  /** A listener's TLS options with the certificate (and client authorities) of {@code pem}, the rest as they were. */
  public static ServerSSLOptions with(ServerSSLOptions current, Pem pem) {
    ServerSSLOptions next = current.copy()
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(pem.cert())).setKeyValue(Buffer.buffer(pem.key())));
    if (pem.clientCa() != null) {
      next.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pem.clientCa())));
    }
    return next;
  }

  /** A listener's options with TLS on: the section's certificate, and its protocols only. */
  public static <T extends NetServerOptions> T serve(T options, TlsSettings tls) {
    options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()))
        .setEnabledSecureTransportProtocols(tls.protocols());
    if (tls.clientCaFile() != null) {
      // mutual TLS: a client without a certificate of one of these authorities is not let in
      options.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCaFile()));
    }
    return options;
  }

  /** The PEM certificates of a file, at least one. */
  private static List<X509Certificate> chain(String key, String file, byte[] bytes) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
        if (certificate instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException(key + " " + file + " is not a PEM certificate: " + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw new ConfigException(key + " " + file + " holds no PEM certificate");
    }
    return chain;
  }

  private static PrivateKey key(String file, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    Matcher pem = PEM_KEY.matcher(text);
    if (!pem.find()) {
      throw new ConfigException("tls.keyFile " + file + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); "
          + "convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + file);
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm's
      }
    }
    throw new ConfigException("tls.keyFile " + file + " holds a key of none of " + String.join(", ", KEY_ALGORITHMS));
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      byte[] probe = "tandem".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signed = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signed);
    } catch (GeneralSecurityException e) {
      return false; // a key of another kind than the certificate's
    }
  }

  private static byte[] read(String key, String file) {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw new ConfigException(key + " " + file + " cannot be read: " + e.getMessage());
    }
  }
}
