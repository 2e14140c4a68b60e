package io.tandem;

import com.hazelcast.config.Config;
import io.tandem.auth.Principals;
import io.tandem.auth.Tokens;
import io.tandem.chat.ChatClient;
import io.tandem.cluster.ClusterView;
import io.tandem.cluster.HazelcastConfigs;
import io.tandem.config.ClusterSettings;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import io.tandem.config.ListenException;
import io.tandem.config.TandemSettings;
import io.tandem.metrics.Metrics;
import io.tandem.net.TlsFiles;
import io.tandem.tracing.Tracing;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * {@code java -jar tandem.jar [launcher options]} starts the service through the Vert.x
 * launcher; {@code java -jar tandem.jar chat [--host H] [--port P]} runs the chat client;
 * {@code java -jar tandem.jar token [NAME]} prints a new bearer token and its line for the tokens file;
 * {@code java -jar tandem.jar train [launcher options]} is a start for a JVM to learn from ({@link Training}).
 *
 * <p>The configuration is read and validated before Vert.x starts: a bad one prints
 * {@code config error: ...} and exits {@value #EXIT_CONFIG} with nothing listening. A failed start
 * (a port in use, say) prints one line too. SIGTERM and SIGINT shut down gracefully and exit 0.
 * With {@code -cluster} the bus is clustered through Hazelcast, configured by the {@code cluster}
 * section (see {@link HazelcastConfigs}).
 */
public final class Tandem extends VertxApplication implements VertxApplicationHooks {

  /** sysexits' EX_CONFIG. */
  public static final int EXIT_CONFIG = 78;

  /** Read by {@link LogSetup}: where log lines go (the chat client keeps stdout for the conversation). */
  static final String LOG_TARGET_PROPERTY = "tandem.log.target";
  private static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

  private final ConfigLoader config;
  private final Integer instancesOption;
  /** The cluster section and the Hazelcast configuration built from it, with {@code -cluster}; else null. */
  private final ClusterSettings cluster;
  private final Config hazelcast;
  /** Spans and their export, when {@code tracing.otlpEndpoint} is set; else null. */
  private Tracing tracing;
  /** {@code train}: serve one client of each kind once ready, then exit ({@link Training}). */
  private final boolean training;
  /** The service's main verticle, made here so that shutdown can tell it before the servers stop. */
  private volatile MainVerticle main;

  private Tandem(String[] args, ConfigLoader config, Integer instancesOption, ClusterSettings cluster, Config hazelcast,
                 boolean training) {
    super(args);
    this.training = training;
    this.config = config;
    this.instancesOption = instancesOption;
    this.cluster = cluster;
    this.hazelcast = hazelcast;
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("chat")) {
      System.setProperty(LOG_TARGET_PROPERTY, "System.err");
      System.exit(ChatClient.run(Arrays.copyOfRange(args, 1, args.length), System.in, System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("token")) {
      System.exit(Tokens.printNew(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
    }
    boolean training = args.length > 0 && args[0].equals(Training.COMMAND);
    if (training) {
      args = Arrays.copyOfRange(args, 1, args.length);
      Training.prepare();
    }
    // a TLS 1.2 client may not ask for a new handshake on a connection it has: each one costs the
    // server a full handshake's CPU, and no timer of Tandem's sees it (-D...=false on the command line wins)
    System.setProperty(REJECT_RENEGOTIATION, System.getProperty(REJECT_RENEGOTIATION, "true"));
    ConfigLoader config = null;
    Integer instances = null;
    ClusterSettings cluster = null;
    Config hazelcast = null;
    if (!LauncherArgs.wantsHelp(args)) {
      try {
        instances = LauncherArgs.instances(args);
        LauncherArgs.checkJsonOptions(args);
        config = ConfigLoader.forProcess(LauncherArgs.conf(args));
        TandemSettings settings = config.settings(defaultInstances(instances));
        LogFormat.use(settings.logging(), LauncherArgs.clustered(args), settings.tracing().enabled());
        if (settings.usesTls()) {
          TlsFiles.check(settings.tls()); // one line naming the file, before anything listens
        }
        if (settings.fetcher().trustCaFile() != null) {
          TlsFiles.checkCertificates("fetcher.trustCaFile", settings.fetcher().trustCaFile());
        }
        if (settings.auth().tokensFile() != null) {
          Principals.read(settings.auth().tokensFile()); // checked now: the verticles read it again without blocking
        }
        if (LauncherArgs.clustered(args)) {
          // Hazelcast logs before it reads its configuration
          System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
          cluster = settings.cluster();
          hazelcast = HazelcastConfigs.of(cluster);
          if (cluster.tls()) {
            TlsFiles.cluster(new EventBusOptions(), settings.tls(), cluster.caFile()); // its files checked now: one line
          }
        }
      } catch (ConfigException e) {
        System.err.println("config error: " + e.getMessage());
        System.exit(EXIT_CONFIG);
      }
    }
    // the JVM alone exits 143 on SIGTERM; exiting 0 here still runs the launcher's shutdown hook
    Signal.handle(new Signal("TERM"), signal -> System.exit(0));
    Signal.handle(new Signal("INT"), signal -> System.exit(0));
    new Tandem(args, config, instances, cluster, hazelcast, training).launch();
  }

  /**
   * Metrics as the {@code metrics} section says, traces as the {@code tracing} section does. With {@code -cluster}: Hazelcast configured from
   * the {@code cluster} section, and the event bus bound and advertised as it says. The launcher
   * applies its {@code -cluster-*} options to the same options after this, so they win when given.
   */
  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    TandemSettings settings = config.settings(defaultInstances(instancesOption));
    VertxBuilder builder = Metrics.builder(options, settings.metrics());
    tracing = Tracing.of(settings.tracing(), settings.metrics().path());
    if (tracing != null) {
      builder = tracing.install(builder);
    }
    if (hazelcast == null) {
      return builder;
    }
    EventBusOptions bus = options.getEventBusOptions().setHost(cluster.host()).setPort(cluster.port());
    if (cluster.publicHost() != null) {
      bus.setClusterPublicHost(cluster.publicHost());
    }
    if (cluster.publicPort() != -1) {
      bus.setClusterPublicPort(cluster.publicPort());
    }
    if (cluster.tls()) {
      TlsFiles.cluster(bus, settings.tls(), cluster.caFile());
    }
    return builder.withClusterManager(new HazelcastClusterManager(hazelcast));
  }

  @Override
  public void afterVertxStarted(HookContext context) {
    if (tracing != null) {
      log().info(tracing.describe());
    }
    ClusterView view = ClusterView.of(context.vertx());
    if (view != null) {
      LogFormat.node(view.nodeId());
      view.logMembership();
      view.meter(Metrics.registry(context.vertx()));
    }
  }

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return () -> main = new MainVerticle();
  }

  @Override
  public void beforeDeployingVerticle(HookContext context) {
    // -instances N sets the instance count of every verticle; the main verticle runs once
    DeploymentOptions options = context.deploymentOptions();
    options.setInstances(1);
    options.setConfig(config.settings(defaultInstances(instancesOption)).toJson());
  }

  @Override
  public void afterVerticleDeployed(HookContext context) {
    // the JVM's own record of its start: ProcessHandle's start instant is only as precise as the boot time (seconds)
    long sinceStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    log().info("Tandem ready in {} ms", sinceStart);
    if (training) {
      Training.start(context.vertx(), main, config.settings(defaultInstances(instancesOption)));
    }
  }

  @Override
  public void afterFailureToStartVertx(HookContext context, Throwable t) {
    System.err.println("start error: Vert.x did not start: " + oneLine(t));
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable t) {
    System.err.println("start error: " + oneLine(t));
    context.vertx().close();
  }

  @Override
  public void beforeStoppingVertx(HookContext context) {
    log().info("Tandem shutting down");
    MainVerticle deployed = main;
    if (deployed != null) {
      deployed.markStopping();
    }
  }

  @Override
  public void afterVertxStopped(HookContext context) {
    if (tracing != null) {
      tracing.close(); // the last spans, the shutdown's own among them
    }
    log().info("Tandem stopped");
  }

  @Override
  public void afterFailureToStopVertx(HookContext context, Throwable t) {
    System.err.println("stop error: " + (t == null ? "timed out closing Vert.x" : oneLine(t)));
    Runtime.getRuntime().halt(1);
  }

  /** Not a static field: logging must not start before main has chosen where it goes. */
  private static Logger log() {
    return LoggerFactory.getLogger(Tandem.class);
  }

  private static int defaultInstances(Integer instancesOption) {
    return instancesOption != null ? instancesOption : Runtime.getRuntime().availableProcessors();
  }

  /** The listener failure if there is one (it names host:port), else the first line of the error. */
  private static String oneLine(Throwable t) {
    for (Throwable cause = t; cause != null; cause = cause.getCause()) {
      if (cause instanceof ListenException) {
        return cause.getMessage();
      }
    }
    String message = t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    return message.lines().findFirst().orElse(message);
  }
}
