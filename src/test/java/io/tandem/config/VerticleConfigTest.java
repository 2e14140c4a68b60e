package io.tandem.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each verticle is deployed with its own slice of the configuration, and reads nothing else. */
class VerticleConfigTest {

  private static final TandemSettings SETTINGS = TandemSettings.fromJson(new JsonObject()
      .put("tcp", new JsonObject().put("enabled", false))
      .put("fetcher", new JsonObject().put("worker", false).put("deadlineMs", 5000).put("maxUrls", 7))
      .put("shutdownGraceSeconds", 3));

  @Test
  void aSliceHoldsItsOwnersSectionsAndTheProcessWideKeysOnly() {
    JsonObject slice = VerticleConfig.slice(SETTINGS, FetcherSettings.SECTION);
    assertEquals(Set.of("fetcher", "shutdownGraceSeconds", "descriptorReserve", "unlimitedClients"), slice.fieldNames());
    VerticleConfig config = VerticleConfig.of(slice);
    assertEquals(7, config.fetcher().maxUrls());
    assertEquals(3, config.shutdownGraceSeconds());
  }

  @Test
  void aSectionTheVerticleWasNotGivenIsAnErrorNotADefault() {
    VerticleConfig config = VerticleConfig.of(VerticleConfig.slice(SETTINGS, FetcherSettings.SECTION));
    IllegalStateException e = assertThrows(IllegalStateException.class, config::tcp);
    assertEquals("this verticle was deployed without the tcp section of its configuration", e.getMessage());
    assertThrows(IllegalStateException.class, config::fronts);
  }

  @Test
  void theHttpVerticleIsToldWhatItFrontsInsteadOfReadingTheOthersSections() {
    JsonObject slice = VerticleConfig.httpSlice(SETTINGS);
    assertEquals(Set.of("http", "bridge", "auth", "tls", "metrics", "fronts", "shutdownGraceSeconds", "descriptorReserve", "unlimitedClients"), slice.fieldNames());
    VerticleConfig.Fronts fronts = VerticleConfig.of(slice).fronts();
    assertFalse(fronts.tcp());
    assertTrue(fronts.fetcher());
    assertFalse(fronts.fetcherWorker(), "a gateway's chains are asked of the cluster");
    assertEquals(5000, fronts.fetchDeadlineMs());
  }

  @Test
  void aSliceIsStillCheckedLikeAnyConfiguration() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> VerticleConfig.of(new JsonObject().put("fetcher", new JsonObject().put("maxUrls", 0))));
    assertTrue(e.getMessage().startsWith("fetcher.maxUrls must be"), e.getMessage());
  }
}
