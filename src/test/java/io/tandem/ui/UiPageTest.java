package io.tandem.ui;

import io.tandem.testing.Http;
import io.tandem.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page's files over real HTTP: what a browser gets and may cache. What the page does in a
 * browser is {@code e2e/BrowserUiIT}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UiPageTest {

  private static Http deploy(Vertx vertx, boolean sockjs) throws Exception {
    return new Http(TestService.deploy(vertx, new JsonObject()
        .put("fetcher", new JsonObject().put("enabled", false))
        .put("bridge", new JsonObject().put("sockjsEnabled", sockjs))).httpPort());
  }

  @Test
  void servesThePageWithItsOwnPolicyAndEveryFileItLoads(Vertx vertx) throws Exception {
    Http http = deploy(vertx, true);
    HttpResponse<String> page = http.get("/ui/");
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElse(""));
    assertEquals(resource("index.html"), page.body());
    String policy = page.headers().firstValue("content-security-policy").orElse("");
    assertTrue(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), policy);
    assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElse(""));

    for (String file : new String[] {"ui.js", "chat.js", "eventbus.js", "ui.css"}) {
      assertTrue(page.body().contains(file) || resource("ui.js").contains("./" + file), file + " is loaded by the page");
      HttpResponse<byte[]> answer = Http.client().send(http.request("/ui/" + file).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, answer.statusCode(), file);
      assertArrayEquals(bytes(file), answer.body(), file);
      String type = answer.headers().firstValue("content-type").orElse("");
      assertEquals(file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8", type, file);
    }
  }

  @Test
  void uiWithoutTheSlashIsSentToThePage(Vertx vertx) throws Exception {
    HttpResponse<String> answer = deploy(vertx, true).get("/ui");
    assertEquals(301, answer.statusCode());
    assertEquals("ui/", answer.headers().firstValue("location").orElse(""));
  }

  @Test
  void aBrowserRevalidatesWithItsEtagAndGetsNotModified(Vertx vertx) throws Exception {
    Http http = deploy(vertx, true);
    HttpResponse<String> first = http.get("/ui/ui.js");
    assertEquals("no-cache", first.headers().firstValue("cache-control").orElse(""));
    String etag = first.headers().firstValue("etag").orElseThrow();

    HttpResponse<String> again = http.send(http.request("/ui/ui.js").header("If-None-Match", etag).build());
    assertEquals(304, again.statusCode());
    assertEquals("", again.body());

    HttpResponse<String> otherFile = http.send(http.request("/ui/ui.css").header("If-None-Match", etag).build());
    assertEquals(200, otherFile.statusCode(), "another file's tag does not match");

    for (String validators : new String[] {"W/" + etag, "\"other\", " + etag, "*"}) {
      assertEquals(304, http.send(http.request("/ui/ui.js").header("If-None-Match", validators).build()).statusCode(), validators);
    }
  }

  @Test
  void headAnswersLikeGetWithoutTheBody(Vertx vertx) throws Exception {
    Http http = deploy(vertx, true);
    HttpResponse<String> head = http.send(http.request("/ui/").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, head.statusCode());
    assertEquals(String.valueOf(bytes("index.html").length), head.headers().firstValue("content-length").orElse(""));
    assertEquals("", head.body());
  }

  @Test
  void anythingElseUnderUiIsTheApisNotFound(Vertx vertx) throws Exception {
    Http http = deploy(vertx, true);
    for (String path : new String[] {"/ui/nope.js", "/ui/ui.js/", "/ui/../conf/config.json", "/ui/%2e%2e/pom.xml", "/ui/UiPage.class"}) {
      Http.assertError(404, http.get(path));
    }
    HttpResponse<String> head = http.send(http.request("/ui/nope.js").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(404, head.statusCode());
  }

  @Test
  void withoutTheSockJsBridgeThereIsNoPage(Vertx vertx) throws Exception {
    Http http = deploy(vertx, false);
    Http.assertError(404, http.get("/ui/"));
    assertEquals("Hello, world!", http.get("/").body(), "GET / stays the plain hello");
  }

  private static String resource(String file) throws IOException {
    return new String(bytes(file), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String file) throws IOException {
    try (InputStream in = UiPage.class.getResourceAsStream(file)) {
      return in.readAllBytes();
    }
  }
}
