package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tandem.fetch.chain}: the next URL comes out of the previous answer. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchChainTest {

  private Origin origin;
  private FetchService fetcher;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    origin = Origin.start(vertx);
    fetcher = FetchService.deploy(vertx, new JsonObject());
  }

  private static JsonObject chain(String url) {
    return new JsonObject().put("url", url);
  }

  @Test
  void followsTheNextFieldUntilThereIsNone() throws Exception {
    JsonObject reply = fetcher.chain(chain(origin.url("/chain/0?n=3")));
    assertEquals("no-next", reply.getString("stoppedBecause"));
    JsonArray hops = reply.getJsonArray("hops");
    assertEquals(3, hops.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(origin.url("/chain/" + i + "?n=3"), hops.getJsonObject(i).getString("url"));
      assertEquals(i, hops.getJsonObject(i).getInteger("index"));
      assertTrue(hops.getJsonObject(i).getBoolean("ok"));
    }
    assertNull(reply.getValue("reason"));
  }

  @Test
  void aJsonPointerFindsTheNextLinkAndBodiesFollowTheBodyOption() throws Exception {
    JsonObject reply = fetcher.chain(chain(origin.url("/chain/0?n=2")).put("next", "/links/next").put("body", "none"));
    assertEquals("no-next", reply.getString("stoppedBecause"));
    assertEquals(2, reply.getJsonArray("hops").size());
    assertNull(reply.getJsonArray("hops").getJsonObject(0).getValue("body"));
  }

  @Test
  void stopsAtMaxHops() throws Exception {
    JsonObject reply = fetcher.chain(chain(origin.url("/chain/0?n=10")).put("maxHops", 4));
    assertEquals("max-hops", reply.getString("stoppedBecause"));
    assertEquals(4, reply.getJsonArray("hops").size());
  }

  @Test
  void stopsWhenALinkComesBackToAUrlAlreadyVisited() throws Exception {
    JsonObject reply = fetcher.chain(chain(origin.url("/cycle/0")));
    assertEquals("cycle", reply.getString("stoppedBecause"));
    assertEquals(2, reply.getJsonArray("hops").size());
    assertTrue(reply.getString("reason").contains("/cycle/0"));
  }

  @Test
  void stopsOnAFailedHopOrAnAnswerThatIsNotJson() throws Exception {
    JsonObject failed = fetcher.chain(chain(origin.url("/status/503")));
    assertEquals("error", failed.getString("stoppedBecause"));
    assertEquals("hop 0 answered 503", failed.getString("reason"));
    JsonObject notJson = fetcher.chain(chain(origin.url("/bytes/10")));
    assertEquals("error", notJson.getString("stoppedBecause"));
    assertEquals("hop 0 did not answer JSON", notJson.getString("reason"));
    JsonObject blocked = fetcher.chain(chain("http://169.254.169.254/"));
    assertEquals("error", blocked.getString("stoppedBecause"));
    assertEquals("blocked", blocked.getJsonArray("hops").getJsonObject(0).getJsonObject("error").getString("kind"));
  }

  @Test
  void stopsAtItsDeadline() throws Exception {
    JsonObject reply = fetcher.chain(chain(origin.url("/hang")).put("deadlineMs", 300));
    assertEquals("deadline", reply.getString("stoppedBecause"));
    assertEquals("the chain's deadline of 300 ms passed first", reply.getString("reason"));
    assertEquals("deadline", reply.getJsonArray("hops").getJsonObject(0).getJsonObject("error").getString("kind"));
  }

  @Test
  void aMalformedChainRequestIs400() {
    assertEquals("url is required", fetcher.badRequest(Addresses.FETCH_CHAIN, new JsonObject()));
    assertEquals("maxHops must be an integer 1..100, got 0", fetcher.badRequest(Addresses.FETCH_CHAIN, chain("http://x").put("maxHops", 0)));
    assertEquals("unknown field urls", fetcher.badRequest(Addresses.FETCH_CHAIN, chain("http://x").put("urls", new JsonArray())));
  }

  @Test
  void aNodeThatFetchesNothingRunsNoChains() throws Exception {
    // its own bus: the fetcher of this class's other tests takes work
    Vertx gatewayOnly = Vertx.vertx();
    try {
      FetchService.deploy(gatewayOnly, new JsonObject().put("worker", false));
      ExecutionException e = assertThrows(ExecutionException.class, () -> gatewayOnly.eventBus()
          .request(Addresses.FETCH_CHAIN, chain("http://127.0.0.1:1/")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals(ReplyFailure.NO_HANDLERS, assertInstanceOf(ReplyException.class, e.getCause()).failureType(),
          "a chain is left to the nodes that fetch");
    } finally {
      gatewayOnly.close().await(10, TimeUnit.SECONDS);
    }
  }
}
