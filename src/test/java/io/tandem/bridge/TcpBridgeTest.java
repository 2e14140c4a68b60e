package io.tandem.bridge;

import io.tandem.bus.Addresses;
import io.tandem.config.BridgeSettings;
import io.tandem.echo.TcpEchoVerticle;
import io.tandem.testing.Sockets;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpBridgeTest {

  private static final int FRAMES_PER_SECOND = 50;

  /** An address a test verticle sends requests to, for a bridge client to serve. */
  private static final String QUESTIONS = "test.questions";

  /**
   * The TCP echo verticle (tandem.echo, tandem.tcp.*) and the bridge, both on free ports; clients
   * may subscribe to {@link #QUESTIONS} besides the default outbound addresses.
   */
  private static int[] deploy(Vertx vertx) throws Exception {
    JsonArray outbound = new JsonArray(new ArrayList<>(BridgeSettings.DEFAULT_OUTBOUND)).add(QUESTIONS);
    JsonObject config = new JsonObject()
        .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
        .put("bridge", new JsonObject().put("tcpPort", 0).put("instances", 1).put("maxFrameBytes", 1024)
            .put("maxFramesPerSecond", FRAMES_PER_SECOND).put("outbound", outbound))
        .put("auth", new JsonObject());
    List<TcpEchoVerticle> echo = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> {
      TcpEchoVerticle verticle = new TcpEchoVerticle();
      echo.add(verticle);
      return verticle;
    }, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    TcpBridgeVerticle bridge = new TcpBridgeVerticle();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    return new int[] {bridge.actualPort(), echo.get(0).actualPort()};
  }

  @Test
  void requestsPingsAndFailuresComeBackAsTheStockBridgeFrames(Vertx vertx) throws Exception {
    try (BridgeClient client = new BridgeClient(deploy(vertx)[0])) {
      client.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", client.read().getString("type"));

      client.send(BridgeClient.request(Addresses.ECHO, "r1", new JsonObject().put("hi", "there")).put("headers", new JsonObject().put("x-trace", "abc")));
      JsonObject reply = client.read();
      assertEquals("message", reply.getString("type"));
      assertEquals("r1", reply.getString("address"));
      assertEquals(new JsonObject().put("hi", "there"), reply.getJsonObject("body"));
      assertEquals("abc", reply.getJsonObject("headers").getString("x-trace"));

      client.send(BridgeClient.request(Addresses.TCP_SEND, "r2", new JsonObject().put("connection", "nobody-1").put("text", "x")));
      JsonObject failed = client.read();
      assertEquals("err", failed.getString("type"));
      assertEquals("r2", failed.getString("address"));
      assertEquals(404, failed.getInteger("failureCode"));
      assertEquals("RECIPIENT_FAILURE", failed.getString("failureType"));
    }
  }

  @Test
  void addressesOffThePermissionListAreRefusedWithAnErrorFrame(Vertx vertx) throws Exception {
    try (BridgeClient client = new BridgeClient(deploy(vertx)[0])) {
      client.send(BridgeClient.request("tandem.fetch.cancel", "r1", new JsonObject().put("id", "x")));
      JsonObject denied = client.read();
      assertEquals("err", denied.getString("type"));
      assertEquals("r1", denied.getString("address"), "a request learns of it on its reply address");
      assertEquals("access_denied", denied.getString("message"));

      client.send(new JsonObject().put("type", "register").put("address", Addresses.FETCH_URL));
      assertEquals("access_denied", client.read().getString("message"));

      // the fetcher must not be made to publish a batch's results to any address at all
      client.send(BridgeClient.request(Addresses.FETCH, "r2", new JsonObject().put("urls", new JsonArray().add("http://x/"))
          .put("progressAddress", Addresses.TCP_BROADCAST)));
      JsonObject progress = client.read();
      assertEquals("access_denied", progress.getString("message"));
      assertTrue(progress.getString("reason").contains("progressAddress"), progress.encode());
    }
  }

  @Test
  void aSubscriptionReceivesWhatATcpClientTypes(Vertx vertx) throws Exception {
    int[] ports = deploy(vertx);
    try (BridgeClient client = new BridgeClient(ports[0])) {
      client.send(new JsonObject().put("type", "register").put("address", Addresses.TCP_MESSAGES));
      // a ping answered after the register means the register was handled
      client.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", client.read().getString("type"));
      try (Socket typist = Sockets.connect(ports[1])) {
        assertEquals("hello bridge\n", Sockets.roundTrip(typist, "hello bridge\n"));
        JsonObject message = client.read();
        assertEquals(Addresses.TCP_MESSAGES, message.getString("address"));
        assertEquals("hello bridge", message.getJsonObject("body").getString("text"));
        assertEquals(false, message.getBoolean("send"));
        assertFalse(message.containsKey("replyAddress"), "a published message cannot be answered");
      }
      // published within some request's trace: its trace headers are not the subscriber's to see
      vertx.eventBus().publish(Addresses.TCP_MESSAGES, new JsonObject().put("text", "traced"), new DeliveryOptions()
          .addHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").addHeader("TraceState", "a=b")
          .addHeader("kept", "yes"));
      assertEquals(new JsonObject().put("kept", "yes"), client.read().getJsonObject("headers"));
      client.send(new JsonObject().put("type", "unregister").put("address", "tandem.tcp.connections"));
      assertEquals("unknown_address", client.read().getString("message"));
    }
  }

  @Test
  void aRegisterThatAsksIsAcknowledgedOnceTheSubscriptionIsInPlace(Vertx vertx) throws Exception {
    int[] ports = deploy(vertx);
    try (BridgeClient client = new BridgeClient(ports[0])) {
      client.send(new JsonObject().put("type", "register").put("address", Addresses.TCP_CONNECTIONS).put("ack", true));
      assertEquals(new JsonObject().put("type", "registered").put("address", Addresses.TCP_CONNECTIONS), client.read());
      vertx.eventBus().publish(Addresses.TCP_CONNECTIONS, new JsonObject().put("type", "connected"));
      assertEquals("connected", client.read().getJsonObject("body").getString("type"));

      // asking again acks again and subscribes once; without asking, nothing comes back
      client.send(new JsonObject().put("type", "register").put("address", Addresses.TCP_CONNECTIONS).put("ack", true));
      assertEquals("registered", client.read().getString("type"));
      client.send(new JsonObject().put("type", "register").put("address", Addresses.TCP_MESSAGES));
      vertx.eventBus().publish(Addresses.TCP_CONNECTIONS, new JsonObject().put("type", "disconnected"));
      assertEquals("disconnected", client.read().getJsonObject("body").getString("type"));
      client.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", client.read().getString("type"), "one message for one subscription, no ack unasked");
    }
  }

  /** Subscribes the client to {@link #QUESTIONS}; returns once the subscription is in place. */
  private static void serveQuestions(BridgeClient client) throws Exception {
    client.send(new JsonObject().put("type", "register").put("address", QUESTIONS).put("ack", true));
    assertEquals("registered", client.read().getString("type"));
  }

  @Test
  void aClientAnswersARequestItReceivedWithAReplyOrAFailure(Vertx vertx) throws Exception {
    try (BridgeClient client = new BridgeClient(deploy(vertx)[0])) {
      serveQuestions(client);
      Future<Message<Object>> first = vertx.eventBus().request(QUESTIONS, "how are you?");
      JsonObject question = client.read();
      assertEquals(QUESTIONS, question.getString("address"));
      assertEquals("how are you?", question.getString("body"));
      assertEquals(true, question.getBoolean("send"));
      String replyAddress = question.getString("replyAddress");
      assertTrue(replyAddress.startsWith("__vertx.reply."), question.encode());

      client.send(new JsonObject().put("type", "send").put("address", replyAddress).put("body", "well")
          .put("headers", new JsonObject().put("x-mood", "good")));
      Message<Object> answer = first.await(10, TimeUnit.SECONDS);
      assertEquals("well", answer.body());
      assertEquals("good", answer.headers().get("x-mood"));

      // once only: the same reply address again is refused, and so is one it never received
      client.send(new JsonObject().put("type", "send").put("address", replyAddress).put("body", "again"));
      assertEquals("access_denied", client.read().getString("message"));
      client.send(BridgeClient.request("__vertx.reply.999999", "r1", "made up"));
      JsonObject madeUp = client.read();
      assertEquals("access_denied", madeUp.getString("message"));
      assertEquals("r1", madeUp.getString("address"));

      Future<Message<Object>> second = vertx.eventBus().request(QUESTIONS, "may I?");
      String secondAddress = client.read().getString("replyAddress");
      client.send(new JsonObject().put("type", "publish").put("address", secondAddress).put("body", "to everyone"));
      assertEquals("access_denied", client.read().getString("message"));
      client.send(new JsonObject().put("type", "send").put("address", secondAddress).put("failureCode", "teapot"));
      assertEquals("invalid_frame", client.read().getString("message"));
      // neither refusal used the answer up
      client.send(new JsonObject().put("type", "send").put("address", secondAddress).put("failureCode", 418).put("message", "no, I am a teapot"));
      ReplyException refused = assertThrows(ReplyException.class, () -> second.await(10, TimeUnit.SECONDS));
      assertEquals(418, refused.failureCode());
      assertEquals(ReplyFailure.RECIPIENT_FAILURE, refused.failureType());
      assertEquals("no, I am a teapot", refused.getMessage());
    }
  }

  @Test
  void anAnswerWithAReplyAddressGoesOnAsAConversation(Vertx vertx) throws Exception {
    try (BridgeClient client = new BridgeClient(deploy(vertx)[0])) {
      serveQuestions(client);
      Future<Message<Object>> asked = vertx.eventBus().request(QUESTIONS, "ready?");
      String replyAddress = client.read().getString("replyAddress");
      client.send(BridgeClient.request(replyAddress, "c1", "are you?"));
      Message<Object> counter = asked.await(10, TimeUnit.SECONDS);
      assertEquals("are you?", counter.body());
      counter.reply("yes");
      JsonObject back = client.read();
      assertEquals("c1", back.getString("address"));
      assertEquals("yes", back.getString("body"));
    }
  }

  @Test
  void requestsLeftUnansweredFailAtOnceWhenTheClientGoesAway(Vertx vertx) throws Exception {
    Future<Message<Object>> asked;
    try (BridgeClient client = new BridgeClient(deploy(vertx)[0])) {
      serveQuestions(client);
      // a timeout far beyond the wait below: the failure comes from the close, not from the timer
      asked = vertx.eventBus().request(QUESTIONS, "still there?", new DeliveryOptions().setSendTimeout(120_000));
      assertEquals("still there?", client.read().getString("body"));
    }
    ReplyException gone = assertThrows(ReplyException.class, () -> asked.await(20, TimeUnit.SECONDS));
    assertEquals(503, gone.failureCode());
    assertTrue(gone.getMessage().contains("went away"), gone.getMessage());
  }

  @Test
  void everyBadFrameIsAnsweredAndTheConnectionGoesOn(Vertx vertx) throws Exception {
    try (BridgeClient client = new BridgeClient(deploy(vertx)[0])) {
      client.sendFrameBytes("not json".getBytes(StandardCharsets.UTF_8));
      assertEquals("invalid_json", client.read().getString("message"));
      client.sendFrameBytes("[1,2]".getBytes(StandardCharsets.UTF_8));
      assertEquals("invalid_json", client.read().getString("message"));
      client.send(new JsonObject().put("address", Addresses.ECHO));
      assertEquals("unknown_type", client.read().getString("message"));
      client.send(new JsonObject().put("type", "bogus"));
      JsonObject unknown = client.read();
      assertEquals("unknown_type", unknown.getString("message"));
      assertTrue(unknown.getString("reason").contains("bogus"), unknown.encode());
      client.send(new JsonObject().put("type", "send"));
      assertEquals("missing_address", client.read().getString("message"));
      client.send(BridgeClient.request(Addresses.ECHO, "r1", "x").put("headers", new JsonObject().put("timeout", "soon")));
      assertEquals("invalid_frame", client.read().getString("message"));
      // an overlong "/": Jackson would read it into the text
      client.sendFrameBytes(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'});
      JsonObject notText = client.read();
      assertEquals("invalid_json", notText.getString("message"));
      assertTrue(notText.getString("reason").contains("UTF-8"), notText.encode());
      // after all that, the stock bridge would have gone silent; this one still answers
      client.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", client.read().getString("type"));
    }
  }

  @Test
  void aLengthOverTheLimitIsAnsweredThenClosed(Vertx vertx) throws Exception {
    int port = deploy(vertx)[0];
    try (BridgeClient client = new BridgeClient(port)) {
      client.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0});
      JsonObject refused = client.read();
      assertEquals("frame_too_large", refused.getString("message"));
      assertTrue(refused.getString("reason").contains("4294967280 bytes"), refused.encode());
      assertTrue(client.closedByServer());
    }
    try (BridgeClient other = new BridgeClient(port)) {
      other.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", other.read().getString("type"), "every other client is still served");
    }
  }

  @Test
  void aFloodIsSlowedDownNotDroppedAndOthersAreServedMeanwhile(Vertx vertx) throws Exception {
    int port = deploy(vertx)[0];
    int flood = 3 * FRAMES_PER_SECOND;
    try (BridgeClient flooder = new BridgeClient(port); BridgeClient other = new BridgeClient(port)) {
      byte[] ping = new JsonObject().put("type", "ping").encode().getBytes(StandardCharsets.UTF_8);
      java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < flood; i++) {
        frames.write(java.nio.ByteBuffer.allocate(4).putInt(ping.length).array());
        frames.write(ping);
      }
      flooder.sendRaw(frames.toByteArray());
      // three seconds' worth of frames: the other client is answered while the flood is held back
      other.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", other.read().getString("type"));
      int pongBytes = Frames.encode(Frames.pong()).length();
      assertTrue(flooder.available() < flood * pongBytes, "the flood was answered at once, not slowed down");
      for (int i = 0; i < flood; i++) {
        assertEquals("pong", flooder.read().getString("type"), "pong " + i + " of " + flood);
      }
    }
  }
}
