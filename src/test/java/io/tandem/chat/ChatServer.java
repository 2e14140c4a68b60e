package io.tandem.chat;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Deploys the chat verticle on 127.0.0.1, port 0, two instances (so lines cross event loops), for a test. */
record ChatServer(String deploymentId, int port) {

  static ChatServer deploy(Vertx vertx, JsonObject chat) throws Exception {
    JsonObject config = new JsonObject()
        .put("chat", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2).mergeIn(chat));
    List<ChatVerticle> deployed = new CopyOnWriteArrayList<>();
    String id = vertx.deployVerticle(() -> {
      ChatVerticle verticle = new ChatVerticle();
      deployed.add(verticle);
      return verticle;
    }, new DeploymentOptions().setInstances(2).setConfig(config)).await(10, TimeUnit.SECONDS);
    return new ChatServer(id, deployed.get(0).actualPort());
  }
}
