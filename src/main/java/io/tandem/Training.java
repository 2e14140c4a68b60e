package io.tandem;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.tandem.config.TandemSettings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar tandem.jar train}: the service as configured, but on loopback and free ports,
 * serving one client of each kind once (HTTP, a fetch of its own {@code /hello}, the scrape, the
 * TCP echo with a line, the chat), then exiting 0. It is the run a JVM learns from: with
 * {@code -XX:ArchiveClassesAtExit=tandem.jsa} (Java 17+) the classes of the start and of each
 * kind of request go into an archive that the next starts map instead of loading and verifying
 * them one by one ({@code -XX:SharedArchiveFile=tandem.jsa}); with Java 25's
 * {@code -XX:AOTCacheOutput=tandem.aot} they go, linked and with their profiles, into an
 * ahead-of-time cache ({@code -XX:AOTCache=tandem.aot}). A step that gets no answer, or a 5xx,
 * ends it with exit 1 and one line: the JVM writes its archive all the same, but a broken run is
 * no model for it; keep only one made by a run that exited 0.
 */
final class Training {

  static final String COMMAND = "train";
  private static final String LOOPBACK = "127.0.0.1";
  private static final long STEP_SECONDS = 30;

  private Training() {
  }

  /**
   * Before the configuration is read: every listener on loopback and a free port, whatever the
   * configuration says (a training run must not take the real service's ports, nor be reachable
   * from outside), and the fetch of this process's own {@code /hello} let through.
   */
  static void prepare() {
    for (String listener : new String[] {"tcp", "chat", "http"}) {
      System.setProperty("tandem." + listener + ".host", LOOPBACK);
      System.setProperty("tandem." + listener + ".port", "0");
    }
    System.setProperty("tandem.bridge.tcpHost", LOOPBACK);
    System.setProperty("tandem.bridge.tcpPort", "0");
    System.setProperty("tandem.fetcher.allowHosts", LOOPBACK);
  }

  /** Once the service is ready: the clients, on a thread of their own, then the exit. */
  static void start(Vertx vertx, MainVerticle main, TandemSettings settings) {
    Thread clients = new Thread(() -> {
      long began = System.nanoTime();
      try {
        int steps = new Clients(vertx, main, settings).run();
        System.out.println("trained: " + steps + " requests in " + (System.nanoTime() - began) / 1_000_000 + " ms");
        System.exit(0);
      } catch (Throwable e) {
        // an Error too (a JVM out of direct memory fails a step with one): the run must end, not hang
        System.err.println("train error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        System.exit(1);
      }
    }, "tandem-training");
    clients.setDaemon(true);
    clients.start();
  }

  /**
   * One client of each kind, each answer checked. The service runs with the user's configuration,
   * so that the JVM learns the classes that configuration loads (TLS, auth, a cluster): an HTTP
   * step passes with any answer the service gives on purpose (a 401 where auth wants a token, a
   * 404 for an endpoint turned off), and fails with none or with a 5xx. A service this node does
   * not run is not asked for: its 503 would be the answer on purpose, and teaches nothing.
   */
  private static final class Clients {
    private final MainVerticle main;
    private final TandemSettings settings;
    private final HttpClientAgent http;
    private final NetClient plain;
    private final NetClient tls;
    private int steps;

    Clients(Vertx vertx, MainVerticle main, TandemSettings settings) {
      this.main = main;
      this.settings = settings;
      // the process's own listeners on loopback, whatever certificate they present
      this.http = vertx.createHttpClient(new HttpClientOptions().setSsl(settings.http().tls()).setTrustAll(true).setVerifyHost(false));
      this.plain = vertx.createNetClient();
      this.tls = vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true).setHostnameVerificationAlgorithm(""));
    }

    int run() throws Exception {
      if (main.httpPort() != -1) {
        call(HttpMethod.GET, "/", null);
        call(HttpMethod.GET, "/hello/train", null);
        call(HttpMethod.GET, "/health", null);
        call(HttpMethod.GET, "/ready", null);
        if (main.tcpPort() != -1) {
          call(HttpMethod.POST, "/echo", "{\"train\":true}");
        }
        if (settings.fetcher().enabled()) {
          String scheme = settings.http().tls() ? "https" : "http";
          call(HttpMethod.POST, "/fetch", "{\"urls\":[\"" + scheme + "://" + LOOPBACK + ":" + main.httpPort() + "/hello/train\"]}");
        }
        call(HttpMethod.GET, settings.metrics().path(), null);
      }
      if (main.tcpPort() != -1) {
        converse(settings.tcp().tls(), main.tcpPort(), new String[] {"train\n"}, new String[] {"train\n"});
      }
      if (main.chatPort() != -1) {
        converse(settings.chat().tls(), main.chatPort(), new String[] {"", "/nick trainer\n", "/join #training\n", "hello\n", "/quit\n"},
            new String[] {"welcome", "you are trainer", "end of history", "[#training] trainer: hello", "bye"});
      }
      return steps;
    }

    /** One request, answered on purpose: any status under 500. */
    private void call(HttpMethod method, String path, String body) throws Exception {
      RequestOptions request = new RequestOptions().setMethod(method).setHost(LOOPBACK).setPort(main.httpPort()).setURI(path);
      int status;
      try {
        status = http.request(request)
            .compose(sent -> body == null ? sent.send() : sent.putHeader("content-type", "application/json").send(body))
            .compose(response -> response.body().map(got -> response.statusCode()))
            .await(STEP_SECONDS, TimeUnit.SECONDS);
      } catch (Throwable e) {
        throw new IllegalStateException(method + " " + path + ": no answer (" + e + ")", e);
      }
      if (status >= 500) {
        throw new IllegalStateException(method + " " + path + " answered " + status);
      }
      steps++;
    }

    /** Writes each line, then waits until what came back holds the text expected of it. */
    private void converse(boolean secure, int port, String[] lines, String[] expected) throws Exception {
      Transcript transcript = new Transcript();
      // the handler set as the connection completes, on its event loop: a greeting may come at once
      NetSocket socket = (secure ? tls : plain).connect(port, LOOPBACK)
          .map(connected -> connected.handler(transcript::add))
          .await(STEP_SECONDS, TimeUnit.SECONDS);
      try {
        for (int i = 0; i < lines.length; i++) {
          if (!lines[i].isEmpty()) {
            socket.write(lines[i]);
          }
          try {
            transcript.expect(expected[i]).await(STEP_SECONDS, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException("port " + port + " never answered \"" + expected[i] + "\"", e);
          }
          steps++;
        }
      } finally {
        socket.close();
      }
    }
  }

  /** What a connection sent back, read by the socket's event loop and waited on by the clients' thread. */
  private static final class Transcript {
    private final StringBuilder text = new StringBuilder();
    private String wanted;
    private Promise<Void> seen;

    synchronized void add(Buffer data) {
      text.append(data.toString(StandardCharsets.UTF_8));
      check();
    }

    synchronized Future<Void> expect(String wanted) {
      this.wanted = wanted;
      this.seen = Promise.promise();
      check();
      return seen.future();
    }

    private void check() {
      if (seen != null && text.indexOf(wanted) >= 0) {
        seen.tryComplete();
      }
    }
  }
}
