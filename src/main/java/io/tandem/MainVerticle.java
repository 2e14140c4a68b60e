package io.tandem;

import io.tandem.bridge.TcpBridgeVerticle;
import io.tandem.bus.Addresses;
import io.tandem.config.AuthSettings;
import io.tandem.config.BridgeSettings;
import io.tandem.config.ChatSettings;
import io.tandem.config.FetcherSettings;
import io.tandem.config.Listener;
import io.tandem.config.TandemSettings;
import io.tandem.config.TcpSettings;
import io.tandem.config.TlsSettings;
import io.tandem.net.CertificateReload;
import io.tandem.config.VerticleConfig;
import io.tandem.chat.ChatVerticle;
import io.tandem.echo.TcpEchoVerticle;
import io.tandem.fetch.FetcherVerticle;
import io.tandem.http.HttpVerticle;
import io.tandem.metrics.Metrics;
import io.tandem.net.Warmup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Deploys the verticles the configuration enables, each with its own slice of the resolved
 * configuration ({@link VerticleConfig}), and fails if any of them fails. Logs one line per listener with its real port.
 */
public final class MainVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MainVerticle.class);

  private volatile int tcpPort = -1;
  private volatile int chatPort = -1;
  private volatile int httpPort = -1;
  private volatile int bridgePort = -1;
  /** Set on this verticle's event loop once everything is deployed; read by /ready on HTTP's loops. */
  private volatile boolean started;
  /** The warm-up's work on the workers, which a stop waits for. */
  private Future<?> warmedUp = Future.succeededFuture();
  /** Set by the launcher's shutdown hook, on its own thread. */
  private volatile boolean stopping;

  /** Who may use the service: said once at start-up, loudly when it is everyone. */
  private static void logAccess(AuthSettings auth, boolean httpEnabled, boolean bridgeEnabled) {
    List<String> guarded = new ArrayList<>();
    if (httpEnabled) {
      AuthSettings.ENDPOINTS.stream().filter(endpoint -> !auth.publicHttp().contains(endpoint)).forEach(guarded::add);
    }
    if (bridgeEnabled) {
      guarded.add("the TCP bridge");
    }
    if (guarded.isEmpty()) {
      return;
    }
    String what = guarded.size() == 1 ? guarded.get(0)
        : String.join(", ", guarded.subList(0, guarded.size() - 1)) + " and " + guarded.get(guarded.size() - 1);
    if (auth.open()) {
      log.warn("auth.protectedMode is false and there is no auth.tokensFile: anyone who can reach the listeners can use {}", what);
    } else if (auth.tokensFile() == null) {
      log.info("Protected mode: {} serve clients on this machine only (auth.tokensFile names who else may use them)", what);
    } else {
      log.info("Auth: {} want a token of {}", what, auth.tokensFile());
    }
  }

  @Override
  public Future<?> start() {
    TandemSettings settings = TandemSettings.fromJson(config());
    // first, so that each TLS listener finds it when it registers
    Future<Void> reload = settings.usesTls() ? CertificateReload.start(vertx, settings.tls()) : Future.succeededFuture();
    return reload.compose(looking -> deployAll(settings));
  }

  private Future<?> deployAll(TandemSettings settings) {
    List<Future<?>> deployments = new ArrayList<>();
    if (settings.tcp().listener().enabled()) {
      deployments.add(deploy("TCP echo", TcpEchoVerticle::new, TcpEchoVerticle::actualPort, settings.tcp().listener(),
          settings.tcp().tls(), VerticleConfig.slice(settings, TcpSettings.SECTION, TlsSettings.SECTION))
          .onSuccess(port -> tcpPort = port));
    }
    if (settings.chat().listener().enabled()) {
      deployments.add(deploy("Chat", ChatVerticle::new, ChatVerticle::actualPort, settings.chat().listener(),
          settings.chat().tls(), VerticleConfig.slice(settings, ChatSettings.SECTION, TlsSettings.SECTION))
          .onSuccess(port -> chatPort = port));
    }
    logAccess(settings.auth(), settings.http().listener().enabled(), settings.bridge().tcpEnabled());
    if (settings.http().listener().enabled()) {
      if (settings.bridge().sockjsEnabled() && settings.bridge().allowedOrigins().contains(BridgeSettings.ANY_ORIGIN)) {
        log.warn("bridge.allowedOrigins is \"*\": a page on any web site can use the event bus at /eventbus from its visitors' browsers");
      }
      deployments.add(deploy("HTTP", () -> new HttpVerticle(this::notReady), HttpVerticle::actualPort, settings.http().listener(),
          settings.http().tls(),
          VerticleConfig.httpSlice(settings))
          .onSuccess(port -> httpPort = port));
    }
    if (settings.bridge().tcpEnabled()) {
      deployments.add(deploy("TCP bridge", TcpBridgeVerticle::new, TcpBridgeVerticle::actualPort, settings.bridge().tcpListener(),
          settings.bridge().tls(),
          VerticleConfig.slice(settings, BridgeSettings.SECTION, AuthSettings.SECTION, TlsSettings.SECTION))
          .onSuccess(port -> bridgePort = port));
    }
    if (settings.fetcher().enabled()) {
      int instances = settings.fetcher().instances();
      DeploymentOptions options = new DeploymentOptions().setInstances(instances)
          .setConfig(VerticleConfig.slice(settings, FetcherSettings.SECTION));
      deployments.add(vertx.deployVerticle(FetcherVerticle::new, options)
          .onSuccess(id -> log.info(settings.fetcher().worker()
                  ? "Fetcher serving {} and {} ({} instance{} of each side)"
                  : "Fetcher serving {} (coordinating only: {} and the URLs are fetched by other nodes; {} instance{})",
              Addresses.FETCH, Addresses.FETCH_CHAIN, instances, instances == 1 ? "" : "s")));
    }
    // join, not all: a failed start must wait for the other deployments to settle, so that
    // Vert.x undeploys every one of them with this verticle and nothing is left half-started
    return Future.join(deployments).onSuccess(deployed -> {
      started = true;
      warmUp();
    });
  }

  /**
   * Pays the JVM's one-time costs (see {@link Warmup}) and binds the JVM's meters (see
   * {@link Metrics#jvmMeters}) on a worker once the service is up: before it they would lengthen
   * start-up by about a fifth on one core; left to the first request they would block an event loop.
   */
  private void warmUp() {
    Future<?> warmup = vertx.executeBlocking(Warmup::run, false)
        .onFailure(err -> log.warn("warm-up: {}; the first TLS fetch will pay for it", err.getMessage()));
    Future<?> meters = Metrics.jvmMeters(vertx)
        .onFailure(err -> log.warn("the JVM's meters: {}; /metrics goes on without them", err.getMessage()));
    warmedUp = Future.join(warmup, meters);
  }

  /**
   * Waits for the warm-up's work on the workers: a stop just after ready (a training run, a
   * SIGTERM'd start) would otherwise close Vert.x under it, and its completion would land on an
   * event loop already shut down (a RejectedExecutionException in the log).
   */
  @Override
  public Future<?> stop() {
    return warmedUp.otherwiseEmpty();
  }

  /** The port the TCP echo server listens on, or -1 when it is not deployed. */
  public int tcpPort() {
    return tcpPort;
  }

  /** The port the chat listens on, or -1 when it is not deployed. */
  public int chatPort() {
    return chatPort;
  }

  /** The port the HTTP server listens on, or -1 when it is not deployed. */
  public int httpPort() {
    return httpPort;
  }

  /** The port the TCP bridge listens on, or -1 when it is not deployed. */
  public int bridgePort() {
    return bridgePort;
  }

  /** True once every enabled verticle of this process is deployed, until shutdown begins. */
  public boolean isStarted() {
    return notReady() == null;
  }

  /** Called as shutdown begins, so that readiness turns 503 before the servers stop. */
  public void markStopping() {
    stopping = true;
  }

  /** Why this process must not be sent traffic yet (or any more), for {@code /ready}; null when it may. */
  private String notReady() {
    return stopping ? "shutting down" : started ? null : "verticles are still being deployed";
  }

  /** Deploys the instances of one verticle; the future holds the port they listen on. */
  /** @param tls whether the listener speaks TLS: said on its start-up line */
  private <V extends VerticleBase> Future<Integer> deploy(String name, Supplier<V> factory, ToIntFunction<V> port,
                                                          Listener listener, boolean tls, JsonObject config) {
    List<V> instances = new CopyOnWriteArrayList<>();
    DeploymentOptions options = new DeploymentOptions().setInstances(listener.instances()).setConfig(config);
    return vertx.deployVerticle(() -> {
      V verticle = factory.get();
      instances.add(verticle);
      return verticle;
    }, options).map(id -> {
      int actual = port.applyAsInt(instances.get(0));
      log.info("{} listening on {}:{} ({} instance{}{})", name, listener.host(), actual, listener.instances(),
          listener.instances() == 1 ? "" : "s", tls ? ", TLS" : "");
      return actual;
    });
  }
}
