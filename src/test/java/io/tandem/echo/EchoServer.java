package io.tandem.echo;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Deploys the TCP echo verticle on 127.0.0.1, port 0, for a test. */
record EchoServer(String deploymentId, int port) {

  static EchoServer deploy(Vertx vertx, JsonObject tcp) throws Exception {
    return deploy(vertx, tcp, 1, new JsonObject());
  }

  static EchoServer deploy(Vertx vertx, JsonObject tcp, int instances, JsonObject topLevel) throws Exception {
    JsonObject config = topLevel.copy()
        .put("tcp", new JsonObject().put("host", "127.0.0.1").put("port", 0).mergeIn(tcp));
    List<TcpEchoVerticle> deployed = new CopyOnWriteArrayList<>();
    String id = vertx.deployVerticle(() -> {
      TcpEchoVerticle verticle = new TcpEchoVerticle();
      deployed.add(verticle);
      return verticle;
    }, new DeploymentOptions().setInstances(instances).setConfig(config)).await(10, TimeUnit.SECONDS);
    return new EchoServer(id, deployed.get(0).actualPort());
  }
}
