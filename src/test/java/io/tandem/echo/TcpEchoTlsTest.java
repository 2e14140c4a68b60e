package io.tandem.echo;

import io.tandem.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The TCP echo with {@code tcp.tls}: every byte back through TLS, and nothing for a client that does not speak it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpEchoTlsTest {

  private static TestCertificates.Pair deploy(Vertx vertx, Path dir, int[] port, String minVersion) throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "server");
    JsonObject tls = new JsonObject().put("certFile", pair.cert().toString()).put("keyFile", pair.key().toString())
        .put("minVersion", minVersion);
    port[0] = EchoServer.deploy(vertx, new JsonObject().put("tls", true), 1, new JsonObject().put("tls", tls)).port();
    return pair;
  }

  @Test
  void everyByteComesBackThroughTls(Vertx vertx, @TempDir Path dir) throws Exception {
    int[] port = new int[1];
    TestCertificates.Pair pair = deploy(vertx, dir, port, "TLSv1.2");
    byte[] sent = new byte[256 * 1024];
    new Random(7).nextBytes(sent);
    try (SSLSocket socket = (SSLSocket) TestCertificates.trusting(pair.cert()).getSocketFactory().createSocket("127.0.0.1", port[0])) {
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      Thread writer = new Thread(() -> {
        try {
          socket.getOutputStream().write(sent);
          socket.getOutputStream().flush();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      writer.start();
      byte[] echoed = new byte[sent.length];
      new DataInputStream(socket.getInputStream()).readFully(echoed);
      writer.join();
      assertArrayEquals(sent, echoed, "binary, byte-exact");
      assertEquals("TLSv1.3", socket.getSession().getProtocol());
    }
  }

  @Test
  void aClientOfAnOlderProtocolThanMinVersionIsRefused(Vertx vertx, @TempDir Path dir) throws Exception {
    int[] port = new int[1];
    TestCertificates.Pair pair = deploy(vertx, dir, port, "TLSv1.3");
    try (SSLSocket socket = (SSLSocket) TestCertificates.trusting(pair.cert()).getSocketFactory().createSocket("127.0.0.1", port[0])) {
      socket.setSoTimeout(20_000);
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      assertThrows(IOException.class, socket::startHandshake);
    }
  }

  @Test
  void withAClientCaOnlyAClientWithACertificateItSignedIsEchoed(Vertx vertx, @TempDir Path dir) throws Exception {
    TestCertificates.Pair server = TestCertificates.selfSigned(dir, "server");
    TestCertificates.Pair client = TestCertificates.clientSignedByNewCa(dir, "client");
    TestCertificates.Pair stranger = TestCertificates.clientSignedByNewCa(dir, "stranger");
    JsonObject tls = new JsonObject().put("certFile", server.cert().toString()).put("keyFile", server.key().toString())
        .put("clientCaFile", client.cert().toString());
    int port = EchoServer.deploy(vertx, new JsonObject().put("tls", true), 1, new JsonObject().put("tls", tls)).port();
    assertEquals("signed\n", echoOnce(TestCertificates.trusting(server.cert(), client.key()), port, "signed\n"));
    for (javax.net.ssl.SSLContext refused : new javax.net.ssl.SSLContext[] {
        TestCertificates.trusting(server.cert()), TestCertificates.trusting(server.cert(), stranger.key())}) {
      // TLS 1.3 tells the client after its handshake: the refusal shows at the first read at the latest
      assertThrows(IOException.class, () -> echoOnce(refused, port, "unsigned\n"));
    }
  }

  private static String echoOnce(javax.net.ssl.SSLContext context, int port, String line) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      socket.getOutputStream().write(line.getBytes());
      byte[] echoed = new DataInputStream(socket.getInputStream()).readNBytes(line.length());
      if (echoed.length < line.length()) {
        throw new IOException("the connection ended after " + echoed.length + " bytes");
      }
      return new String(echoed);
    }
  }

  @Test
  void aClientInClearGetsNoEcho(Vertx vertx, @TempDir Path dir) throws Exception {
    int[] port = new int[1];
    deploy(vertx, dir, port, "TLSv1.2");
    try (Socket socket = new Socket("127.0.0.1", port[0])) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write("hello in clear\n".getBytes());
      InputStream in = socket.getInputStream();
      byte[] answer = in.readNBytes(64);
      // the server sees no TLS record and closes: whatever came back, it is not the line
      assertEquals(-1, new String(answer).indexOf("hello in clear"), new String(answer));
    }
  }
}
