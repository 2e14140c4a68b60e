package io.tandem.http;

import ch.qos.logback.classic.Level;
import io.tandem.MainVerticle;
import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.config.AuthSettings;
import io.tandem.config.ConfigLoader;
import io.tandem.config.VerticleConfig;
import io.tandem.fetch.Origin;
import io.tandem.testing.Http;
import io.tandem.testing.LogCapture;
import io.tandem.testing.MeteredVertx;
import io.tandem.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document ({@code openapi/openapi.json}, served at {@code GET /openapi.json}) cannot
 * drift from the API: real requests of a real client to the whole service, each request checked
 * with vertx-openapi's {@link RequestValidator} and each answer with its {@link ResponseValidator}
 * (what those cannot load, streamed lines and events, the test checks against the schemas the
 * document names: see {@link ApiContract}); every operation of the document is driven; every
 * route of the Router is in the document, and every permission of {@link AuthSettings#ENDPOINTS}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenApiContractTest {

  private static final String OPS = "ops-" + "a".repeat(40);
  private static final String FETCHER = "fetcher-" + "b".repeat(40);
  /** Always open, named by no permission, like /health. */
  private static final Set<String> OPEN = Set.of("health", "ready", "openapi", "busSchema");

  private Vertx vertx;
  private ApiContract api;
  private RequestValidator requests;
  private ResponseValidator responses;
  private final Set<String> validated = new TreeSet<>();

  @BeforeEach
  void start() throws Exception {
    // built as the launcher builds it, so that /metrics is served
    vertx = MeteredVertx.create();
    api = ApiContract.load(vertx);
    requests = RequestValidator.create(vertx, api.contract);
    responses = ResponseValidator.create(vertx, api.contract);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void everyOperationAnswersAsTheDocumentSays() throws Exception {
    Origin origin = Origin.start(vertx);
    MainVerticle main = TestService.deploy(vertx, new JsonObject()
        .put("http", new JsonObject().put("maxBodyBytes", 10_000))
        .put("fetcher", new JsonObject().put("instances", 1).put("allowHosts", new JsonArray().add("127.0.0.1"))));
    Http http = new Http(main.httpPort());
    try (LogCapture log = new LogCapture("io.tandem")) {
      // the greeting
      documented(call(http, "GET", "/", null));
      documented(call(http, "GET", "/?delay=10", null));
      assertEquals("delay must be an integer 0..10000 (milliseconds), got \"abc\"", refused(call(http, "GET", "/?delay=abc", null), 400));
      assertEquals("Hello, world!", text(documented(call(http, "GET", "/hello", null))));
      assertEquals("Hello, Ada Lovelace!", text(documented(call(http, "GET", "/hello/Ada%20Lovelace", null))));
      answered(call(http, "GET", "/hello/" + "a".repeat(300), null), 400);

      // the bus fronts
      byte[] bytes = {0, (byte) 0xff, 'h', 'i', '\n'};
      Exchange echo = documented(call(http, "POST", "/echo", bytes, "Content-Type", "application/x-anything"));
      assertArrayEquals(bytes, echo.response.body());
      assertEquals("application/x-anything", echo.contentType());
      documented(call(http, "POST", "/echo", new byte[0]));
      answered(call(http, "POST", "/echo", new byte[10_001], "Content-Type", "text/plain"), 413);
      documented(call(http, "POST", "/tcp/broadcast", json("{\"text\":\"hi all\"}"), "Content-Type", "application/json"));
      refused(call(http, "POST", "/tcp/broadcast", json("{\"text\":5}"), "Content-Type", "application/json"), 400);
      refused(call(http, "POST", "/tcp/broadcast", json("{\"text\":"), "Content-Type", "application/json"), 400);
      refused(call(http, "POST", "/tcp/broadcast", json("{\"text\":\"x\"}"), "Content-Type", "text/plain"), 415);

      // the fetcher: JSON, NDJSON, server-sent events, and a batch that fills in most of a result's fields
      String batch = new JsonObject().put("urls", new JsonArray().add(origin.url("/bytes/5")).add(origin.url("/status/404"))
          .add("http://10.255.255.1/").add("not a url")).encode();
      JsonObject reply = new JsonObject(text(documented(call(http, "POST", "/fetch", json(batch), "Content-Type", "application/json"))));
      assertEquals(List.of("blocked", "invalid-url"), List.of(reply.getJsonArray("results").getJsonObject(2).getJsonObject("error").getString("kind"),
          reply.getJsonArray("results").getJsonObject(3).getJsonObject("error").getString("kind")));
      String everything = new JsonObject()
          .put("urls", new JsonArray().add(origin.url("/redirect/2"))
              .add(new JsonObject().put("url", origin.url("/inspect")).put("method", "POST").put("json", new JsonObject().put("n", 1))))
          .put("timings", true).put("sha256", true).put("body", "base64").put("timeoutMs", 5000).put("deadlineMs", 20_000)
          .put("retry", new JsonObject().put("attempts", 1).put("on", new JsonArray().add("reset").add(503)))
          .put("perHost", new JsonObject().put("concurrency", 2)).encode();
      JsonObject full = new JsonObject(text(documented(call(http, "POST", "/fetch", json(everything), "Content-Type", "application/json"))));
      JsonObject redirected = full.getJsonArray("results").getJsonObject(0);
      assertTrue(redirected.containsKey("timings") && redirected.containsKey("sha256") && redirected.containsKey("redirects"), redirected.encode());
      List<String> lines = lines(documented(call(http, "POST", "/fetch", json(batch), "Content-Type", "application/json", "Accept", "application/x-ndjson")));
      assertEquals(5, lines.size(), lines.toString());
      List<String> events = events(documented(call(http, "POST", "/fetch", json(batch), "Content-Type", "application/json", "Accept", "text/event-stream")));
      assertEquals(List.of("result", "result", "result", "result", "summary"), events.stream().sorted().toList());
      assertEquals("urls is required", refused(call(http, "POST", "/fetch", json("{}"), "Content-Type", "application/json"), 400));
      refused(call(http, "POST", "/fetch", json("{\"urls\":[\"http://x/\"],\"id\":\"someone-elses\"}"), "Content-Type", "application/json"), 400);
      refused(call(http, "POST", "/fetch", json("[]"), "Content-Type", "application/json"), 400);
      refused(call(http, "POST", "/fetch", json(batch), "Content-Type", "text/plain"), 415);
      answered(call(http, "POST", "/fetch", json("{\"urls\":[\"" + "x".repeat(10_001) + "\"]}"), "Content-Type", "application/json"), 413);

      String chain = new JsonObject().put("url", origin.url("/chain/0?n=3")).encode();
      assertEquals("no-next", new JsonObject(text(documented(call(http, "POST", "/fetch/chain", json(chain), "Content-Type", "application/json"))))
          .getString("stoppedBecause"));
      assertEquals(4, lines(documented(call(http, "POST", "/fetch/chain", json(chain), "Content-Type", "application/json", "Accept", "application/x-ndjson"))).size());
      assertEquals(4, events(documented(call(http, "POST", "/fetch/chain", json(chain), "Content-Type", "application/json", "Accept", "text/event-stream"))).size());
      String cycle = new JsonObject().put("url", origin.url("/cycle/0")).put("maxHops", 5).encode();
      assertEquals("cycle", new JsonObject(text(documented(call(http, "POST", "/fetch/chain", json(cycle), "Content-Type", "application/json"))))
          .getString("stoppedBecause"));
      assertEquals("url is required", refused(call(http, "POST", "/fetch/chain", json("{}"), "Content-Type", "application/json"), 400));

      // operations
      documented(call(http, "GET", "/health", null));
      documented(call(http, "GET", "/metrics", null));
      Exchange openMetrics = documented(call(http, "GET", "/metrics", null, "Accept", "application/openmetrics-text; version=1.0.0"));
      assertTrue(openMetrics.contentType().startsWith("application/openmetrics-text"), openMetrics.contentType());
      assertEquals(api.raw, new JsonObject(text(documented(call(http, "GET", "/openapi.json", null)))), "the served document is the jar's");
      assertEquals(ApiContract.resource(ApiDocuments.BUS_SCHEMA_RESOURCE), new JsonObject(text(documented(call(http, "GET", "/openapi/bus.json", null)))));

      // the browser's: the bridge and the page
      assertTrue(new JsonObject(text(documented(call(http, "GET", "/eventbus/info", null)))).getBoolean("websocket"));
      webSocket(http);
      assertEquals("ui/", documented(call(http, "GET", "/ui", null)).response.headers().firstValue("location").orElseThrow());
      Exchange page = documented(call(http, "GET", "/ui/", null));
      assertEquals("text/html; charset=utf-8", page.contentType());
      String etag = documented(call(http, "GET", "/ui/ui.js", null)).response.headers().firstValue("etag").orElseThrow();
      assertEquals(304, documented(call(http, "GET", "/ui/ui.js", null, "If-None-Match", etag)).response.statusCode());
      refused(call(http, "GET", "/ui/secrets.txt", null), 404);

      // what no operation answers: any other path, another method
      notAnOperation(call(http, "GET", "/nope", null), 404, "NotFound");
      notAnOperation(call(http, "PUT", "/echo", json("x")), 405, "MethodNotAllowed");
      notAnOperation(call(http, "DELETE", "/", null), 405, "MethodNotAllowed");

      documented(call(http, "GET", "/ready", null));
      main.markStopping(); // what the launcher's shutdown hook does first
      assertTrue(answered(call(http, "GET", "/ready", null), 503).startsWith("not ready: deployment"));

      assertEquals(List.of(), log.drainEvents().stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
          .map(event -> event.getFormattedMessage()).toList(), "a client's mistakes are never an ERROR");
    }
    Set<String> operations = new TreeSet<>(api.contract.operations().stream().map(Operation::getOperationId).toList());
    assertEquals(operations, validated, "every operation of the document is driven here, and answers as it says");
  }

  @Test
  void refusalsAndAMissingServiceAnswerAsTheDocumentSays(@TempDir Path dir) throws Exception {
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, new JsonArray()
        .add(Principals.line("ops", Tokens.sha256Hex(OPS), List.of("*"), List.of(), List.of()))
        .add(Principals.line("fetcher", Tokens.sha256Hex(FETCHER), List.of("POST /fetch"), List.of(), List.of()))
        .encode());
    Http http = new Http(TestService.deploy(vertx, new JsonObject()
        .put("tcp", new JsonObject().put("enabled", false))
        .put("auth", new JsonObject().put("tokensFile", tokens.toString()))).httpPort());
    answered(call(http, "POST", "/echo", json("hi"), "Content-Type", "text/plain"), 401);
    answered(call(http, "GET", "/metrics", null, "Authorization", "Bearer nobodys"), 401);
    answered(call(http, "POST", "/echo", json("hi"), "Content-Type", "text/plain", "Authorization", "Bearer " + FETCHER), 403);
    answered(call(http, "GET", "/eventbus/info", null, "Authorization", "Bearer " + FETCHER), 403);
    assertEquals("no service is answering on tandem.echo",
        answered(call(http, "POST", "/echo", json("hi"), "Content-Type", "text/plain", "Authorization", "Bearer " + OPS), 503));
    documented(call(http, "GET", "/openapi.json", null));
    documented(call(http, "GET", "/health", null));
    assertEquals(Set.of("openapi", "health"), validated, "open without a token, as the document says");
  }

  @Test
  void everyRouteOfTheRouterIsInTheDocument() throws Exception {
    VerticleConfig all = VerticleConfig.of(VerticleConfig.httpSlice(ConfigLoader.of("{}", Map.of(), new Properties()).settings(1)));
    Principals known = Principals.load(vertx, all.auth()).await(10, TimeUnit.SECONDS);
    ApiRoutes routes = new ApiRoutes(vertx, all.http(), all.bridge(), all.metrics(), all.fronts(), new Access(vertx, all.auth(), known),
        ApiDocuments.load(vertx).await(10, TimeUnit.SECONDS));
    Router router = routes.router(new Readiness(vertx, all.fronts(), () -> null));
    JsonObject paths = api.raw.getJsonObject("paths");
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null) {
        continue; // the access log, the failure handler, a pattern under a mounted prefix
      }
      checked++;
      String template = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (!route.isExactPath()) {
        // a prefix (/eventbus/*, /ui/*): the document describes paths under it
        if (paths.fieldNames().stream().noneMatch(path -> path.startsWith(template))) {
          missing.add("a path under " + template);
        }
        continue;
      }
      JsonObject path = paths.getJsonObject(template);
      Set<HttpMethod> methods = route.methods() == null ? Set.of() : route.methods();
      if (path == null) {
        missing.add(template);
      }
      for (HttpMethod method : methods) {
        if (path != null && !path.containsKey(method.name().toLowerCase(Locale.ROOT))) {
          missing.add(method + " " + template);
        }
      }
    }
    assertTrue(checked >= 15, "the router's routes: " + checked);
    assertEquals(List.of(), missing, "routes the document does not describe");
  }

  @Test
  void everyPermissionGuardsOperationsAndEveryOtherOperationIsOpenLikeHealth() {
    Map<String, String> permissions = new TreeMap<>();
    for (Map.Entry<String, Object> path : api.raw.getJsonObject("paths")) {
      for (Map.Entry<String, Object> entry : (JsonObject) path.getValue()) {
        JsonObject operation = (JsonObject) entry.getValue();
        String id = operation.getString("operationId");
        String permission = operation.getString("x-tandem-permission");
        JsonArray security = operation.getJsonArray("security");
        assertNotNull(security, id + " says who may use it");
        if (permission == null) {
          assertTrue(OPEN.contains(id), id + " names no permission, but only " + OPEN + " are always open");
          assertEquals(new JsonArray(), security, id + " is open to everyone");
          continue;
        }
        permissions.put(id, permission);
        assertTrue(AuthSettings.ENDPOINTS.contains(permission), id + ": " + permission + " is not among " + AuthSettings.ENDPOINTS);
        List<String> alternatives = security.stream().map(requirement -> ((JsonObject) requirement).encode()).toList();
        assertTrue(alternatives.contains("{\"bearerToken\":[]}"), id + " takes a bearer token: " + alternatives);
        assertEquals(AuthSettings.DEFAULT_PUBLIC_HTTP.contains(permission), alternatives.contains("{}"),
            id + ": anonymous use ({}) is what auth.publicHttp allows by default");
      }
    }
    assertEquals(new TreeSet<>(AuthSettings.ENDPOINTS), new TreeSet<>(permissions.values()), "every permission guards an operation");
    assertEquals(OPEN, new TreeSet<>(api.contract.operations().stream().map(Operation::getOperationId)
        .filter(id -> !permissions.containsKey(id)).toList()));
    assertEquals(Set.of("bearerToken", "accessTokenQuery"), api.raw.getJsonObject("components").getJsonObject("securitySchemes").fieldNames());
  }

  // ---- one exchange: a request as the client sends it, its answer, and the document's word on both

  private record Exchange(String method, String path, Operation operation, Throwable requestInvalid, HttpResponse<byte[]> response) {
    String contentType() {
      return response.headers().firstValue("content-type").orElse(null);
    }
  }

  /** Sends the request; checks it against the operation the document has for its method and path (if any). */
  private Exchange call(Http http, String method, String target, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder builder = http.request(target).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    Map<String, String> sent = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
      sent.put(headers[i], headers[i + 1]);
    }
    URI uri = URI.create(target);
    Operation operation = api.contract.findOperation(uri.getPath(), HttpMethod.valueOf(method));
    Throwable invalid = operation == null ? null : checkRequest(operation, uri, sent.get("content-type"), body);
    HttpResponse<byte[]> response = Http.client().send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Exchange(method, uri.getPath(), operation, invalid, response);
  }

  /**
   * Why the document does not allow the request, or null when it does. The request is checked as
   * the client sends it: vertx-openapi's public way to a {@code ValidatableRequest} reads it from
   * the server's side ({@code HttpServerRequest}), inside Tandem, so this one is built with the
   * library's own implementation class, as its {@code RequestUtils} builds it.
   */
  private Throwable checkRequest(Operation operation, URI uri, String contentType, byte[] body) {
    Map<String, RequestParameter> path = new HashMap<>();
    String[] template = operation.getOpenAPIPath().substring(1).split("/", -1);
    String[] actual = uri.getRawPath().substring(1).split("/", -1);
    for (int i = 0; i < template.length && i < actual.length; i++) {
      if (template[i].startsWith("{")) {
        path.put(template[i].substring(1, template[i].length() - 1), new RequestParameterImpl(URLDecoder.decode(actual[i], StandardCharsets.UTF_8)));
      }
    }
    Map<String, RequestParameter> query = new HashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] parts = pair.split("=", 2);
        query.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
            new RequestParameterImpl(parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : ""));
      }
    }
    JsonObject declared = rawOperation(operation).getJsonObject("requestBody", new JsonObject()).getJsonObject("content");
    if (body != null && body.length > 0 && (declared == null || declares(declared, contentType) == null)) {
      return new AssertionError("the document declares no request body of type " + contentType);
    }
    ValidatableRequestImpl request = operation.getRequestBody() == null
        ? new ValidatableRequestImpl(Map.of(), Map.of(), path, query)
        : new ValidatableRequestImpl(Map.of(), Map.of(), path, query,
            new RequestParameterImpl(body == null ? null : Buffer.buffer(body)), contentType);
    try {
      requests.validate(request, operation.getOperationId()).await(10, TimeUnit.SECONDS);
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  /** A request the document allows, answered 1xx..3xx as it says. */
  private Exchange documented(Exchange exchange) throws Exception {
    assertNotNull(exchange.operation, exchange.method + " " + exchange.path + " is no operation of the document");
    assertNull(exchange.requestInvalid, () -> exchange.method + " " + exchange.path + ": the document refuses the request: " + exchange.requestInvalid);
    assertTrue(exchange.response.statusCode() < 400, () -> exchange.method + " " + exchange.path + " answered " + exchange.response.statusCode()
        + " " + new String(exchange.response.body(), StandardCharsets.UTF_8));
    checkAnswer(exchange);
    validated.add(exchange.operation.getOperationId());
    return exchange;
  }

  /** A request the document already refuses, answered {@code status} with the error body; returns its message. */
  private String refused(Exchange exchange, int status) throws Exception {
    assertNotNull(exchange.requestInvalid, () -> exchange.method + " " + exchange.path + ": the document allows a request Tandem answers " + status);
    return answered(exchange, status);
  }

  /** An answer {@code status} to an operation's request, as the document describes it; returns the error's message. */
  private String answered(Exchange exchange, int status) throws Exception {
    assertNotNull(exchange.operation, exchange.method + " " + exchange.path + " is no operation of the document");
    assertEquals(status, exchange.response.statusCode(), () -> new String(exchange.response.body(), StandardCharsets.UTF_8));
    checkAnswer(exchange);
    return new JsonObject(text(exchange)).getString("error");
  }

  /** No operation has this method and path: the answer is the status and body the document's components name for it. */
  private void notAnOperation(Exchange exchange, int status, String response) throws Exception {
    assertNull(exchange.operation, exchange.method + " " + exchange.path + " is an operation of the document");
    assertEquals(status, exchange.response.statusCode());
    assertEquals("application/json", exchange.contentType());
    OutputUnit result = api.validate("/components/responses/" + response + "/content/application~1json/schema", new JsonObject(text(exchange)));
    assertTrue(result.getValid(), () -> response + ": " + result.getErrors());
  }

  private void checkAnswer(Exchange exchange) throws Exception {
    String operationId = exchange.operation.getOperationId();
    int status = exchange.response.statusCode();
    JsonObject raw = rawOperation(exchange.operation).getJsonObject("responses").getJsonObject(String.valueOf(status));
    assertNotNull(raw, operationId + " does not document the status " + status);
    String pointer = pointer(exchange.operation) + "/responses/" + status;
    if (raw.containsKey("$ref")) {
      pointer = raw.getString("$ref").substring(1);
      raw = api.raw.getJsonObject("components").getJsonObject("responses").getJsonObject(pointer.substring(pointer.lastIndexOf('/') + 1));
    }
    String type = exchange.contentType();
    byte[] body = exchange.response.body();
    JsonObject content = raw.getJsonObject("content");
    if (content == null) {
      assertEquals(0, body.length, operationId + " " + status + " has no body in the document");
    } else if (type != null || body.length > 0) { // an echo of nothing is nothing, of no type
      String declared = declares(content, type);
      assertNotNull(declared, operationId + " " + status + ": Content-Type " + type + " is not among " + content.fieldNames());
      String media = pointer + "/content/" + escape(declared);
      if (!ApiContract.isJson(declared)) {
        assertValid(media + "/schema", new String(body, StandardCharsets.UTF_8)); // JSON is the ResponseValidator's, below
      }
      if (type.startsWith("application/x-ndjson")) {
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
          assertValid(media + "/x-tandem-item-schema", new JsonObject(line));
        }
      } else if (type.startsWith("text/event-stream")) {
        for (String event : new String(body, StandardCharsets.UTF_8).split("\n\n")) {
          String name = event.substring("event: ".length(), event.indexOf('\n'));
          assertTrue(content.getJsonObject(declared).getJsonObject("x-tandem-events").containsKey(name), "undocumented event " + name);
          assertValid(media + "/x-tandem-events/" + name, new JsonObject(event.substring(event.indexOf("data: ") + "data: ".length())));
        }
      }
    }
    Map<String, String> headers = new HashMap<>();
    JsonObject declaredHeaders = raw.getJsonObject("headers", new JsonObject());
    for (String name : declaredHeaders.fieldNames()) {
      String headerPointer = pointer + "/headers/" + escape(name) + "/schema";
      exchange.response.headers().firstValue(name).ifPresent(value -> assertValid(headerPointer, value));
      // as a JSON string: vertx-openapi 5.0.8 decodes a header's text as JSON first, and one with a
      // quote in it (an ETag, a Bearer challenge) cannot be decoded; this gives it the exact text
      exchange.response.headers().firstValue(name).ifPresent(value -> headers.put(name, Json.encode(value)));
      if (declaredHeaders.getJsonObject(name).getBoolean("required", false)) {
        assertTrue(headers.containsKey(name), operationId + " " + status + " lacks the header " + name);
      }
    }
    // vertx-openapi has the JSON answers, and those without a body (their status and headers)
    ValidatableResponse response = body.length == 0 ? ValidatableResponse.create(status, headers)
        : ApiContract.isJson(type) ? ValidatableResponse.create(status, headers, Buffer.buffer(body), type.toLowerCase(Locale.ROOT))
        : null;
    if (response != null) {
      try {
        responses.validate(response, operationId).await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(operationId + " " + status + " " + type + ": " + e.getMessage() + "\n" + new String(body, StandardCharsets.UTF_8), e);
      }
    }
  }

  private void assertValid(String pointer, Object value) {
    OutputUnit result = api.validate(pointer, value);
    assertTrue(result.getValid(), () -> pointer + " " + value + ": " + result.getErrors());
  }

  /** The operation as the document has it. */
  private JsonObject rawOperation(Operation operation) {
    return api.raw.getJsonObject("paths").getJsonObject(operation.getOpenAPIPath())
        .getJsonObject(operation.getHttpMethod().name().toLowerCase(Locale.ROOT));
  }

  private static String pointer(Operation operation) {
    return "/paths/" + escape(operation.getOpenAPIPath()) + "/" + operation.getHttpMethod().name().toLowerCase(Locale.ROOT);
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /**
   * The media type of {@code content} that covers {@code type}: the same string, the same type
   * and subtype when the document gives no parameters, or a range ({@code *}{@code /*}, {@code text/*}).
   */
  private static String declares(JsonObject content, String type) {
    if (type == null) {
      return content.containsKey("*/*") ? "*/*" : null;
    }
    String essence = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    for (String declared : content.fieldNames()) {
      if (declared.equalsIgnoreCase(type) || declared.equals(essence) || declared.equals("*/*")
          || declared.endsWith("/*") && essence.startsWith(declared.substring(0, declared.length() - 1))) {
        return declared;
      }
    }
    return null;
  }

  /** The raw WebSocket of the bridge: the handshake's 101, as the document says. */
  private void webSocket(Http http) throws Exception {
    Operation operation = api.contract.findOperation("/eventbus/websocket", HttpMethod.GET);
    assertNotNull(operation);
    assertNull(checkRequest(operation, URI.create("/eventbus/websocket"), null, null));
    WebSocket socket = Http.client().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create("ws://127.0.0.1:" + http.port() + "/eventbus/websocket"), new WebSocket.Listener() { })
        .get(10, TimeUnit.SECONDS);
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "seen").get(10, TimeUnit.SECONDS);
    assertNotNull(rawOperation(operation).getJsonObject("responses").getJsonObject("101"));
    responses.validate(ValidatableResponse.create(101), operation.getOperationId()).await(10, TimeUnit.SECONDS);
    validated.add(operation.getOperationId());
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Exchange exchange) {
    return new String(exchange.response.body(), StandardCharsets.UTF_8);
  }

  private static List<String> lines(Exchange exchange) {
    assertEquals("application/x-ndjson", exchange.contentType());
    return text(exchange).lines().toList();
  }

  /** The names of the server-sent events, in order. */
  private static List<String> events(Exchange exchange) {
    assertEquals("text/event-stream", exchange.contentType());
    List<String> names = new ArrayList<>();
    for (String event : text(exchange).split("\n\n")) {
      assertFalse(event.isBlank());
      names.add(event.substring("event: ".length(), event.indexOf('\n')));
    }
    return names;
  }
}
