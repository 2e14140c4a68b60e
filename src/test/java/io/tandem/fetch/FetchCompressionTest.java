package io.tandem.fetch;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static io.tandem.fetch.FetchService.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fetcher asks for gzip and deflate and decodes them as they stream, counting and capping
 * decoded bytes: a bomb is cut at the cap. Against a loopback origin serving bodies encoded by
 * the JDK's own encoders ({@link Encoded}).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchCompressionTest {

  private Origin origin;
  private FetchService fetcher;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    origin = Origin.start(vertx);
    fetcher = FetchService.deploy(vertx, new JsonObject());
  }

  @Test
  void gzipAndBothFormsOfDeflateAreDecoded() throws Exception {
    for (String name : new String[] {"gzip-json", "deflate", "raw-deflate"}) {
      JsonObject result = fetcher.fetchOne(origin.url("/encoded/" + name), new JsonObject());
      assertTrue(result.getBoolean("ok"), result.encode());
      assertEquals(Encoded.JSON, result.getString("body"), name);
      assertEquals(Encoded.JSON.length(), result.getInteger("bytes"), "decoded bytes: " + name);
      assertEquals(Encoded.BODIES.get(name).bytes().length, result.getInteger("wireBytes"), "as sent: " + name);
      assertEquals(Encoded.BODIES.get(name).encoding(), result.getString("contentEncoding"));
    }
  }

  @Test
  void aGzipBombIsCutAtTheCap() throws Exception {
    int cap = 1024 * 1024;
    JsonObject result = fetcher.fetchOne(origin.url("/encoded/bomb"), new JsonObject().put("maxBodyBytes", cap).put("body", "none"));
    assertTrue(result.getBoolean("ok"), result.encode());
    assertTrue(result.getBoolean("truncated"));
    assertEquals(cap, result.getInteger("bytes"), "decoded up to the cap, not the 64 MiB it would inflate to");
    assertTrue(result.getInteger("wireBytes") < Encoded.BODIES.get("bomb").bytes().length,
        "the transfer was cut too: " + result.getInteger("wireBytes") + " of " + Encoded.BODIES.get("bomb").bytes().length);
  }

  @Test
  void aBrokenOrCutEncodingIsAnIoResult() throws Exception {
    JsonObject broken = fetcher.fetchOne(origin.url("/encoded/broken"), new JsonObject());
    assertEquals("io", kind(broken), broken.encode());
    assertTrue(broken.getJsonObject("error").getString("message").startsWith("the body's gzip encoding is broken: "), broken.encode());
    JsonObject cut = fetcher.fetchOne(origin.url("/encoded/cut"), new JsonObject());
    assertEquals("io", kind(cut), cut.encode());
    assertEquals("the body's gzip encoding ends before its end", cut.getJsonObject("error").getString("message"));
  }

  @Test
  void anEncodingTandemDoesNotDecodeOrDecompressFalseGivesTheBytesAsSent() throws Exception {
    JsonObject br = fetcher.fetchOne(origin.url("/encoded/br"), new JsonObject());
    assertEquals("not really brotli", br.getString("body"), "br is not decoded: the bytes as sent");
    assertEquals("br", br.getString("contentEncoding"));
    JsonObject raw = fetcher.fetchOne(origin.url("/encoded/gzip-json"), new JsonObject().put("decompress", false).put("body", "base64"));
    assertEquals(Encoded.BODIES.get("gzip-json").bytes().length, raw.getInteger("bytes"));
    assertEquals(raw.getInteger("bytes"), raw.getInteger("wireBytes"));
  }

  @Test
  void acceptEncodingIsAskedUnlessTheCallerSaysOtherwise() throws Exception {
    JsonObject asked = new JsonObject(fetcher.fetchOne(origin.url("/inspect"), new JsonObject()).getString("body"));
    assertEquals("gzip, deflate", asked.getJsonObject("headers").getString("accept-encoding"));
    JsonObject off = new JsonObject(fetcher.fetchOne(origin.url("/inspect"), new JsonObject().put("decompress", false)).getString("body"));
    assertNull(off.getJsonObject("headers").getString("accept-encoding"));
    JsonObject own = new JsonObject(fetcher.fetchOne(origin.url("/inspect"), new JsonObject()
        .put("headers", new JsonObject().put("Accept-Encoding", "identity"))).getString("body"));
    assertEquals("identity", own.getJsonObject("headers").getString("accept-encoding"), "the caller's wins");
    JsonObject plain = fetcher.fetchOne(origin.url("/status/200"), new JsonObject());
    assertFalse(plain.containsKey("wireBytes"), "no encoding, no wireBytes: " + plain.encode());
  }
}
