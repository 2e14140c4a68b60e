package io.tandem.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * The frame of every load generator written here: one event loop (the generator gets one core),
 * a warm-up, then a measured window; any wrong byte or lost connection ends the run with exit
 * status 1 so a figure is never printed for a broken run.
 */
final class LoadRun {

  final Vertx vertx;
  final Histogram latencies = new Histogram();
  private final double warmupSeconds;
  private final double seconds;
  /** {@code --tls true}: connect with TLS, trusting the server's certificate whatever it is (loopback, a benchmark). */
  private final boolean tls;
  /**
   * The clients {@link #connect} made. Vert.x 5 closes a {@code NetClient} that is no longer
   * reachable, its connections with it (a Cleaner), so a client held only by a local variable
   * lost every connection at some collection tens of seconds into a run.
   */
  private final List<NetClient> clients = new ArrayList<>();
  private volatile boolean measuring;
  private volatile boolean over;
  private long startNanos;
  private long operations;

  /** A generator of its own process: one event loop. */
  LoadRun(Args args) {
    this(args, Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)));
  }

  LoadRun(Args args, Vertx vertx) {
    this.vertx = vertx;
    this.warmupSeconds = args.decimal("warmup", 2);
    this.seconds = args.decimal("seconds", 5);
    this.tls = args.text("tls", "false").equals("true");
  }

  /** Starts the warm-up; once the window closes, {@code report} completes the printed line. */
  void begin(java.util.function.Consumer<JsonObject> report) {
    vertx.setTimer(Math.max(1, (long) (warmupSeconds * 1000)), warm -> {
      latencies.reset();
      operations = 0;
      startNanos = System.nanoTime();
      measuring = true;
      vertx.setTimer(Math.max(1, (long) (seconds * 1000)), done -> {
        measuring = false;
        over = true;
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        JsonObject line = new JsonObject()
            .put("seconds", elapsed)
            .put("operations", operations)
            .put("perSecond", operations / elapsed);
        if (latencies.count() > 0) {
          line.put("p50us", latencies.percentile(0.50)).put("p99us", latencies.percentile(0.99));
        }
        report.accept(line);
        System.out.println(line.encode());
        System.out.flush();
        Runtime.getRuntime().halt(0);
      });
    });
  }

  /** Opens {@code conns} connections at once; any that fails ends the run. */
  Future<List<NetSocket>> connect(String host, int port, int conns) {
    NetClientOptions options = new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(30_000);
    if (tls) {
      options.setSsl(true).setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    NetClient client = vertx.createNetClient(options);
    clients.add(client);
    List<Future<NetSocket>> connecting = new ArrayList<>();
    for (int i = 0; i < conns; i++) {
      connecting.add(client.connect(port, host));
    }
    return Future.all(connecting)
        .onFailure(err -> fail("connect: " + err))
        .map(all -> connecting.stream().map(Future::result).toList());
  }

  boolean measuring() {
    return measuring;
  }

  boolean over() {
    return over;
  }

  /** Counts one operation (a round trip, a byte...) when inside the window. */
  void count(long amount) {
    if (measuring) {
      operations += amount;
    }
  }

  void latency(long startedNanos) {
    if (measuring) {
      latencies.record((System.nanoTime() - startedNanos) / 1000);
    }
  }

  static void fail(String why) {
    System.err.println("FAILED: " + why);
    System.err.flush();
    Runtime.getRuntime().halt(1);
  }
}
