package io.tandem.bridge;

import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.bus.Addresses;
import io.tandem.bus.Headers;
import io.tandem.chat.ChatVerticle;
import io.tandem.testing.LogCapture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TCP bridge with a tokens file: a client's first frame shows its token, or the connection is
 * answered and closed before anything it sent is acted on; what it may then use is the bridge's
 * lists narrowed to its principal's; every message it puts on the bus carries its principal's name,
 * which no client can set.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpBridgeAuthTest {

  private static final String SERVICE = "test.service";
  private static final String OPS = "ops-" + "a".repeat(40);
  private static final String VIEWER = "viewer-" + "b".repeat(40);

  /** The bridge with a tokens file; a consumer of SERVICE that answers with the headers it got. */
  private static int deploy(Vertx vertx, Path dir, int authTimeoutMs) throws Exception {
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, new JsonArray()
        .add(Principals.line("ops", Tokens.sha256Hex(OPS), List.of(), List.of(SERVICE), List.of(SERVICE)))
        .add(Principals.line("viewer", Tokens.sha256Hex(VIEWER), List.of(), List.of(), List.of())).encode());
    vertx.eventBus().<Object>consumer(SERVICE, message -> {
      JsonObject headers = new JsonObject();
      MultiMap got = message.headers();
      got.names().forEach(name -> headers.put(name, got.get(name)));
      message.reply(headers);
    }).completion().await(10, TimeUnit.SECONDS);
    JsonArray lists = new JsonArray().add(SERVICE).add("tandem.echo");
    JsonObject config = new JsonObject()
        .put("bridge", new JsonObject().put("tcpPort", 0).put("instances", 1).put("authTimeoutMs", authTimeoutMs)
            .put("inbound", lists).put("outbound", lists))
        .put("auth", new JsonObject().put("tokensFile", tokens.toString()));
    TcpBridgeVerticle bridge = new TcpBridgeVerticle();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    return bridge.actualPort();
  }

  private static JsonObject auth(String token) {
    return new JsonObject().put("type", "auth").put("token", token);
  }

  @Test
  void aKnownTokenIsAnsweredWithItsPrincipalAndItsMessagesCarryItsName(Vertx vertx, @TempDir Path dir) throws Exception {
    try (BridgeClient client = new BridgeClient(deploy(vertx, dir, 5000))) {
      client.send(auth(OPS));
      assertEquals(new JsonObject().put("type", "authed").put("name", "ops"), client.read());
      client.send(BridgeClient.request(SERVICE, "r1", "hi"));
      JsonObject reply = client.read();
      assertEquals("r1", reply.getString("address"), reply.encode());
      assertEquals("ops", reply.getJsonObject("body").getString(Headers.PRINCIPAL), "what the service saw: " + reply.encode());

      // a client cannot speak for another principal, nor for none
      client.send(BridgeClient.request(SERVICE, "r2", "hi").put("headers", new JsonObject().put("Tandem.Principal", "root")));
      JsonObject refused = client.read();
      assertEquals("invalid_frame", refused.getString("message"), refused.encode());
      assertTrue(refused.getString("reason").contains("tandem.principal is set by Tandem, never by a client"), refused.encode());

      client.send(auth(OPS));
      assertEquals("already authenticated as ops", client.read().getString("reason"));
      client.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", client.read().getString("type"), "the connection goes on");
    }
  }

  /** Through the bridge, a client with a token says chat lines as its principal, and cannot claim to be anyone else. */
  @Test
  void aChatLineFromAClientWithATokenIsItsPrincipals(Vertx vertx, @TempDir Path dir) throws Exception {
    Path tokens = dir.resolve("tokens.json");
    List<String> chat = List.of(Addresses.CHAT_SEND, Addresses.CHAT_ROOM + "*");
    Files.writeString(tokens, new JsonArray().add(Principals.line("ops", Tokens.sha256Hex(OPS), List.of(), chat, chat)).encode());
    vertx.deployVerticle(new ChatVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("chat", new JsonObject().put("host", "127.0.0.1").put("port", 0)))).await(10, TimeUnit.SECONDS);
    TcpBridgeVerticle bridge = new TcpBridgeVerticle();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(new JsonObject()
        .put("bridge", new JsonObject().put("tcpPort", 0).put("instances", 1).put("inbound", new JsonArray(chat)).put("outbound", new JsonArray(chat)))
        .put("auth", new JsonObject().put("tokensFile", tokens.toString())))).await(10, TimeUnit.SECONDS);
    try (BridgeClient client = new BridgeClient(bridge.actualPort())) {
      client.send(auth(OPS));
      assertEquals("authed", client.read().getString("type"));
      client.send(new JsonObject().put("type", "register").put("address", Addresses.CHAT_ROOM + "general"));
      // registered once the bridge answers a later frame: frames are handled in order
      client.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", client.read().getString("type"));
      client.send(BridgeClient.request(Addresses.CHAT_SEND, "said", new JsonObject().put("room", "#general").put("text", "hello")));
      JsonObject first = client.read();
      JsonObject second = client.read();
      JsonObject event = first.getString("address").equals("said") ? second : first;
      assertEquals("ops", event.getJsonObject("body").getString("from"), event.encode());
      assertEquals("hello", event.getJsonObject("body").getString("text"), event.encode());

      client.send(BridgeClient.request(Addresses.CHAT_SEND, "claimed", new JsonObject().put("room", "#general").put("from", "ada").put("text", "x")));
      JsonObject refused = client.read();
      assertEquals(400, refused.getInteger("failureCode"), refused.encode());
      assertEquals("from must be ops, the name your token belongs to, got \"ada\"", refused.getString("message"), refused.encode());
    }
  }

  @Test
  void aPrincipalUsesOnlyWhatBothListsAllow(Vertx vertx, @TempDir Path dir) throws Exception {
    try (BridgeClient client = new BridgeClient(deploy(vertx, dir, 5000))) {
      client.send(auth(VIEWER));
      assertEquals("viewer", client.read().getString("name"));
      client.send(BridgeClient.request(SERVICE, "r1", "hi"));
      JsonObject denied = client.read();
      assertEquals("ACCESS_DENIED", denied.getString("failureType"), denied.encode());
      assertEquals("principal viewer may not send to test.service (its permissions.inbound)", denied.getString("reason"));
      client.send(new JsonObject().put("type", "register").put("address", SERVICE));
      assertEquals("principal viewer may not subscribe to test.service (its permissions.outbound)", client.read().getString("reason"));
      client.send(BridgeClient.request("tandem.hello", "r2", "hi"));
      assertEquals("sending to tandem.hello is not on bridge.inbound", client.read().getString("reason"),
          "the principal's list never widens the bridge's");
    }
  }

  @Test
  void anyOtherFirstFrameOrAnUnknownTokenIsAnsweredThenClosed(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = deploy(vertx, dir, 5000);
    try (LogCapture log = new LogCapture(BridgeConnection.class.getName())) {
      try (BridgeClient client = new BridgeClient(port)) {
        client.send(BridgeClient.request(SERVICE, "r1", "hi"));
        client.send(auth(OPS)); // too late: nothing after the first frame is acted on
        JsonObject answer = client.read();
        assertEquals("auth_required", answer.getString("message"), answer.encode());
        assertTrue(client.closedByServer());
      }
      String guess = "guess-" + "c".repeat(40);
      try (BridgeClient client = new BridgeClient(port)) {
        client.send(auth(guess));
        assertEquals("auth_failed", client.read().getString("message"));
        assertTrue(client.closedByServer());
      }
      for (String line : log.drain()) {
        assertFalse(line.contains(guess) || line.contains(OPS), "a token in the log: " + line);
      }
    }
  }

  @Test
  void aClientThatShowsNoTokenInTimeIsToldAndClosed(Vertx vertx, @TempDir Path dir) throws Exception {
    try (BridgeClient client = new BridgeClient(deploy(vertx, dir, 200))) {
      JsonObject answer = client.read(); // sent nothing: the answer is the timeout's
      assertEquals("auth_required", answer.getString("message"));
      assertTrue(answer.getString("reason").startsWith("no auth frame within 200 ms"), answer.encode());
      assertTrue(client.closedByServer());
    }
  }

  @Test
  void withoutATokensFileAnAuthFrameIsRefusedAndTheConnectionGoesOn(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("bridge", new JsonObject().put("tcpPort", 0).put("instances", 1))
        .put("auth", new JsonObject());
    TcpBridgeVerticle bridge = new TcpBridgeVerticle();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    CompletableFuture<String> principal = new CompletableFuture<>();
    vertx.eventBus().<Object>consumer("tandem.echo", message -> {
      principal.complete(String.valueOf(message.headers().get(Headers.PRINCIPAL)));
      message.reply("ok");
    }).completion().await(10, TimeUnit.SECONDS);
    try (BridgeClient client = new BridgeClient(bridge.actualPort())) {
      client.send(auth(OPS));
      assertEquals("this bridge takes no tokens: auth.tokensFile is not set", client.read().getString("reason"));
      client.send(BridgeClient.request("tandem.echo", "r1", "hi"));
      assertEquals("ok", client.read().getString("body"));
      assertEquals("null", principal.get(10, TimeUnit.SECONDS), "no principal: no header");
    }
  }
}
