package io.tandem.e2e;

import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Who may do what, as one table: each principal of a tokens file (and a client with no token, and
 * one with a token nobody has) against HTTP endpoints, TCP-bridge frames and SockJS frames, through
 * the jar as users run it. Each cell is what the client got back; the table is compared whole, and
 * printed, so a change in any answer shows.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AuthMatrixIT {

  private static final String OPS = Tokens.newToken();
  private static final String FETCHER = Tokens.newToken();
  private static final String UNKNOWN = Tokens.newToken();

  @TempDir
  Path workDir;

  @Test
  void eachPrincipalGetsExactlyWhatItsPermissionsSay() throws Exception {
    Files.writeString(workDir.resolve("tokens.json"), new JsonArray()
        .add(Principals.line("ops", Tokens.sha256Hex(OPS), List.of("*"),
            List.of("tandem.echo", "tandem.hello", "tandem.fetch"), List.of("tandem.tcp.messages")))
        .add(Principals.line("fetcher", Tokens.sha256Hex(FETCHER), List.of("POST /fetch", "GET /eventbus"),
            List.of("tandem.fetch"), List.of())).encode());
    String config = "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":0},"
        + "\"bridge\":{\"tcpEnabled\":true,\"tcpPort\":0},\"fetcher\":{\"allowHosts\":[\"localhost\"]},"
        + "\"auth\":{\"tokensFile\":\"tokens.json\"}}";
    try (TandemProcess tandem = TandemProcess.start(workDir, Map.of(), "-conf", config)) {
      tandem.awaitStdout(line -> line.contains("Tandem ready in "));
      int http = tandem.port("HTTP");
      int bridge = tandem.port("TCP bridge");
      Map<String, String> clients = new LinkedHashMap<>();
      clients.put("ops", OPS);
      clients.put("fetcher", FETCHER);
      clients.put("no token", null);
      clients.put("unknown token", UNKNOWN);

      Map<String, List<String>> table = new LinkedHashMap<>();
      for (Map.Entry<String, String> client : clients.entrySet()) {
        List<String> row = new ArrayList<>();
        String token = client.getValue();
        row.add(status(http, "GET", "/", null, token));
        row.add(status(http, "POST", "/echo", "text/plain", token));
        row.add(status(http, "POST", "/fetch", "application/json", token));
        row.add(status(http, "POST", "/tcp/broadcast", "application/json", token));
        row.add(status(http, "GET", "/eventbus/info", null, token));
        row.add(status(http, "GET", "/health", null, token));
        row.add(status(http, "GET", "/metrics", null, token));
        row.addAll(overTcpBridge(bridge, token));
        row.addAll(overSockJs(http, token));
        table.put(client.getKey(), row);
      }
      List<String> columns = List.of("GET /", "POST /echo", "POST /fetch", "POST /tcp/broadcast", "GET /eventbus/info",
          "GET /health", "GET /metrics", "TCP bridge: auth", "TCP: request tandem.echo", "TCP: request tandem.fetch",
          "TCP: subscribe tandem.tcp.messages", "TCP: forged tandem.principal", "SockJS: request tandem.echo",
          "SockJS: subscribe tandem.tcp.messages");
      StringBuilder printed = new StringBuilder("| client | " + String.join(" | ", columns) + " |\n|---|"
          + "---|".repeat(columns.size()) + "\n");
      table.forEach((client, row) -> printed.append("| ").append(client).append(" | ").append(String.join(" | ", row)).append(" |\n"));
      System.out.println(printed);

      Map<String, List<String>> expected = new LinkedHashMap<>();
      expected.put("ops", List.of("200", "200", "400", "202", "200", "200", "200", "authed ops",
          "reply, tandem.principal=ops", "answered", "subscribed", "invalid_frame", "reply, tandem.principal=ops", "subscribed"));
      expected.put("fetcher", List.of("200", "403", "400", "403", "200", "200", "403", "authed fetcher",
          "access_denied", "answered", "access_denied", "invalid_frame", "access_denied", "access_denied"));
      expected.put("no token", List.of("200", "401", "401", "401", "401", "200", "401", "auth_required",
          "closed", "closed", "closed", "closed", "401", "401"));
      expected.put("unknown token", List.of("200", "401", "401", "401", "401", "200", "401", "auth_failed",
          "closed", "closed", "closed", "closed", "401", "401"));
      assertEquals(expected, table, printed.toString());
      assertEquals(List.of(), tandem.stdout().stream().filter(line -> line.contains(OPS) || line.contains(FETCHER)).toList(),
          "a token in the log");
    }
  }

  /** The status of one HTTP request (an empty JSON object or text as its body). */
  private static String status(int port, String method, String path, String type, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(java.time.Duration.ofSeconds(20));
    if (type != null) {
      request.header("Content-Type", type);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    String body = "application/json".equals(type) ? (path.equals("/tcp/broadcast") ? "{\"text\":\"matrix\"}" : "{}") : "x";
    request.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return Integer.toString(Http.client().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  /** The auth answer, then what a request to tandem.echo, one to tandem.fetch, a subscription and a forged header got. */
  private static List<String> overTcpBridge(int port, String token) throws Exception {
    List<String> cells = new ArrayList<>();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      // a client without a token sends what it came for: a ping, say
      write(socket, token == null ? new JsonObject().put("type", "ping") : new JsonObject().put("type", "auth").put("token", token));
      JsonObject answer = read(in);
      boolean authed = "authed".equals(answer.getString("type"));
      cells.add(authed ? "authed " + answer.getString("name") : answer.getString("message"));
      if (!authed) {
        // told, then closed: nothing after it is acted on
        cells.add(eof(in));
        cells.add(eof(in));
        cells.add(eof(in));
        cells.add(eof(in));
        return cells;
      }
      write(socket, request("tandem.echo", "r1", "hi", null));
      cells.add(describe(read(in)));
      write(socket, request("tandem.fetch", "r2", new JsonObject().put("urls", new JsonArray()), null));
      JsonObject fetch = read(in);
      cells.add("ACCESS_DENIED".equals(fetch.getString("failureType")) ? "access_denied" : "answered");
      write(socket, new JsonObject().put("type", "register").put("address", "tandem.tcp.messages").put("ack", true));
      JsonObject registered = read(in);
      cells.add("registered".equals(registered.getString("type")) ? "subscribed" : registered.getString("message"));
      write(socket, request("tandem.fetch", "r3", new JsonObject(), new JsonObject().put("tandem.principal", "root")));
      cells.add(read(in).getString("message"));
    }
    return cells;
  }

  private static String describe(JsonObject answer) {
    if ("err".equals(answer.getString("type"))) {
      return "ACCESS_DENIED".equals(answer.getString("failureType")) ? "access_denied" : answer.encode();
    }
    JsonObject headers = answer.getJsonObject("headers", new JsonObject());
    return headers.containsKey("tandem.principal") ? "reply, tandem.principal=" + headers.getString("tandem.principal") : "reply";
  }

  private static String eof(DataInputStream in) throws IOException {
    return in.read() < 0 ? "closed" : "open";
  }

  private static JsonObject request(String address, String replyAddress, Object body, JsonObject headers) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress).put("body", body);
    return headers == null ? frame : frame.put("headers", headers);
  }

  private static void write(Socket socket, JsonObject frame) throws IOException {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    socket.getOutputStream().write(ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array());
  }

  private static JsonObject read(DataInputStream in) throws IOException {
    byte[] json = new byte[in.readInt()];
    in.readFully(json);
    return new JsonObject(new String(json, StandardCharsets.UTF_8));
  }

  /** A request to tandem.echo and a subscription over the SockJS bridge's WebSocket, the token in its URL. */
  private static List<String> overSockJs(int port, String token) throws Exception {
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        partial.append(StandardCharsets.UTF_8.decode(data));
        if (last) {
          frames.add(new JsonObject(partial.toString()));
          partial.setLength(0);
        }
        webSocket.request(1);
        return null;
      }
    };
    String query = token == null ? "" : "?access_token=" + token;
    WebSocket socket;
    try {
      socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/eventbus/websocket" + query), listener).get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
        String status = Integer.toString(refused.getResponse().statusCode());
        return List.of(status, status);
      }
      throw e;
    }
    List<String> cells = new ArrayList<>();
    socket.sendText(request("tandem.echo", "s1", "hi", null).encode(), true).get(10, TimeUnit.SECONDS);
    JsonObject answer = frames.poll(20, TimeUnit.SECONDS);
    String cell = "rec".equals(answer.getString("type")) ? describe(answer.put("type", "message")) : describe(answer);
    cells.add(cell);
    if (cell.equals("access_denied")) {
      frames.poll(20, TimeUnit.SECONDS); // Vert.x Web's own answer follows Tandem's
    }
    socket.sendText(new JsonObject().put("type", "register").put("address", "tandem.tcp.messages").put("ack", true).encode(), true)
        .get(10, TimeUnit.SECONDS);
    JsonObject registered = frames.poll(20, TimeUnit.SECONDS);
    cells.add("registered".equals(registered.getString("type")) ? "subscribed" : registered.getString("message"));
    socket.abort();
    return cells;
  }
}
