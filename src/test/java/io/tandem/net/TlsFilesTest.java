package io.tandem.net;

import io.tandem.config.ConfigException;
import io.tandem.config.TlsSettings;
import io.tandem.testing.TestCertificates;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the launcher says of the tls section's files before anything listens: one line naming the file. */
class TlsFilesTest {

  private static TlsSettings tls(Path cert, Path key) {
    return new TlsSettings(cert.toString(), key.toString(), TlsSettings.DEFAULT_MIN_VERSION, null, 0);
  }

  private static void assertRefused(String start, TlsSettings tls) {
    ConfigException e = assertThrows(ConfigException.class, () -> TlsFiles.check(tls));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void theClusterBusTrustsItsOwnCertificateOnlyNotTheRestOfItsChainNorTheClientAuthorities(@TempDir Path dir) throws Exception {
    TestCertificates.Pair node = TestCertificates.selfSigned(dir, "node");
    TestCertificates.Pair issuer = TestCertificates.selfSigned(dir, "issuer");
    Path fullchain = dir.resolve("fullchain.pem");
    Files.writeString(fullchain, Files.readString(node.cert()) + Files.readString(issuer.cert()));
    TlsSettings withClientCa = new TlsSettings(fullchain.toString(), node.key().toString(), TlsSettings.DEFAULT_MIN_VERSION,
        issuer.cert().toString(), 0);
    EventBusOptions bus = TlsFiles.cluster(new EventBusOptions(), withClientCa, null);
    PemTrustOptions trusted = assertInstanceOf(PemTrustOptions.class, bus.getTrustOptions());
    assertEquals(List.of(), trusted.getCertPaths(), "not tls.clientCaFile");
    assertEquals(1, trusted.getCertValues().size(), "one certificate, not the chain");
    assertEquals(Files.readString(node.cert()).strip(), trusted.getCertValues().get(0).toString().strip());
    assertEquals(ClientAuth.REQUIRED, bus.getClientAuth(), "mutual");

    EventBusOptions withCa = TlsFiles.cluster(new EventBusOptions(), withClientCa, issuer.cert().toString());
    assertEquals(List.of(issuer.cert().toString()), ((PemTrustOptions) withCa.getTrustOptions()).getCertPaths(), "cluster.caFile");
    ConfigException missing = assertThrows(ConfigException.class,
        () -> TlsFiles.cluster(new EventBusOptions(), withClientCa, dir.resolve("none.pem").toString()));
    assertTrue(missing.getMessage().startsWith("cluster.caFile " + dir.resolve("none.pem") + " cannot be read"), missing.getMessage());
  }

  @Test
  void aCertificateAndItsOwnKeyPass(@TempDir Path dir) throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "server");
    TlsFiles.check(tls(pair.cert(), pair.key()));
  }

  @Test
  void anotherCertificatesKeyIsRefused(@TempDir Path dir) throws Exception {
    TestCertificates.Pair server = TestCertificates.selfSigned(dir, "server");
    TestCertificates.Pair other = TestCertificates.selfSigned(dir, "other");
    assertRefused("tls.keyFile " + other.key() + " is not the key of the certificate in tls.certFile " + server.cert(),
        tls(server.cert(), other.key()));
  }

  @Test
  void anExpiredCertificateIsRefused(@TempDir Path dir) throws Exception {
    TestCertificates.Pair expired = TestCertificates.expired(dir);
    assertRefused("tls.certFile " + expired.cert() + " expired on ", tls(expired.cert(), expired.key()));
  }

  @Test
  void aClientCaFileThatIsNotPemCertificatesIsRefused(@TempDir Path dir) throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "server");
    TlsFiles.check(new TlsSettings(pair.cert().toString(), pair.key().toString(), TlsSettings.DEFAULT_MIN_VERSION, pair.cert().toString(), 0));
    assertRefused("tls.clientCaFile " + pair.key() + " is not a PEM certificate",
        new TlsSettings(pair.cert().toString(), pair.key().toString(), TlsSettings.DEFAULT_MIN_VERSION, pair.key().toString(), 0));
  }

  @Test
  void filesThatAreMissingOrNotPemAreRefused(@TempDir Path dir) throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "server");
    assertRefused("tls.certFile " + dir.resolve("none.crt") + " cannot be read", tls(dir.resolve("none.crt"), pair.key()));
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    assertRefused("tls.certFile " + garbage + " is not a PEM certificate", tls(garbage, pair.key()));
    assertRefused("tls.keyFile " + pair.cert() + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY)", tls(pair.cert(), pair.cert()));
    Path pkcs1 = TestCertificates.pkcs1Key(dir);
    assertRefused("tls.keyFile " + pkcs1 + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert one with: openssl pkcs8",
        tls(pair.cert(), pkcs1));
  }
}
