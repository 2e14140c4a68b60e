package io.tandem.http;

import io.tandem.bus.Addresses;
import io.tandem.cluster.ClusterView;
import io.tandem.config.VerticleConfig.Fronts;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /ready}: 200 when every enabled verticle is deployed and its bus service answers,
 * else 503 naming what is not. A service "answers" when it replies or fails the request on
 * purpose; no handler or no answer within a second means it is not ready. On a clustered bus the
 * fetcher is checked even when this node runs none, and a {@code cluster} check shows this node's
 * id and the members it sees.
 */
final class Readiness implements Handler<RoutingContext> {

  private static final long PING_TIMEOUT_MS = 1000;

  private final HealthChecks checks;

  /** @param notReady the process's own word on whether it may get traffic: a reason why not, or null */
  Readiness(Vertx vertx, Fronts fronts, Supplier<String> notReady) {
    EventBus bus = vertx.eventBus();
    checks = HealthChecks.create(vertx).register("deployment", done -> {
      String reason = notReady.get();
      done.complete(reason == null ? Status.OK() : Status.KO(new JsonObject().put("reason", reason)));
    });
    if (fronts.tcp()) {
      checks.register("tcp", 2 * PING_TIMEOUT_MS, done -> ping(bus, Addresses.ECHO, "ready?", done));
    }
    checks.register("http", 2 * PING_TIMEOUT_MS, done -> ping(bus, Addresses.HELLO, new JsonObject(), done));
    ClusterView cluster = ClusterView.of(vertx);
    // the URLs of POST /fetch are fetched by whichever instances take work, on this node or (on a
    // clustered bus) any other: ready means one answers. An empty job is malformed: a 400 back
    // proves it answers, without fetching anything.
    if (fronts.fetcher() || cluster != null) {
      checks.register("fetcher", 2 * PING_TIMEOUT_MS, done -> ping(bus, Addresses.FETCH_URL, new JsonObject(), done));
    }
    if (cluster != null) {
      checks.register("cluster", done -> done.complete(Status.OK(cluster.toJson())));
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    checks.checkStatus().onComplete(checked -> {
      if (checked.failed()) {
        ctx.fail(checked.cause());
        return;
      }
      JsonArray list = new JsonArray();
      List<String> down = new ArrayList<>();
      for (CheckResult check : checked.result().getChecks()) {
        boolean up = CheckResult.isUp(check);
        JsonObject entry = new JsonObject().put("id", check.getId()).put("status", up ? "UP" : "DOWN");
        if (check.getData() != null && !check.getData().isEmpty()) {
          entry.put("data", check.getData());
        }
        list.add(entry);
        if (!up) {
          String reason = check.getData() == null ? null : check.getData().getString("reason");
          down.add(check.getId() + (reason == null ? "" : " (" + reason + ")"));
        }
      }
      if (down.isEmpty()) {
        ctx.json(new JsonObject().put("status", "UP").put("checks", list));
      } else {
        ErrorResponses.send(ctx.response(), 503, "not ready: " + String.join(", ", down),
            new JsonObject().put("checks", list));
      }
    });
  }

  private static void ping(EventBus bus, String address, Object body, Promise<Status> result) {
    bus.request(address, body, new DeliveryOptions().setSendTimeout(PING_TIMEOUT_MS)).onComplete(answer -> {
      if (answer.succeeded()
          || answer.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        result.complete(Status.OK());
      } else {
        String reason = answer.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
            ? "no handler for " + address
            : address + " did not answer within " + PING_TIMEOUT_MS + " ms";
        result.complete(Status.KO(new JsonObject().put("reason", reason)));
      }
    });
  }
}
