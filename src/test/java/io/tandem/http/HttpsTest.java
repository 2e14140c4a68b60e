package io.tandem.http;

import io.tandem.net.HandshakeFailures;
import io.tandem.testing.LogCapture;
import io.tandem.testing.TestCertificates;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code http.tls}: HTTPS, with HTTP/2 offered through ALPN, and HTTP/2 held to the same limits as
 * HTTP/1 (a stalled request, an idle connection, a client that never starts; connections per
 * client counted before the handshake).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpsTest {

  private record Server(int port, TestCertificates.Pair certificate) {
  }

  private static Server deploy(Vertx vertx, Path dir, JsonObject http) throws Exception {
    TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "server");
    HttpVerticle verticle = new HttpVerticle();
    JsonObject config = new JsonObject()
        .put("http", http.copy().put("host", "127.0.0.1").put("port", 0).put("tls", true))
        .put("tls", new JsonObject().put("certFile", pair.cert().toString()).put("keyFile", pair.key().toString()))
        .put("bridge", new JsonObject())
        .put("auth", new JsonObject())
        .put("metrics", new JsonObject())
        .put("unlimitedClients", new JsonArray())
        .put("fronts", new JsonObject().put("tcp", true));
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    return new Server(verticle.actualPort(), pair);
  }

  private static HttpClient jdkClient(Server server, HttpClient.Version version) throws Exception {
    return HttpClient.newBuilder().version(version).sslContext(TestCertificates.trusting(server.certificate().cert())).build();
  }

  private static HttpClientAgent vertxHttp2Client(Vertx vertx, Server server) {
    return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(server.certificate().cert().toString()))
        .setDefaultHost("localhost").setDefaultPort(server.port()));
  }

  @Test
  void theJdkClientGetsTheGreetingOverHttp11AndHttp2(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject());
    for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
      HttpResponse<String> response = jdkClient(server, version).send(
          HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      assertEquals("Hello, world!", response.body());
      assertEquals(version, response.version(), "the protocol ALPN settled on");
    }
  }

  @Test
  void curlSpeaksHttp2ThroughAlpn(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject());
    Process curl = new ProcessBuilder("curl", "-sS", "--http2", "--cacert", server.certificate().cert().toString(),
        "-w", "\n%{http_version} %{response_code}", "https://localhost:" + server.port() + "/hello/h2")
        .redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, curl.waitFor(), out);
    assertEquals("Hello, h2!\n2 200", out);
  }

  @Test
  void aPlainHttpClientGetsNothingFromTheTlsPortAndWhatItSentIsNotLogged(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject());
    try (LogCapture log = new LogCapture(HandshakeFailures.class.getName());
         Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertFalse(readAll(socket).contains("Hello"), "no greeting in clear");
      assertEquals("http TLS handshake failed: the client does not speak TLS", log.next(), "one line, without the bytes it sent");
    }
  }

  private static String readAll(Socket socket) throws IOException {
    try {
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketException reset) {
      return ""; // the server may close with unread bytes: a reset
    }
  }

  @Test
  void aTooLargeBodyOnHttp2EndsItsStreamNotTheConnection(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject().put("maxBodyBytes", 1024));
    HttpClientAgent client = vertxHttp2Client(vertx, server);
    HttpClientRequest big = client.request(HttpMethod.POST, "/echo").await(10, TimeUnit.SECONDS);
    HttpConnection connection = big.connection();
    HttpClientResponse refused = big.putHeader("content-type", "text/plain").send(Buffer.buffer(new byte[64 * 1024]))
        .await(10, TimeUnit.SECONDS);
    assertEquals(413, refused.statusCode());
    HttpClientRequest next = client.request(HttpMethod.GET, "/").await(10, TimeUnit.SECONDS);
    assertEquals(connection, next.connection(), "the same HTTP/2 connection");
    assertEquals("200 Hello, world!", answer(next));
  }

  @Test
  void anHttp2RequestWhoseBodyStopsComingIsCut(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject().put("requestHeaderTimeoutMs", 500));
    HttpClientAgent client = vertxHttp2Client(vertx, server);
    HttpClientRequest stalled = stalledPost(client);
    closing(stalled.connection()).await(10, TimeUnit.SECONDS);
  }

  /** A POST whose body starts and never goes on. */
  private static HttpClientRequest stalledPost(HttpClientAgent client) throws Exception {
    HttpClientRequest stalled = client.request(HttpMethod.POST, "/echo").await(10, TimeUnit.SECONDS);
    stalled.exceptionHandler(cut -> { }); // the client's side of the cut: expected
    stalled.putHeader("content-type", "text/plain").setChunked(true).write("a body that stops here");
    return stalled;
  }

  /** Completes when the server closes the connection. */
  private static Future<Void> closing(HttpConnection connection) {
    Promise<Void> closed = Promise.promise();
    connection.closeHandler(closed::tryComplete);
    return closed.future();
  }

  @Test
  void pingsDoNotKeepAStalledHttp2RequestAlive(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject().put("requestHeaderTimeoutMs", 500));
    HttpClientAgent client = vertxHttp2Client(vertx, server);
    HttpConnection connection = stalledPost(client).connection();
    Future<Void> closed = closing(connection);
    // a PING every 100 ms, answered by the server: the connection is busy, the request is not
    long pinging = vertx.setPeriodic(100, tick -> connection.ping(Buffer.buffer("12345678")));
    try {
      closed.await(10, TimeUnit.SECONDS);
    } finally {
      vertx.cancelTimer(pinging);
    }
  }

  @Test
  void anHttp2ConnectionsStreamsCountAgainstTheClientsConnections(Vertx vertx, @TempDir Path dir) throws Exception {
    // 20 for this client: one HTTP/2 connection (16 streams) leaves room for 4 HTTP/1.1 connections, not a second one
    Server server = deploy(vertx, dir, new JsonObject().put("maxConnectionsPerClient", 20));
    HttpClientAgent first = vertxHttp2Client(vertx, server);
    assertEquals("200 Hello, world!", answer(first.request(HttpMethod.GET, "/").await(10, TimeUnit.SECONDS)));
    HttpClientAgent second = vertxHttp2Client(vertx, server);
    assertThrows(Exception.class, () -> answer(second.request(HttpMethod.GET, "/").await(10, TimeUnit.SECONDS)),
        "a second HTTP/2 connection would make 32");
    HttpResponse<String> http1 = jdkClient(server, HttpClient.Version.HTTP_1_1).send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, http1.statusCode(), "an HTTP/1.1 connection fits");
    assertEquals("200 Hello, world!", answer(first.request(HttpMethod.GET, "/").await(10, TimeUnit.SECONDS)), "the first goes on");
  }

  @Test
  void anHttp2RequestBeingAnsweredIsNotTimed(Vertx vertx, @TempDir Path dir) throws Exception {
    // the whole request is in; its answer takes three header timeouts
    Server server = deploy(vertx, dir, new JsonObject().put("requestHeaderTimeoutMs", 300).put("idleTimeoutSeconds", 0));
    HttpClientAgent client = vertxHttp2Client(vertx, server);
    assertEquals("200 Hello, world!", answer(client.request(HttpMethod.GET, "/?delay=900").await(10, TimeUnit.SECONDS)));
  }

  @Test
  void anIdleHttp2ConnectionIsClosed(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject().put("idleTimeoutSeconds", 1));
    HttpClientAgent client = vertxHttp2Client(vertx, server);
    HttpClientRequest request = client.request(HttpMethod.GET, "/").await(10, TimeUnit.SECONDS);
    Future<Void> closed = closing(request.connection());
    assertEquals(200, request.send().await(10, TimeUnit.SECONDS).statusCode());
    closed.await(10, TimeUnit.SECONDS);
  }

  @Test
  void anHttp2ClientThatNeverSendsItsPrefaceIsClosed(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject().put("requestHeaderTimeoutMs", 500));
    try (SSLSocket socket = (SSLSocket) TestCertificates.trusting(server.certificate().cert()).getSocketFactory()
        .createSocket("127.0.0.1", server.port())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      assertEquals("h2", socket.getApplicationProtocol());
      InputStream in = socket.getInputStream();
      // the server's SETTINGS may come first; then the connection ends
      while (in.read() >= 0) {
        // skip them
      }
    }
  }

  @Test
  void anHttp11HeadThatNeverEndsIsTimedOverTlsToo(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject().put("requestHeaderTimeoutMs", 500));
    try (SSLSocket socket = (SSLSocket) TestCertificates.trusting(server.certificate().cert()).getSocketFactory()
        .createSocket("127.0.0.1", server.port())) {
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      assertEquals("", socket.getApplicationProtocol(), "no ALPN offered: HTTP/1.1");
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(readAll(socket).startsWith("HTTP/1.1 408 "), "the HTTP/1 guard reads TLS connections too");
    }
  }

  @Test
  void connectionsPerClientAreCountedBeforeTheHandshake(Vertx vertx, @TempDir Path dir) throws Exception {
    Server server = deploy(vertx, dir, new JsonObject().put("maxConnectionsPerClient", 2));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        held.add(new Socket("127.0.0.1", server.port())); // no handshake: only a TCP connection
      }
      try (Socket third = new Socket("127.0.0.1", server.port())) {
        third.setSoTimeout(20_000);
        assertEquals(-1, readOrReset(third), "closed at accept");
      }
      held.remove(0).close();
      HttpResponse<String> response = awaitAdmitted(server);
      assertEquals(200, response.statusCode(), "a slot given back is taken again");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  /** A request's status and body, read as they arrive. */
  private static String answer(HttpClientRequest request) throws Exception {
    return request.send().compose(response -> response.body().map(body -> response.statusCode() + " " + body))
        .await(10, TimeUnit.SECONDS);
  }

  /** The one slot freed is given back when the server sees the close: a client retries until then, as a real one would. */
  private static HttpResponse<String> awaitAdmitted(Server server) throws Exception {
    HttpClient client = jdkClient(server, HttpClient.Version.HTTP_1_1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException refused) {
        if (System.nanoTime() > deadline) {
          throw refused;
        }
      }
    }
  }

  private static int readOrReset(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read();
    } catch (java.net.SocketException reset) {
      return -1; // closed at once may reach the client as a reset
    }
  }
}
