package io.tandem.testing;

import io.tandem.MainVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * The whole service ({@link MainVerticle}) deployed for a test: the TCP, chat and HTTP listeners on
 * loopback, on free ports, one instance each, and the TCP bridge off; the test's own settings are
 * merged over that, section by section.
 */
public final class TestService {

  private TestService() {
  }

  public static MainVerticle deploy(Vertx vertx, JsonObject settings) throws Exception {
    JsonObject listen = new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1);
    JsonObject config = new JsonObject()
        .put("tcp", listen.copy())
        .put("chat", listen.copy())
        .put("http", listen.copy())
        .put("bridge", new JsonObject().put("tcpEnabled", false))
        .mergeIn(settings, true);
    MainVerticle main = new MainVerticle();
    vertx.deployVerticle(main, new DeploymentOptions().setConfig(config)).await(10, TimeUnit.SECONDS);
    return main;
  }
}
