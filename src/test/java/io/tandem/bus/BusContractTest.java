package io.tandem.bus;

import io.tandem.MainVerticle;
import io.tandem.chat.ChatLineClient;
import io.tandem.fetch.Origin;
import io.tandem.testing.Sockets;
import io.tandem.testing.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-bus contract as JSON Schema ({@code openapi/bus.json}, served at
 * {@code GET /openapi/bus.json}) cannot drift from {@code bus/}: every address of
 * {@link Addresses} has its entry, every failure code is one of {@link FailureCodes}, and real
 * messages of the deployed verticles — requests, replies, published messages, each failure —
 * validate against it (vertx-json-schema, draft 2020-12).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BusContractTest {

  private static final String BASE = "app:///bus.json";

  private JsonObject raw;
  private SchemaRepository schemas;

  @BeforeEach
  void load() throws Exception {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi/bus.json")) {
      assertNotNull(in, "openapi/bus.json is in the jar");
      raw = new JsonObject(Buffer.buffer(in.readAllBytes()));
    }
    schemas = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE).setOutputFormat(OutputFormat.Basic));
    schemas.dereference(BASE, JsonSchema.of(raw.copy()));
  }

  @Test
  void everyAddressHasItsEntryWithItsPatternSchemasAndFailureCodes() throws Exception {
    JsonObject defs = raw.getJsonObject("$defs");
    Set<String> documented = new TreeSet<>(defs.fieldNames().stream().filter(name -> name.startsWith("tandem.")).toList());
    Set<String> labels = new TreeSet<>(Addresses.metricLabels());
    labels.remove("other");
    assertEquals(labels, documented, "the schema's addresses are Addresses' (templates as their meters name them)");
    for (Field field : Addresses.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String address = (String) field.get(null);
        assertTrue(address.endsWith(".") ? documented.stream().anyMatch(name -> name.startsWith(address) && name.contains("{"))
            : documented.contains(address), "Addresses." + field.getName() + " (" + address + ") is not in bus.json");
      }
    }
    Set<Integer> codes = new TreeSet<>();
    for (Field field : FailureCodes.class.getFields()) {
      codes.add(field.getInt(null));
    }
    for (String address : documented) {
      JsonObject entry = defs.getJsonObject(address);
      Set<String> parts = entry.getJsonObject("$defs").fieldNames();
      String pattern = entry.getString("x-pattern");
      if ("request-reply".equals(pattern)) {
        assertEquals(Set.of("request", "reply"), parts, address);
        for (String code : entry.getJsonObject("x-failureCodes").fieldNames()) {
          assertTrue(codes.contains(Integer.parseInt(code)), address + " fails " + code + ", which is none of FailureCodes " + codes);
        }
      } else {
        assertEquals("publish", pattern, address);
        assertEquals(Set.of("message"), parts, address);
        assertTrue(Set.of("you", "tandem").contains(entry.getString("x-publisher")), address);
      }
    }
  }

  /**
   * Each file stands alone (a tool reads one), so the shapes both describe are written in both:
   * they must be the same, and the HTTP fetch requests the bus's but for the three fields HTTP's
   * front sets itself.
   */
  @Test
  void whatTheHttpDocumentSharesWithTheBusSchemaIsTheSame() throws Exception {
    JsonObject openapi;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi/openapi.json")) {
      assertNotNull(in, "openapi/openapi.json is in the jar");
      openapi = new JsonObject(Buffer.buffer(in.readAllBytes()).toString(StandardCharsets.UTF_8).replace("#/components/schemas/", "#/$defs/"));
    }
    JsonObject http = openapi.getJsonObject("components").getJsonObject("schemas");
    JsonObject bus = raw.getJsonObject("$defs");
    for (String shared : List.of("FetchResult", "FetchError", "Timings", "UrlEntry", "Retry", "PerHost", "Method", "Headers", "BodyMode")) {
      assertEquals(http.getJsonObject(shared), bus.getJsonObject(shared), shared);
    }
    Set<String> serversOwn = Set.of("id", "progressAddress", "progressOnly");
    for (String[] pair : new String[][] {{"FetchRequest", Addresses.FETCH}, {"ChainRequest", Addresses.FETCH_CHAIN}}) {
      JsonObject overHttp = http.getJsonObject(pair[0]).getJsonObject("properties");
      JsonObject onTheBus = bus.getJsonObject(pair[1]).getJsonObject("$defs").getJsonObject("request").getJsonObject("properties").copy();
      serversOwn.forEach(onTheBus::remove);
      assertEquals(overHttp.fieldNames(), onTheBus.fieldNames(), pair[0]);
      for (String field : overHttp.fieldNames()) {
        assertEquals(overHttp.getJsonObject(field).copy().put("description", ""), onTheBus.getJsonObject(field).copy().put("description", ""),
            pair[0] + "." + field);
      }
    }
  }

  @Test
  void realMessagesOfEveryAddressMatchTheSchema(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    MainVerticle main = TestService.deploy(vertx, new JsonObject()
        .put("fetcher", new JsonObject().put("instances", 1).put("allowHosts", new JsonArray().add("127.0.0.1"))));

    // tandem.hello, tandem.echo
    assertEquals("Hello, Ada!", ask(vertx, Addresses.HELLO, new JsonObject().put("name", "Ada")).getString("message"));
    ask(vertx, Addresses.HELLO, new JsonObject());
    malformed(vertx, Addresses.HELLO, new JsonObject().put("name", 7));
    JsonObject anything = new JsonObject().put("a", new JsonArray().add(1).add("two"));
    assertValid(Addresses.ECHO, "request", anything);
    Object echoed = vertx.eventBus().request(Addresses.ECHO, anything).await(10, TimeUnit.SECONDS).body();
    assertValid(Addresses.ECHO, "reply", echoed);
    assertEquals(anything, echoed);

    // the TCP addresses, with a real client connected to the echo
    BlockingQueue<Object> connections = listen(vertx, Addresses.TCP_CONNECTIONS);
    BlockingQueue<Object> lines = listen(vertx, Addresses.TCP_MESSAGES);
    try (Socket socket = Sockets.connect(main.tcpPort())) {
      JsonObject connected = (JsonObject) published(Addresses.TCP_CONNECTIONS, connections);
      assertEquals("connected", connected.getString("type"));
      String id = connected.getString("connection");
      assertEquals("héllo\n", Sockets.roundTrip(socket, "héllo\n"));
      assertEquals("héllo", ((JsonObject) published(Addresses.TCP_MESSAGES, lines)).getString("text"));
      InputStream in = socket.getInputStream();
      assertEquals(new JsonObject().put("ok", true), ask(vertx, Addresses.TCP_SEND, TcpMessages.send(id, "to you")));
      assertEquals("to you", Sockets.readLine(in).strip());
      String node = id.substring(0, id.lastIndexOf('-'));
      JsonObject handed = TcpMessages.send(id, "handed over");
      assertValid(Addresses.TCP_SEND_NODE + "{node}", "request", handed);
      assertValid(Addresses.TCP_SEND_NODE + "{node}", "reply",
          vertx.eventBus().request(Addresses.TCP_SEND_NODE + node, handed).await(10, TimeUnit.SECONDS).body());
      assertEquals("handed over", Sockets.readLine(in).strip());
      refused(vertx, Addresses.TCP_SEND, TcpMessages.send(node + "-999999", "x"), 404);
      malformed(vertx, Addresses.TCP_SEND, new JsonObject().put("text", "x"));
      JsonObject broadcast = TcpMessages.broadcast("to all");
      assertValid(Addresses.TCP_BROADCAST, "message", broadcast);
      vertx.eventBus().publish(Addresses.TCP_BROADCAST, broadcast);
      assertEquals("to all", Sockets.readLine(in).strip());
      OutputStream out = socket.getOutputStream();
      out.write("bye\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertEquals("bye", ((JsonObject) published(Addresses.TCP_MESSAGES, lines)).getString("text"));
    }
    assertEquals("disconnected", ((JsonObject) published(Addresses.TCP_CONNECTIONS, connections)).getString("type"));

    // the chat's addresses, with a real chat client in the room
    BlockingQueue<Object> general = listen(vertx, ChatMessages.roomAddress("#general"));
    BlockingQueue<Object> everyRoom = listen(vertx, Addresses.CHAT_DELIVER);
    try (ChatLineClient ada = ChatLineClient.as(main.chatPort(), "ada")) {
      assertEquals("joined", ((JsonObject) published(Addresses.CHAT_ROOM + "{name}", general)).getString("type"));
      published(Addresses.CHAT_DELIVER, everyRoom);
      String id = ask(vertx, Addresses.CHAT_SEND, new JsonObject().put("room", "#general").put("from", "bus").put("text", "hi ada"))
          .getString("id");
      ada.await("[#general] bus: hi ada");
      assertEquals(id, ((JsonObject) published(Addresses.CHAT_ROOM + "{name}", general)).getString("id"));
      published(Addresses.CHAT_DELIVER, everyRoom);
      ask(vertx, Addresses.CHAT_SEND, new JsonObject().put("to", "ada").put("from", "bus").put("text", "psst"));
      ada.await("[private] bus: psst");
      JsonObject history = ask(vertx, Addresses.CHAT_HISTORY, new JsonObject().put("room", "#general").put("limit", 5));
      assertEquals(id, history.getJsonArray("messages").getJsonObject(0).getString("id"));
      assertEquals(new JsonArray().add("ada"), ask(vertx, Addresses.CHAT_WHO, new JsonObject().put("room", "#general")).getJsonArray("nicks"));
      assertEquals("#general", ask(vertx, Addresses.CHAT_WHO, new JsonObject()).getJsonArray("rooms").getJsonObject(0).getString("room"));
      refused(vertx, Addresses.CHAT_SEND, new JsonObject().put("room", "#general").put("from", "ADA").put("text", "as her"), 409);
      refused(vertx, Addresses.CHAT_SEND, new JsonObject().put("to", "nobody").put("from", "bus").put("text", "x"), 404);
      malformed(vertx, Addresses.CHAT_SEND, new JsonObject().put("room", "#general").put("to", "ada").put("from", "bus").put("text", "x"));
      malformed(vertx, Addresses.CHAT_SEND, new JsonObject().put("room", "general").put("from", "bus").put("text", "x"));
      malformed(vertx, Addresses.CHAT_HISTORY, new JsonObject().put("room", "#general").put("limit", 0));
      malformed(vertx, Addresses.CHAT_WHO, new JsonObject().put("room", "#General"));
      // served node by node (the node id is the chat's own): its messages as a private line carries them
      assertValid(Addresses.CHAT_PRIVATE_NODE + "{node}", "request", new JsonObject().put("connection", "3").put("id", "private/n-1")
          .put("from", "bus").put("to", "ada").put("text", "psst").put("at", "2026-12-07T20:00:00Z"));
      assertValid(Addresses.CHAT_PRIVATE_NODE + "{node}", "reply", new JsonObject().put("id", "private/n-1"));
    }
    assertEquals("left", ((JsonObject) published(Addresses.CHAT_ROOM + "{name}", general)).getString("type"));

    // tandem.fetch, its progress address, tandem.fetch.chain, tandem.fetch.cancel, tandem.fetch.url
    String progress = Addresses.FETCH_PROGRESS + "contract";
    BlockingQueue<Object> results = listen(vertx, progress);
    JsonObject batch = new JsonObject()
        .put("urls", new JsonArray().add(origin.url("/redirect/1")).add(origin.url("/status/404")).add("http://10.255.255.1/")
            .add(new JsonObject().put("url", origin.url("/inspect")).put("method", "PUT").put("body", "text")))
        .put("timings", true).put("sha256", true).put("progressAddress", progress).put("id", "contract-batch");
    JsonObject reply = ask(vertx, Addresses.FETCH, batch);
    assertEquals(4, reply.getJsonArray("results").size());
    for (int i = 0; i < 4; i++) {
      published(Addresses.FETCH_PROGRESS + "{name}", results);
    }
    JsonObject summary = ask(vertx, Addresses.FETCH, batch.copy().put("progressOnly", true).put("id", "contract-summary"));
    assertFalse(summary.containsKey("results"), summary.encode());
    for (int i = 0; i < 4; i++) {
      published(Addresses.FETCH_PROGRESS + "{name}", results);
    }
    malformed(vertx, Addresses.FETCH, new JsonObject().put("urls", new JsonArray()));
    malformed(vertx, Addresses.FETCH, new JsonObject().put("urls", new JsonArray().add("http://x/")).put("progressAddress", "tandem.echo"));

    assertEquals("no-next", ask(vertx, Addresses.FETCH_CHAIN, new JsonObject().put("url", origin.url("/chain/0?n=2"))).getString("stoppedBecause"));
    malformed(vertx, Addresses.FETCH_CHAIN, new JsonObject());

    JsonObject hanging = new JsonObject().put("urls", new JsonArray().add(origin.url("/hang"))).put("timeoutMs", 60_000).put("id", "contract-cancel");
    assertValid(Addresses.FETCH, "request", hanging);
    origin.clearArrivals();
    Future<Message<Object>> cancelled = vertx.eventBus().request(Addresses.FETCH, hanging);
    origin.awaitRequests(1);
    JsonObject cancel = new JsonObject().put("id", "contract-cancel");
    assertValid(Addresses.FETCH_CANCEL, "message", cancel);
    vertx.eventBus().publish(Addresses.FETCH_CANCEL, cancel);
    Object stopped = cancelled.await(10, TimeUnit.SECONDS).body();
    assertValid(Addresses.FETCH, "reply", stopped);
    assertEquals("cancelled", ((JsonObject) stopped).getJsonArray("results").getJsonObject(0).getJsonObject("error").getString("kind"));

    JsonObject job = new JsonObject().put("id", "contract-job").put("index", 0).put("url", origin.url("/bytes/3")).put("timings", true);
    assertEquals(3, ask(vertx, Addresses.FETCH_URL, job).getInteger("bytes"));
    malformed(vertx, Addresses.FETCH_URL, new JsonObject());
    // served only on a clustered bus; its messages are tandem.fetch.url's
    assertValid(Addresses.FETCH_URL_NODE + "{node}", "request", job);
  }

  /** Requests {@code body} (valid by the schema) and returns the reply, held to the schema too. */
  private JsonObject ask(Vertx vertx, String address, JsonObject body) throws Exception {
    assertValid(address, "request", body);
    Object reply = vertx.eventBus().request(address, body).await(10, TimeUnit.SECONDS).body();
    assertValid(address, "reply", reply);
    return assertInstanceOf(JsonObject.class, reply);
  }

  /** A request the schema refuses, which the service fails 400. */
  private void malformed(Vertx vertx, String address, JsonObject body) {
    OutputUnit result = validate(address, "request", body);
    assertFalse(result.getValid(), address + ": the schema allows " + body + ", which the service refuses");
    refused(vertx, address, body, FailureCodes.BAD_REQUEST);
  }

  /** The service fails the request with {@code code}, one its entry lists. */
  private void refused(Vertx vertx, String address, JsonObject body, int code) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> vertx.eventBus().request(address, body).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    ReplyException failure = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(code, failure.failureCode(), failure.getMessage());
    assertTrue(raw.getJsonObject("$defs").getJsonObject(address).getJsonObject("x-failureCodes").containsKey(String.valueOf(code)),
        address + " fails " + code + ", which its entry does not list");
  }

  private static BlockingQueue<Object> listen(Vertx vertx, String address) throws Exception {
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    vertx.eventBus().consumer(address, message -> received.add(message.body())).completion().await(10, TimeUnit.SECONDS);
    return received;
  }

  /** The next message published there, held to the schema of {@code entry}. */
  private Object published(String entry, BlockingQueue<Object> received) throws InterruptedException {
    Object message = received.poll(10, TimeUnit.SECONDS);
    assertNotNull(message, "nothing published for " + entry);
    assertValid(entry, "message", message);
    return message;
  }

  private OutputUnit validate(String address, String part, Object body) {
    return schemas.validator(JsonSchema.of(new JsonObject().put("$ref", BASE + "#/$defs/" + encode(address) + "/$defs/" + part)))
        .validate(body);
  }

  private void assertValid(String address, String part, Object body) {
    OutputUnit result = validate(address, part, body);
    List<String> errors = new ArrayList<>();
    if (result.getErrors() != null) {
      result.getErrors().forEach(error -> errors.add(error.getInstanceLocation() + ": " + error.getError()));
    }
    assertTrue(result.getValid(), () -> address + " " + part + " " + body + ": " + errors);
  }

  /** An address as a URI fragment holds it: a template's braces percent-encoded. */
  private static String encode(String address) {
    return address.replace("{", "%7B").replace("}", "%7D");
  }
}
