package io.tandem.e2e;

import io.tandem.testing.Http;
import io.tandem.testing.Sockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SockJS bridge on each transport it serves — websocket, xhr-streaming, xhr-polling — with
 * the official clients under Node ({@code sockjs-client} and {@code @vertx/eventbus-bridge-client.js},
 * installed from npm at the versions below into {@code target/node-clients}) against the fat
 * jar: the checks in {@code src/test/node/sockjs-transports.js}. Then what a browser's client
 * never sends: an {@code xhr_send} over {@code http.maxBodyBytes}, and XHR sessions opened by a
 * page of another site.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SockJsTransportsIT {

  private static final String SOCKJS_CLIENT = "sockjs-client@1.6.1";
  private static final String BRIDGE_CLIENT = "@vertx/eventbus-bridge-client.js@1.0.0";
  private static final Path CLIENTS = Path.of("target", "node-clients").toAbsolutePath();
  private static final String NODE = Files.isExecutable(Path.of("/usr/bin/node")) ? "/usr/bin/node" : "node";
  private static final String NPM = Files.isExecutable(Path.of("/usr/bin/npm")) ? "/usr/bin/npm" : "npm";
  private static final String SCRIPT = Path.of("src", "test", "node", "sockjs-transports.js").toAbsolutePath().toString();
  private static final String[] TRANSPORTS = {"websocket", "xhr-streaming", "xhr-polling"};
  private static final int MAX_BODY_BYTES = 4096;
  private static final String LISTED_ORIGIN = "http://app.example";

  @TempDir
  static Path workDir;

  private static TandemProcess tandem;
  private static int http;
  private static int echo;

  @BeforeAll
  static void installClientsAndStartTandem() throws Exception {
    installClients();
    tandem = TandemProcess.start(workDir, Map.of(), "-conf", "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},"
        + "\"http\":{\"host\":\"127.0.0.1\",\"port\":0,\"maxBodyBytes\":" + MAX_BODY_BYTES + "},"
        + "\"bridge\":{\"tcpPort\":0,\"allowedOrigins\":[\"" + LISTED_ORIGIN + "\"]},\"fetcher\":{\"enabled\":false}}");
    tandem.awaitStdout(line -> line.contains("Tandem ready in "));
    http = tandem.port("HTTP");
    echo = tandem.port("TCP echo");
  }

  @AfterAll
  static void stopTandem() throws Exception {
    if (tandem != null) {
      tandem.terminate();
      assertEquals(0, tandem.exitCode());
      tandem.assertNoBlockedEventLoop();
      assertTrue(errorsAndStackTraces().isEmpty(), "what the clients sent is never an ERROR or a stack trace: " + errorsAndStackTraces());
      tandem.close();
    }
  }

  /** ERROR lines, and stack traces other than those Vert.x logs with a blocked-thread warning. */
  private static List<String> errorsAndStackTraces() {
    List<String> all = new ArrayList<>(tandem.stdout());
    all.addAll(tandem.stderr());
    List<String> found = new ArrayList<>();
    boolean blockedWarning = false;
    for (String line : all) {
      boolean trace = line.startsWith("\t") || line.startsWith("Caused by") || line.startsWith("io.vertx.core.VertxException");
      if (!trace) {
        blockedWarning = line.contains("has been blocked for");
      }
      if (line.contains(" ERROR ") || trace && !blockedWarning) {
        found.add(line);
      }
    }
    return found;
  }

  /** npm install at pinned versions; without them (no npm, no registry) the test fails and says why. */
  private static void installClients() throws IOException, InterruptedException {
    if (installed("sockjs-client", SOCKJS_CLIENT) && installed("@vertx/eventbus-bridge-client.js", BRIDGE_CLIENT)) {
      return;
    }
    Files.createDirectories(CLIENTS);
    List<String> output;
    int exit;
    try {
      Process npm = new ProcessBuilder(NPM, "install", "--prefix", CLIENTS.toString(), "--no-audit", "--no-fund", "--no-save",
          SOCKJS_CLIENT, BRIDGE_CLIENT).redirectErrorStream(true).start();
      output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      if (!npm.waitFor(120, TimeUnit.SECONDS)) {
        npm.destroyForcibly();
        fail("npm install " + SOCKJS_CLIENT + " " + BRIDGE_CLIENT + " did not finish in 120 s: " + output);
      }
      exit = npm.exitValue();
    } catch (IOException e) {
      throw new AssertionError("this test needs Node and npm (the Debian packages nodejs and npm; ./test installs them): " + e.getMessage(), e);
    }
    if (exit != 0) {
      fail("npm install " + SOCKJS_CLIENT + " " + BRIDGE_CLIENT + " into " + CLIENTS
          + " failed (this test needs the npm registry, or the clients installed there): " + String.join("\n", output));
    }
  }

  private static boolean installed(String name, String pinned) throws IOException {
    Path manifest = CLIENTS.resolve("node_modules").resolve(name).resolve("package.json");
    String version = pinned.substring(pinned.lastIndexOf('@') + 1);
    return Files.isRegularFile(manifest) && Files.readString(manifest).contains("\"version\": \"" + version + "\"");
  }

  /** Runs the Node script; returns its lines, failing with them unless it ends "all checks passed". */
  private static List<String> node(String origin, String expect) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(NODE, SCRIPT, "http://127.0.0.1:" + http, String.valueOf(echo), origin, expect));
    command.addAll(List.of(TRANSPORTS));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("NODE_PATH", CLIENTS.resolve("node_modules").toString());
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the Node clients did not finish");
    List<String> lines = new String(output, StandardCharsets.UTF_8).lines().toList();
    assertEquals(0, process.exitValue(), "the Node clients failed:\n" + String.join("\n", lines));
    assertEquals("all checks passed", lines.get(lines.size() - 1), String.join("\n", lines));
    return lines;
  }

  @Test
  void aListedPagesClientWorksOnEveryTransport() throws Exception {
    List<String> lines = node(LISTED_ORIGIN, "open");
    for (String transport : TRANSPORTS) {
      assertTrue(lines.contains("ok " + transport + ": the transport used is " + transport), lines.toString());
      assertTrue(lines.contains("ok " + transport + ": a published message is received"), lines.toString());
    }
  }

  @Test
  void thePagesOwnOriginWorksOnEveryTransport() throws Exception {
    node("http://127.0.0.1:" + http, "open");
  }

  /** A program (not a page) sends no Origin: no other site's page is behind it, and it is served. */
  @Test
  void aProgramWithoutOriginWorksOnEveryTransport() throws Exception {
    node("-", "open");
  }

  @Test
  void aPageOfAnotherSiteGetsNoSessionOnAnyTransport() throws Exception {
    List<String> lines = node("http://evil.example", "refused");
    for (String transport : TRANSPORTS) {
      assertTrue(lines.stream().anyMatch(line -> line.startsWith("ok " + transport + ": no session")), lines.toString());
    }
  }

  @Test
  void theXhrTransportsRefuseAPageOfAnotherSiteBeforeAnySession() throws Exception {
    Http client = new Http(http);
    for (String transport : new String[] {"xhr", "xhr_streaming"}) {
      String session = "/eventbus/000/" + transport + "-evil";
      HttpResponse<String> refused = client.send(client.request(session + "/" + transport).header("Origin", "http://evil.example")
          .POST(HttpRequest.BodyPublishers.noBody()).build());
      assertEquals("a page of origin http://evil.example may not use the event bus (bridge.allowedOrigins)",
          Http.assertError(403, refused), transport);
      // no session was made: a send to it finds none
      HttpResponse<String> send = client.post(session + "/xhr_send", "text/plain", "[\"{}\"]".getBytes(StandardCharsets.UTF_8));
      assertEquals(404, send.statusCode(), transport);
    }
  }

  @Test
  void anXhrSendOverTheBodyLimitGetsTheApisRefusalAndTheSessionGoesOn() throws Exception {
    Http client = new Http(http);
    String session = "/eventbus/000/big-send";
    HttpResponse<String> open = client.send(client.request(session + "/xhr").header("Origin", LISTED_ORIGIN)
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, open.statusCode());
    assertEquals("o\n", open.body());
    // Vert.x Web closes the connection after a poll: said, so the xhr_send below is not sent into the close
    assertEquals(Optional.of("close"), open.headers().firstValue("connection"));

    String frame = "{\"type\":\"send\",\"address\":\"tandem.echo\",\"replyAddress\":\"r1\",\"body\":\"%s\"}";
    String tooBig = "[" + quoted(frame.formatted("x".repeat(MAX_BODY_BYTES))) + "]";
    HttpResponse<String> refused = client.send(client.request(session + "/xhr_send").header("Origin", LISTED_ORIGIN)
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(tooBig)).build());
    assertEquals("request body is over " + MAX_BODY_BYTES + " bytes (http.maxBodyBytes)", Http.assertError(413, refused));

    HttpResponse<String> sent = client.send(client.request(session + "/xhr_send").header("Origin", LISTED_ORIGIN)
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("[" + quoted(frame.formatted("small")) + "]")).build());
    assertEquals(204, sent.statusCode(), sent.body());
    HttpResponse<String> reply = client.send(client.request(session + "/xhr").header("Origin", LISTED_ORIGIN)
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, reply.statusCode());
    assertTrue(reply.body().startsWith("a[") && reply.body().contains("small"), reply.body());
  }

  /** Not UTF-8, on a WebSocket and in an xhr_send: a defined answer each, and (see stopTandem) no ERROR in the log. */
  @Test
  void textThatIsNotUtf8IsRefusedOnEveryTransport() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", http)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /eventbus/000/bad-ws/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + http
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nOrigin: " + LISTED_ORIGIN + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      assertTrue(Sockets.readLine(in).startsWith("HTTP/1.1 101 "));
      while (!Sockets.readLine(in).trim().isEmpty()) {
        // the rest of the head
      }
      assertArrayEquals(new byte[] {(byte) 0x81, 1, 'o'}, Sockets.readExactly(in, 3), "SockJS's open frame");
      byte[] payload = {'[', '"', (byte) 0xC3, '(', '"', ']'};
      byte[] frame = new byte[6 + payload.length];
      frame[0] = (byte) 0x81;
      frame[1] = (byte) (0x80 | payload.length);
      System.arraycopy(payload, 0, frame, 6, payload.length); // mask 0: the payload as it is
      socket.getOutputStream().write(frame);
      byte[] close = Sockets.readExactly(in, 4);
      assertEquals((byte) 0x88, close[0], "a close frame");
      assertEquals(1007, (close[2] & 0xff) << 8 | close[3] & 0xff);
    }

    Http client = new Http(http);
    String session = "/eventbus/000/bad-xhr";
    assertEquals("o\n", client.post(session + "/xhr", null, new byte[0]).body());
    assertEquals("body is not valid UTF-8",
        Http.assertError(400, client.post(session + "/xhr_send", "text/plain", new byte[] {'[', '"', (byte) 0xFF, '"', ']'})));
  }

  /** A SockJS frame: the bridge's JSON as a JSON string. */
  private static String quoted(String json) {
    return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
