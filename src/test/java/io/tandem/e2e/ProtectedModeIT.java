package io.tandem.e2e;

import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who the jar serves when it listens on every address: a client on this machine, and one on
 * another address (a network namespace of this test's own, {@link NetworkNamespace}), with curl
 * and a raw socket as such clients would. Protected mode (the default) serves the greetings to
 * everyone and the rest to this machine only; turned off it serves everyone and says so; with a
 * tokens file the token decides, wherever the client is.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProtectedModeIT {

  private static final String LISTEN_EVERYWHERE = "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},"
      + "\"http\":{\"host\":\"0.0.0.0\",\"port\":0},\"bridge\":{\"tcpEnabled\":true,\"tcpHost\":\"0.0.0.0\",\"tcpPort\":0}";
  /** Reads one bridge frame and says whether the server closed the connection after it. */
  private static final String READ_ONE_FRAME = String.join("\n",
      "import socket, struct, sys",
      "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 10)",
      "s.settimeout(10)",
      "def read(n):",
      "    data = b''",
      "    while len(data) < n:",
      "        chunk = s.recv(n - len(data))",
      "        if not chunk:",
      "            sys.exit('closed after ' + repr(data))",
      "        data += chunk",
      "    return data",
      "print(read(struct.unpack('>I', read(4))[0]).decode())",
      "print('closed' if s.recv(1) == b'' else 'open')");

  private static NetworkNamespace namespace;

  @TempDir
  Path workDir;

  @BeforeAll
  static void createNamespace() throws Exception {
    namespace = NetworkNamespace.create();
  }

  @AfterAll
  static void removeNamespace() throws Exception {
    if (namespace != null) {
      namespace.close();
    }
  }

  @Test
  void protectedModeServesTheGreetingsToEveryoneAndTheRestToThisMachineOnly() throws Exception {
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", LISTEN_EVERYWHERE + "}")) {
      int port = tandem.port("HTTP");
      int bridge = tandem.port("TCP bridge");
      assertTrue(tandem.stdout().stream().anyMatch(line -> line.contains("Protected mode: POST /echo, POST /tcp/broadcast, "
          + "POST /fetch, POST /fetch/chain, GET /eventbus, GET /metrics and the TCP bridge serve clients on this machine only")), tandem.stdout().toString());
      String base = "http://" + NetworkNamespace.HOST + ":" + port;

      assertEquals("Hello, world!\n200", namespace.curl(base + "/"));
      assertEquals("Hello, Ada!\n200", namespace.curl(base + "/hello/Ada"));
      for (List<String> refused : List.of(
          List.of("-H", "Content-Type: text/plain", "--data-binary", "x", base + "/echo"),
          List.of("-H", "Content-Type: application/json", "-d", "{\"urls\":[\"http://10.213.7.1/\"]}", base + "/fetch"),
          List.of("-H", "Content-Type: application/json", "-d", "{\"text\":\"hi\"}", base + "/tcp/broadcast"),
          List.of(base + "/eventbus/info"),
          List.of(base + "/metrics"))) {
        String answer = namespace.curl(refused.toArray(String[]::new));
        assertTrue(answer.endsWith("\n403"), refused + " -> " + answer);
        JsonObject body = new JsonObject(answer.substring(0, answer.lastIndexOf('\n')));
        assertTrue(body.getString("error").contains("is served only to clients on this machine (protected mode): "
            + "name who may use it in auth.tokensFile, or set auth.protectedMode to false"), body.encode());
      }
      List<String> frame = namespace.exec(List.of("python3", "-c", READ_ONE_FRAME, NetworkNamespace.HOST, Integer.toString(bridge)))
          .lines().toList();
      assertEquals("protected_mode", new JsonObject(frame.get(0)).getString("message"), frame.toString());
      assertEquals("closed", frame.get(1));

      // this machine is served as before
      Http local = new Http(port);
      assertEquals("x", local.post("/echo", "text/plain", "x".getBytes(StandardCharsets.UTF_8)).body());
      tandem.terminate();
      assertEquals(0, tandem.exitCode());
    }
  }

  @Test
  void protectedModeOffServesEveryoneAndSaysSoAtStartUp() throws Exception {
    try (TandemProcess tandem = TandemProcess.start(workDir, TandemProcess.env("TANDEM_AUTH_PROTECTED_MODE", "false"),
        "-conf", LISTEN_EVERYWHERE + "}")) {
      int port = tandem.port("HTTP");
      assertTrue(tandem.stdout().stream().anyMatch(line -> line.contains("WARN") && line.contains(
          "auth.protectedMode is false and there is no auth.tokensFile: anyone who can reach the listeners can use POST /echo, "
          + "POST /tcp/broadcast, POST /fetch, POST /fetch/chain, GET /eventbus, GET /metrics and the TCP bridge")),
          tandem.stdout().toString());
      assertEquals("x\n200", namespace.curl("-H", "Content-Type: text/plain", "--data-binary", "x",
          "http://" + NetworkNamespace.HOST + ":" + port + "/echo"));
      tandem.terminate();
      assertEquals(0, tandem.exitCode());
    }
  }

  @Test
  void withATokensFileTheTokenDecidesWhereverTheClientIs() throws Exception {
    String token = Tokens.newToken();
    Files.writeString(workDir.resolve("tokens.json"), new JsonArray()
        .add(Principals.line("ops", Tokens.sha256Hex(token), List.of("POST /echo"), List.of(), List.of())).encode());
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf",
        LISTEN_EVERYWHERE + ",\"auth\":{\"tokensFile\":\"tokens.json\"}}")) {
      int port = tandem.port("HTTP");
      String echo = "http://" + NetworkNamespace.HOST + ":" + port + "/echo";
      String none = namespace.curl("-H", "Content-Type: text/plain", "--data-binary", "x", echo);
      assertTrue(none.endsWith("\n401"), none);
      assertEquals("x\n200", namespace.curl("-H", "Authorization: Bearer " + token, "-H", "Content-Type: text/plain",
          "--data-binary", "x", echo));
      String fetch = namespace.curl("-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
          "-d", "{}", "http://" + NetworkNamespace.HOST + ":" + port + "/fetch");
      assertTrue(fetch.endsWith("\n403"), fetch);
      // a client on this machine needs the token just the same
      HttpResponse<String> local = new Http(port).post("/echo", "text/plain", "x".getBytes(StandardCharsets.UTF_8));
      assertEquals(401, local.statusCode());
      assertTrue(tandem.stdout().stream().noneMatch(line -> line.contains(token)), "the token was logged");
      tandem.terminate();
      assertEquals(0, tandem.exitCode());
    }
  }

  @Test
  void aBrokenTokensFileIsOneConfigErrorLineAndExit78() throws Exception {
    Files.writeString(workDir.resolve("tokens.json"), "[{\"name\":\"ops\",\"tokenSha256\":\"abc\"}]");
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", "{\"auth\":{\"tokensFile\":\"tokens.json\"}}")) {
      assertEquals(78, tandem.exitCode());
      assertEquals(List.of("config error: auth.tokensFile tokens.json: principal 1 (\"ops\"): tokenSha256 must be 64 hex digits, "
          + "the token's SHA-256 (java -jar tandem.jar token prints a token and its line)"), tandem.stderr());
    }
  }
}
