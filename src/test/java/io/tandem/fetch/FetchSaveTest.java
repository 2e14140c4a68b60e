package io.tandem.fetch;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tandem.fetch.FetchService.kind;
import static io.tandem.fetch.FetchService.urls;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code save: true}: bodies written under fetcher.downloadDir, named by the URL's hash. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchSaveTest {

  @TempDir
  Path dir;

  @Test
  void savesEachBodyUnderTheHashOfItsUrlCreatingTheFolder(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    Path downloads = dir.resolve("new/downloads");
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject().put("downloadDir", downloads.toString()));
    String url = origin.url("/bytes/100000");
    // a path that tries to climb out of the folder gets a hashed name like any other
    String climbing = origin.url("/redirect-to?url=/bytes/10&x=/../../../../etc/passwd");
    JsonObject reply = fetcher.fetch(urls(url, climbing, url).put("save", true).put("body", "none"));
    JsonObject first = reply.getJsonArray("results").getJsonObject(0);
    Path file = Path.of(first.getString("file"));
    assertEquals(downloads.resolve(sha256(url)), file);
    assertArrayEquals(Origin.expectedBytes(100_000), Files.readAllBytes(file));
    assertEquals(downloads.resolve(sha256(climbing)).toString(), reply.getJsonArray("results").getJsonObject(1).getString("file"));
    assertEquals(3, reply.getInteger("succeeded"));
    try (var listing = Files.list(downloads)) {
      assertEquals(List.of(sha256(climbing), sha256(url)).stream().sorted().toList(),
          listing.map(path -> path.getFileName().toString()).sorted().toList(), "no partial files are left behind");
    }
  }

  @Test
  void aBodyThatCannotBeWrittenIsThatUrlsIoError(Vertx vertx) throws Exception {
    Origin origin = Origin.start(vertx);
    Path notAFolder = dir.resolve("file");
    Files.writeString(notAFolder, "in the way");
    FetchService fetcher = FetchService.deploy(vertx, new JsonObject().put("downloadDir", notAFolder.resolve("downloads").toString()));
    JsonObject result = fetcher.fetch(urls(origin.url("/bytes/10")).put("save", true)).getJsonArray("results").getJsonObject(0);
    assertEquals("io", kind(result));
    assertTrue(result.getJsonObject("error").getString("message").startsWith("cannot save the body"), result.encode());
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
