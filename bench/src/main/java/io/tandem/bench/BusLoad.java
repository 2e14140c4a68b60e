package io.tandem.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Event-bus request/reply from a verticle in the same JVM, with a window of requests in flight:
 * against Tandem's {@code tandem.echo} (Tandem deployed from its shipped conf, as a user's own
 * launcher would) or against a bare consumer that replies with the body it got.
 */
final class BusLoad {

  static final String BARE_ADDRESS = "bench.bare.echo";

  static void run(Args args) throws Exception {
    String target = args.text("target", "tandem");
    int window = args.integer("window", 128);
    // one event loop: requester and consumer then share a thread for both contenders alike; with
    // more, the figure depends on which loops the deployments happen to land on (a cross-thread
    // hand-off on one core costs more than the whole request)
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(1);
    Vertx vertx = args.text("metrics", "false").equals("true") ? withTandemsMetrics(options) : Vertx.vertx(options);
    LoadRun run = new LoadRun(args, vertx);
    Future<String> server;
    String address;
    if (target.equals("tandem")) {
      JsonObject conf = new JsonObject(Files.readString(Path.of(args.text("conf", "conf/config.json"))));
      server = vertx.deployVerticle("io.tandem.MainVerticle", new DeploymentOptions().setConfig(conf));
      address = "tandem.echo";
    } else if (target.equals("bare")) {
      int instances = Runtime.getRuntime().availableProcessors();
      server = vertx.deployVerticle(BareEcho::new, new DeploymentOptions().setInstances(instances));
      address = BARE_ADDRESS;
    } else {
      throw new IllegalArgumentException("--target tandem|bare, got " + target);
    }
    server
        .compose(deployed -> vertx.deployVerticle(new Requester(run, address, window)))
        .onFailure(err -> LoadRun.fail("deploy: " + err))
        .onSuccess(deployed -> run.begin(report -> report.put("target", target).put("window", window)));
  }

  /**
   * A Vert.x built as Tandem's launcher builds it with {@code metrics.enabled} (its registry, its
   * label rules), for what keeping the meters costs the bus. Through reflection: the benchmarks
   * compile without Tandem, so that they run against any build, older ones included.
   */
  private static Vertx withTandemsMetrics(VertxOptions options) throws Exception {
    Class<?> settings = Class.forName("io.tandem.config.MetricsSettings");
    Object enabled = settings.getConstructor(boolean.class, String.class).newInstance(true, "/metrics");
    Object builder = Class.forName("io.tandem.metrics.Metrics").getMethod("builder", VertxOptions.class, settings)
        .invoke(null, options, enabled);
    return ((VertxBuilder) builder).build();
  }

  /** The bare reference: a consumer that replies with what it received. */
  static final class BareEcho extends VerticleBase {
    @Override
    public Future<?> start() {
      return vertx.eventBus().consumer(BARE_ADDRESS, message -> message.reply(message.body())).completion();
    }
  }

  /** Keeps {@code window} requests in flight, checking each reply is the body it sent. */
  static final class Requester extends VerticleBase {
    private final LoadRun run;
    private final String address;
    private final int window;
    private EventBus bus;
    private long seq;

    Requester(LoadRun run, String address, int window) {
      this.run = run;
      this.address = address;
      this.window = window;
    }

    @Override
    public Future<?> start() {
      bus = vertx.eventBus();
      for (int i = 0; i < window; i++) {
        send();
      }
      return Future.succeededFuture();
    }

    private void send() {
      long n = seq++;
      JsonObject body = new JsonObject().put("text", "hello").put("seq", n);
      long sentAt = System.nanoTime();
      bus.<JsonObject>request(address, body).onComplete(reply -> {
        if (reply.failed()) {
          LoadRun.fail("request " + n + ": " + reply.cause());
        } else if (reply.result().body().getLong("seq") != n) {
          LoadRun.fail("reply " + reply.result().body() + " to request " + n);
        }
        run.latency(sentAt);
        run.count(1);
        send();
      });
    }
  }
}
