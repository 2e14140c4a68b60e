package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Deploys the fetcher for a test, as the main verticle does, and talks to them over the bus. */
final class FetchService {

  private final Vertx vertx;
  private final List<String> deployments;

  private FetchService(Vertx vertx, List<String> deployments) {
    this.vertx = vertx;
    this.deployments = deployments;
  }

  /** The fetcher with loopback allowed (the origin lives there) plus {@code settings}. */
  static FetchService deploy(Vertx vertx, JsonObject settings) throws Exception {
    return deployWith(vertx, new JsonObject(), settings);
  }

  /** The same, with {@code config} for the other sections (e.g. shutdownGraceSeconds). */
  static FetchService deployWith(Vertx vertx, JsonObject config, JsonObject settings) throws Exception {
    JsonObject fetcher = new JsonObject().put("allowHosts", new JsonArray().add("127.0.0.1").add("::1")).put("instances", 1).mergeIn(settings);
    DeploymentOptions options = new DeploymentOptions().setConfig(config.copy().put("fetcher", fetcher));
    return new FetchService(vertx, List.of(vertx.deployVerticle(new FetcherVerticle(), options).await(10, TimeUnit.SECONDS)));
  }

  /** Undeploys it, as a shutdown does. */
  void undeploy() throws Exception {
    Future.all(deployments.stream().map(vertx::undeploy).toList()).await(20, TimeUnit.SECONDS);
  }

  JsonObject fetch(JsonObject request) throws Exception {
    return ask(Addresses.FETCH, request);
  }

  /** The first result of {@code batch} with {@code entry} (a URL, or a URL entry object) as its only URL. */
  JsonObject fetchOne(Object entry, JsonObject batch) throws Exception {
    return fetch(batch.put("urls", new JsonArray().add(entry))).getJsonArray("results").getJsonObject(0);
  }

  JsonObject chain(JsonObject request) throws Exception {
    return ask(Addresses.FETCH_CHAIN, request);
  }

  JsonObject ask(String address, Object request) throws Exception {
    return (JsonObject) vertx.eventBus().request(address, request, new DeliveryOptions().setSendTimeout(60_000))
        .await(70, TimeUnit.SECONDS).body();
  }

  /** The 400 a malformed request gets; returns its message. */
  String badRequest(String address, Object request) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> vertx.eventBus().request(address, request)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(400, reply.failureCode(), reply.getMessage());
    return reply.getMessage();
  }

  static JsonObject urls(String... urls) {
    return new JsonObject().put("urls", new JsonArray(java.util.List.of((Object[]) urls)));
  }

  static String kind(JsonObject result) {
    return result.getJsonObject("error").getString("kind");
  }
}
