package io.tandem.http;

import io.tandem.MainVerticle;
import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.testing.Http;
import io.tandem.testing.LogCapture;
import io.tandem.testing.RawHttp;
import io.tandem.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may use an HTTP endpoint, through a real client: bearer tokens of the tokens file (401 and
 * 403 as RFC 6750 words them, decided before the body is read), the public endpoints, and which
 * clients protected mode lets through. (Protected mode's answer to a client on another machine is
 * proven by e2e/ProtectedModeIT, from a network namespace.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessTest {

  private static final String OPS = "ops-" + "a".repeat(40);
  private static final String FETCHER = "fetcher-" + "b".repeat(40);

  private Http deployWithTokens(Vertx vertx, Path dir, JsonObject auth) throws Exception {
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, new JsonArray()
        .add(Principals.line("ops", Tokens.sha256Hex(OPS), List.of("*"), List.of(), List.of()))
        .add(Principals.line("fetcher", Tokens.sha256Hex(FETCHER), List.of("POST /fetch"), List.of(), List.of()))
        .encode());
    MainVerticle main = TestService.deploy(vertx, new JsonObject()
        .put("http", new JsonObject().put("maxBodyBytes", 4096))
        .put("auth", auth.copy().put("tokensFile", tokens.toString())));
    return new Http(main.httpPort());
  }

  private static HttpResponse<String> echo(Http http, String authorization, byte[] body) throws Exception {
    HttpRequest.Builder request = http.request("/echo").POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "text/plain");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build());
  }

  @Test
  void aTokenOfAPrincipalThatHoldsTheEndpointLetsTheRequestThrough(Vertx vertx, @TempDir Path dir) throws Exception {
    Http http = deployWithTokens(vertx, dir, new JsonObject());
    HttpResponse<String> allowed = echo(http, "Bearer " + OPS, "hi".getBytes(StandardCharsets.UTF_8));
    assertEquals(200, allowed.statusCode());
    assertEquals("hi", allowed.body());
    assertEquals(200, echo(http, "bearer " + OPS, new byte[] {1}).statusCode(), "the scheme is case-insensitive");
  }

  @Test
  void noTokenOrAnUnknownOneIs401WithABearerChallenge(Vertx vertx, @TempDir Path dir) throws Exception {
    Http http = deployWithTokens(vertx, dir, new JsonObject());
    try (LogCapture log = new LogCapture(Access.class.getName())) {
      HttpResponse<String> none = echo(http, null, new byte[] {1});
      assertEquals("POST /echo needs a token: send Authorization: Bearer <token>", Http.assertError(401, none));
      assertEquals("Bearer realm=\"tandem\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());

      String guess = "guess-" + "c".repeat(40);
      HttpResponse<String> unknown = echo(http, "Bearer " + guess, new byte[] {1});
      assertEquals("the token is not one of auth.tokensFile", Http.assertError(401, unknown));
      assertEquals("Bearer realm=\"tandem\", error=\"invalid_token\"", unknown.headers().firstValue("WWW-Authenticate").orElseThrow());

      assertEquals(401, echo(http, "Basic " + OPS, new byte[] {1}).statusCode(), "only a bearer token counts");
      String line = log.next();
      assertTrue(line.contains("refused POST /echo: no token"), line);
      for (String logged : log.drain()) {
        assertFalse(logged.contains(guess) || logged.contains(OPS), "a token in the log: " + logged);
      }
    }
  }

  @Test
  void aTokenInTheQueryCountsOnlyForTheBusBridgeWhoseBrowserClientCannotSetHeaders(Vertx vertx, @TempDir Path dir) throws Exception {
    Http http = deployWithTokens(vertx, dir, new JsonObject());
    HttpResponse<String> echo = http.send(http.request("/echo?access_token=" + OPS).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("x")).build());
    assertEquals(401, echo.statusCode(), echo.body());
    assertEquals(200, http.get("/eventbus/info?access_token=" + OPS).statusCode());
    assertEquals(401, http.get("/eventbus/info?access_token=" + OPS + "x").statusCode());
  }

  @Test
  void aPrincipalWithoutTheEndpointIs403(Vertx vertx, @TempDir Path dir) throws Exception {
    Http http = deployWithTokens(vertx, dir, new JsonObject());
    HttpResponse<String> refused = echo(http, "Bearer " + FETCHER, new byte[] {1});
    assertEquals("principal fetcher may not use POST /echo (its permissions.http in auth.tokensFile)", Http.assertError(403, refused));
    assertEquals("Bearer realm=\"tandem\", error=\"insufficient_scope\"", refused.headers().firstValue("WWW-Authenticate").orElseThrow());
    // its own endpoint is let through: the 400 is the fetch request's, past the check
    HttpResponse<String> fetch = http.send(http.request("/fetch").header("Authorization", "Bearer " + FETCHER)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertEquals(400, fetch.statusCode(), fetch.body());
  }

  /** One keep-alive connection, its token changed between requests: each request is judged by its own. */
  @Test
  void aConnectionThatChangesItsTokenIsJudgedByTheNewOne(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = deployWithTokens(vertx, dir, new JsonObject().put("publicHttp", new JsonArray())).port();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      for (String[] step : new String[][] {{OPS, "200"}, {"guess-" + "c".repeat(40), "401"}, {FETCHER, "403"}, {OPS, "200"}, {null, "401"}}) {
        String head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (step[0] == null ? "" : "Authorization: Bearer " + step[0] + "\r\n") + "\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(Integer.parseInt(step[1]), RawHttp.read(in).status(), "with " + step[0]);
      }
    }
  }

  @Test
  void theCheckComesBeforeTheBodyIsRead(Vertx vertx, @TempDir Path dir) throws Exception {
    Http http = deployWithTokens(vertx, dir, new JsonObject());
    // over http.maxBodyBytes (4096): read, it would be 413
    assertEquals(401, echo(http, null, new byte[64 * 1024]).statusCode());
    assertEquals(413, echo(http, "Bearer " + OPS, new byte[64 * 1024]).statusCode());
  }

  @Test
  void publicEndpointsAndHealthNeedNoToken(Vertx vertx, @TempDir Path dir) throws Exception {
    Http http = deployWithTokens(vertx, dir, new JsonObject());
    assertEquals("Hello, world!", http.get("/").body());
    assertEquals("Hello, Ada!", http.get("/hello/Ada").body());
    assertEquals(200, http.get("/health").statusCode());
    assertEquals(200, http.get("/ui/").statusCode());
  }

  @Test
  void aGreetingTakenOffThePublicListWantsATokenToo(Vertx vertx, @TempDir Path dir) throws Exception {
    Http http = deployWithTokens(vertx, dir, new JsonObject().put("publicHttp", new JsonArray()));
    Http.assertError(401, http.get("/"));
    Http.assertError(401, http.get("/hello/Ada"));
    Http.assertError(401, http.get("/ui/"));
    assertEquals(200, http.get("/health").statusCode(), "load balancers ask it with no token");
    HttpResponse<String> hello = http.send(http.request("/").header("Authorization", "Bearer " + OPS).build());
    assertEquals("Hello, world!", hello.body());
    HttpResponse<String> sockJs = http.send(http.request("/eventbus/info").build());
    assertEquals(401, sockJs.statusCode(), sockJs.body());
  }

  @Test
  void protectedModeServesThisMachineEverything(Vertx vertx) throws Exception {
    MainVerticle main = TestService.deploy(vertx, new JsonObject());
    Http http = new Http(main.httpPort());
    assertEquals("hi", echo(http, null, "hi".getBytes(StandardCharsets.UTF_8)).body());
    assertEquals(200, http.get("/eventbus/info").statusCode());
  }

  @Test
  void loopbackIsEveryAddressOfThisMachinesLoopbackAndNothingElse() {
    assertTrue(Access.isLoopback(SocketAddress.inetSocketAddress(1, "127.0.0.1")));
    assertTrue(Access.isLoopback(SocketAddress.inetSocketAddress(1, "127.3.2.1")));
    assertTrue(Access.isLoopback(SocketAddress.inetSocketAddress(1, "::1")));
    assertFalse(Access.isLoopback(SocketAddress.inetSocketAddress(1, "10.213.0.2")));
    assertFalse(Access.isLoopback(SocketAddress.inetSocketAddress(1, "fe80::1")));
    assertFalse(Access.isLoopback(SocketAddress.inetSocketAddress(1, "0.0.0.0")));
    assertFalse(Access.isLoopback(SocketAddress.domainSocketAddress("/tmp/x.sock")));
    assertFalse(Access.isLoopback(null));
  }
}
