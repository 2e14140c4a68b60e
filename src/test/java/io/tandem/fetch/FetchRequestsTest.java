package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.tandem.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What the fetcher sends: any method, the caller's headers and a body, per URL or as a batch's
 * defaults, through a chain's hops and across redirects; and every way of getting them wrong,
 * refused with the field named. Against a real origin on loopback that answers with what it got.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchRequestsTest {

  private static final String SECRET = "Bearer s3cret-t0ken";

  private Origin origin;
  private FetchService fetcher;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    origin = Origin.start(vertx);
    fetcher = FetchService.deploy(vertx, new JsonObject().put("secretHeaders", new JsonArray().add("X-Api-Key")));
  }

  /** What the origin got for result {@code i} of a batch's reply. */
  private static JsonObject seen(JsonObject reply, int i) {
    JsonObject result = reply.getJsonArray("results").getJsonObject(i);
    assertEquals(200, result.getInteger("status"), result.encode());
    return new JsonObject(result.getString("body"));
  }

  @Test
  void eachUrlSendsItsOwnMethodHeadersAndBodyOverTheBatchsDefaults() throws Exception {
    JsonObject reply = fetcher.fetch(new JsonObject()
        .put("method", "PUT")
        .put("headers", new JsonObject().put("X-Batch", "all").put("X-Which", "batch"))
        .put("urls", new JsonArray()
            .add(origin.url("/inspect"))
            .add(new JsonObject().put("url", origin.url("/inspect")).put("method", "POST")
                .put("headers", new JsonObject().put("x-which", "url")).put("json", new JsonObject().put("a", List.of(1, 2))))
            .add(new JsonObject().put("url", origin.url("/inspect")).put("method", "PATCH").put("body", "plain text é"))
            .add(new JsonObject().put("url", origin.url("/inspect")).put("method", "DELETE")
                .put("bodyBase64", Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 255})))
            .add(new JsonObject().put("url", origin.url("/inspect")).put("method", "OPTIONS")
                .put("headers", new JsonObject().put("User-Agent", "mine/1.0").put("Content-Type", "application/x-mine")).put("body", "x"))));

    JsonObject plain = seen(reply, 0);
    assertEquals("PUT", plain.getString("method"), "the batch's method");
    assertEquals("all", plain.getJsonObject("headers").getString("x-batch"));
    assertEquals("batch", plain.getJsonObject("headers").getString("x-which"));
    assertNull(plain.getString("body"), "no body");

    JsonObject json = seen(reply, 1);
    assertEquals("POST", json.getString("method"));
    assertEquals("url", json.getJsonObject("headers").getString("x-which"), "the URL's own header wins, whatever its case");
    assertEquals("all", json.getJsonObject("headers").getString("x-batch"));
    assertEquals("application/json", json.getJsonObject("headers").getString("content-type"));
    assertEquals("{\"a\":[1,2]}", json.getString("body"));

    JsonObject text = seen(reply, 2);
    assertEquals("PATCH", text.getString("method"));
    assertEquals("text/plain; charset=utf-8", text.getJsonObject("headers").getString("content-type"));
    assertEquals("plain text é", text.getString("body"));
    assertEquals(Integer.toString("plain text é".getBytes(StandardCharsets.UTF_8).length),
        text.getJsonObject("headers").getString("content-length"), "framed by the fetcher");

    JsonObject bytes = seen(reply, 3);
    assertEquals("DELETE", bytes.getString("method"));
    assertEquals("application/octet-stream", bytes.getJsonObject("headers").getString("content-type"));
    assertEquals("4", bytes.getJsonObject("headers").getString("content-length"));

    JsonObject own = seen(reply, 4);
    assertEquals("OPTIONS", own.getString("method"));
    assertEquals("mine/1.0", own.getJsonObject("headers").getString("user-agent"), "the caller's User-Agent wins");
    assertEquals("application/x-mine", own.getJsonObject("headers").getString("content-type"), "the caller's Content-Type wins");
  }

  @Test
  void aHeadRequestGetsTheStatusAndNoBody() throws Exception {
    JsonObject reply = fetcher.fetch(new JsonObject().put("urls", new JsonArray()
        .add(new JsonObject().put("url", origin.url("/inspect")).put("method", "HEAD"))));
    JsonObject result = reply.getJsonArray("results").getJsonObject(0);
    assertEquals(200, result.getInteger("status"), result.encode());
    assertEquals(0, result.getInteger("bytes"));
  }

  @Test
  void aRedirectAfterAPostContinuesAsAGetOnlyWhereClientsDo() throws Exception {
    JsonArray urls = new JsonArray();
    for (int status : new int[] {301, 302, 303, 307, 308}) {
      urls.add(new JsonObject().put("url", origin.url("/redirect-status/" + status + "?to=/inspect")).put("method", "POST")
          .put("json", new JsonObject().put("status", status)));
    }
    JsonObject reply = fetcher.fetch(new JsonObject().put("urls", urls));
    for (int i = 0; i < 3; i++) {
      JsonObject seen = seen(reply, i);
      assertEquals("GET", seen.getString("method"), "after " + (301 + i));
      assertNull(seen.getString("body"), "no body");
      assertNull(seen.getJsonObject("headers").getString("content-type"), "no Content-* without the body");
    }
    for (int i = 3; i < 5; i++) {
      JsonObject seen = seen(reply, i);
      assertEquals("POST", seen.getString("method"), "after " + (304 + i));
      assertEquals("{\"status\":" + (304 + i) + "}", seen.getString("body"));
    }
  }

  @Test
  void secretHeadersGoToTheirOriginOnlyAndAreNeverInAResultOrTheLog(Vertx vertx) throws Exception {
    BlockingQueue<String> progress = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer("tandem.fetch.progress.secrets", message -> progress.add(message.body().encode()))
        .completion().await(5, TimeUnit.SECONDS);
    JsonObject secrets = new JsonObject().put("Authorization", SECRET).put("Cookie", "id=" + SECRET).put("X-Api-Key", SECRET)
        .put("X-Plain", "kept");
    try (LogCapture log = new LogCapture("io.tandem")) {
      JsonObject reply = fetcher.fetch(new JsonObject().put("headers", secrets).put("progressAddress", "tandem.fetch.progress.secrets")
          .put("urls", new JsonArray()
              .add(origin.url("/redirect-status/302?to=/inspect"))
              .add(origin.url("/redirect-status/302?to=" + origin.ipv6Url("/inspect")))
              .add(origin.url("/status/200"))));
      JsonObject same = seen(reply, 0).getJsonObject("headers");
      assertEquals(SECRET, same.getString("authorization"), "the same origin gets them");
      assertEquals(SECRET, same.getString("x-api-key"));
      JsonObject other = seen(reply, 1).getJsonObject("headers");
      assertNull(other.getString("authorization"), "another origin does not");
      assertNull(other.getString("cookie"));
      assertNull(other.getString("x-api-key"), "nor one named in fetcher.secretHeaders");
      assertEquals("kept", other.getString("x-plain"));
      // the answers above echo what the origin got; the one that does not shows what Tandem itself says
      String own = reply.getJsonArray("results").getJsonObject(2).encode();
      assertFalse(own.contains("s3cret"), own);
      String progressed;
      do {
        progressed = progress.poll(10, TimeUnit.SECONDS);
        assertNotNull(progressed, "every result is progressed");
      } while (!progressed.startsWith("{\"index\":2,"));
      assertFalse(progressed.contains("s3cret"), progressed);
      for (String line : log.drain()) {
        assertFalse(line.contains("s3cret"), line);
      }
    }
  }

  @Test
  void aUrlJobFromAnotherNodeCarriesTheRequestAndIsCheckedAgain() throws Exception {
    // what a coordinator on another node sends over the clustered bus
    JsonObject job = new JsonObject().put("id", "job-1").put("index", 0).put("url", origin.url("/inspect")).put("deadlineMs", 10_000)
        .put("method", "PUT").put("headers", new JsonObject().put("X-Job", "1").put("Content-Type", "application/x-job"))
        .put("requestBodyBase64", Base64.getEncoder().encodeToString("job body".getBytes(StandardCharsets.UTF_8)));
    JsonObject result = fetcher.ask(Addresses.FETCH_URL, job);
    JsonObject seen = new JsonObject(result.getString("body"));
    assertEquals("PUT", seen.getString("method"));
    assertEquals("1", seen.getJsonObject("headers").getString("x-job"));
    assertEquals("job body", seen.getString("body"));
    assertEquals("headers.Transfer-Encoding is set by the fetcher", fetcher.badRequest(Addresses.FETCH_URL,
        job.copy().put("headers", new JsonObject().put("Transfer-Encoding", "chunked"))));
  }

  @Test
  void aChainSendsTheSameRequestOnEveryHop() throws Exception {
    JsonObject reply = fetcher.chain(new JsonObject().put("url", origin.url("/inspect")).put("next", "/nothing")
        .put("method", "POST").put("headers", new JsonObject().put("X-Hop", "every")).put("json", List.of("a")));
    JsonObject hop = new JsonObject(reply.getJsonArray("hops").getJsonObject(0).getString("body"));
    assertEquals("POST", hop.getString("method"));
    assertEquals("every", hop.getJsonObject("headers").getString("x-hop"));
    assertEquals("[\"a\"]", hop.getString("body"));
  }

  @Test
  void aChainLinkToAnotherOriginGetsNoSecretHeaders() throws Exception {
    JsonObject reply = fetcher.chain(new JsonObject().put("url", origin.url("/link?to=/inspect"))
        .put("headers", new JsonObject().put("Authorization", SECRET).put("X-Api-Key", SECRET).put("X-Plain", "kept")));
    JsonObject sameOrigin = new JsonObject(reply.getJsonArray("hops").getJsonObject(1).getString("body")).getJsonObject("headers");
    assertEquals(SECRET, sameOrigin.getString("authorization"), "a link on the first URL's origin gets them");
    reply = fetcher.chain(new JsonObject().put("url", origin.url("/link?to=" + origin.ipv6Url("/inspect")))
        .put("headers", new JsonObject().put("Authorization", SECRET).put("X-Api-Key", SECRET).put("X-Plain", "kept")));
    JsonObject otherOrigin = new JsonObject(reply.getJsonArray("hops").getJsonObject(1).getString("body")).getJsonObject("headers");
    assertNull(otherOrigin.getString("authorization"), "an answer names the next URL: it gets no more than a redirect's");
    assertNull(otherOrigin.getString("x-api-key"));
    assertEquals("kept", otherOrigin.getString("x-plain"));
  }

  @Test
  void whatCannotBeSentIsRefusedWithTheFieldNamed() {
    String url = origin.url("/inspect");
    assertRefused("urls[0].method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got \"FETCH\"",
        entry(url).put("method", "FETCH"));
    assertRefused("urls[0].headers.Host is set by the fetcher", entry(url).put("headers", new JsonObject().put("Host", "elsewhere")));
    for (String framing : new String[] {"Content-Length", "transfer-encoding", "Connection", "Upgrade", "TE", "Proxy-Authorization"}) {
      assertRefused("urls[0].headers." + framing + " is set by the fetcher", entry(url).put("headers", new JsonObject().put(framing, "1")));
    }
    assertRefused("urls[0].headers.X-A must be text of at most 8192 characters without CR, LF or other control characters",
        entry(url).put("headers", new JsonObject().put("X-A", "a\r\nX-Injected: 1")));
    assertRefused("urls[0].headers.X-A must be text of at most 8192 characters without CR, LF or other control characters",
        entry(url).put("headers", new JsonObject().put("X-A", 7)));
    assertRefused("urls[0].headers has \"X A\", which is not a header name", entry(url).put("headers", new JsonObject().put("X A", "1")));
    assertRefused("urls[0].headers names x-a twice", entry(url).put("headers", new JsonObject().put("X-A", "1").put("x-a", "2")));
    assertRefused("urls[0] has more than one body: give one of json, body, bodyBase64", entry(url).put("json", 1).put("body", "x"));
    assertRefused("urls[0].bodyBase64 must be base64 text: Illegal base64 character 2a", entry(url).put("bodyBase64", "***"));
    assertRefused("urls[0].body is 1048577 bytes, more than fetcher.maxRequestBodyBytes (1048576)",
        entry(url).put("body", "x".repeat(1024 * 1024 + 1)));
    assertRefused("urls[0].url is required", new JsonObject().put("method", "GET"));
    assertRefused("urls[0].method GET sends no body; use POST, PUT, PATCH, DELETE or OPTIONS", entry(url).put("json", 1));
    assertRefused("urls[0].method HEAD sends no body; use POST, PUT, PATCH, DELETE or OPTIONS",
        entry(url).put("method", "HEAD").put("body", "x"));
    JsonObject many = new JsonObject();
    for (int i = 0; i < 3; i++) {
      many.put("X-Big-" + i, "v".repeat(8000));
    }
    assertRefused("urls[0].headers must hold at most 16384 characters of names and values together", entry(url).put("headers", many));
    assertRefused("unknown field urls[0].methd", entry(url).put("methd", "GET"));
    assertEquals("urls[0] must be a string or a JSON object, got 7",
        fetcher.badRequest(Addresses.FETCH, new JsonObject().put("urls", new JsonArray().add(7))));
    assertEquals("headers.Connection is set by the fetcher", fetcher.badRequest(Addresses.FETCH,
        new JsonObject().put("urls", new JsonArray().add(url)).put("headers", new JsonObject().put("Connection", "close"))));
    assertEquals("the request has more than one body: give one of json, bodyBase64", fetcher.badRequest(Addresses.FETCH_CHAIN,
        new JsonObject().put("url", url).put("json", 1).put("bodyBase64", "AA==")));
  }

  private static JsonObject entry(String url) {
    return new JsonObject().put("url", url);
  }

  private void assertRefused(String message, JsonObject entry) {
    assertEquals(message, fetcher.badRequest(Addresses.FETCH, new JsonObject().put("urls", new JsonArray().add(entry))));
  }
}
