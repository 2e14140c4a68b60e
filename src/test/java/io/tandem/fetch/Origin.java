package io.tandem.fetch;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The origin server of the fetcher's tests, on 127.0.0.1 and a free port, counting what it
 * actually does: requests in flight (and the most at once), connections opened and closed, bytes
 * sent, slow answers finished, the last User-Agent.
 */
public final class Origin {

  static final int CHUNK = 16 * 1024;
  /** byte i of every body is i % 251; a chunk starting at offset k is a slice of this */
  private static final Buffer PATTERN = Buffer.buffer(expectedBytes(CHUNK + 251));

  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicLong bytesSent = new AtomicLong();
  public final AtomicInteger slowAnswersFinished = new AtomicInteger();
  final BlockingQueue<String> closedConnections = new LinkedBlockingQueue<>();
  final Queue<String> requested = new ConcurrentLinkedQueue<>();
  final BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
  /** When each request arrived (System.nanoTime), in order. */
  final Queue<Long> arrivedAt = new ConcurrentLinkedQueue<>();
  volatile String lastUserAgent;
  /** /flaky: requests seen per key. */
  final java.util.Map<String, Integer> flaky = new java.util.concurrent.ConcurrentHashMap<>();
  volatile String lastHost;
  private int port;
  private int garbagePort;
  private int ipv6Port;

  public static Origin start(Vertx vertx) throws Exception {
    // its bodies are made here, not by the first request for one: 64 MiB gzipped would block the origin's event loop
    Encoded.BODIES.size();
    Origin origin = new Origin();
    Router router = Router.router(vertx);
    router.route().handler(origin::track);
    router.get("/delay/:ms").handler(ctx -> {
      long ms = Long.parseLong(ctx.pathParam("ms"));
      vertx.setTimer(Math.max(1, ms), fired -> {
        if (ms >= 1000) {
          origin.slowAnswersFinished.incrementAndGet();
        }
        ctx.response().end("waited " + ms);
      });
    });
    router.get("/status/:code").handler(ctx -> ctx.response().setStatusCode(Integer.parseInt(ctx.pathParam("code"))).end("status body"));
    router.get("/bytes/:n").handler(ctx -> origin.stream(ctx.response(), Long.parseLong(ctx.pathParam("n")), true));
    router.get("/big").handler(ctx -> origin.stream(ctx.response(), 10L * 1024 * 1024 * 1024, true));
    router.get("/drip").handler(ctx -> {
      HttpServerResponse response = ctx.response().setChunked(true);
      long timer = vertx.setPeriodic(5, tick -> {
        response.write(Buffer.buffer(new byte[100]));
        origin.bytesSent.addAndGet(100);
      });
      response.closeHandler(closed -> vertx.cancelTimer(timer));
    });
    router.get("/reset").handler(ctx -> {
      ctx.response().putHeader("content-length", "100000").write("the first bytes");
      vertx.setTimer(20, cut -> ctx.request().connection().close());
    });
    router.get("/hang").handler(ctx -> { });
    router.get("/redirect/:n").handler(ctx -> {
      int n = Integer.parseInt(ctx.pathParam("n"));
      if (n == 0) {
        ctx.response().end("landed");
      } else {
        ctx.response().setStatusCode(302).putHeader("location", "/redirect/" + (n - 1)).end();
      }
    });
    router.get("/redirect-big").handler(ctx -> ctx.response().setStatusCode(302).putHeader("location", "/bytes/5")
        .end(Buffer.buffer(new byte[100 * 1024])));
    // any method: what arrived, as JSON (header names in lower case), for the fetcher's requests to be checked
    router.route("/inspect").handler(BodyHandler.create()).handler(ctx -> {
      JsonObject headers = new JsonObject();
      ctx.request().headers().forEach(header -> headers.put(header.getKey().toLowerCase(java.util.Locale.ROOT), header.getValue()));
      ctx.json(new JsonObject().put("method", ctx.request().method().name()).put("headers", headers)
          .put("body", ctx.body().asString()));
    });
    // any method: a redirect of the given status to ?to=
    router.route("/redirect-status/:code").handler(ctx -> ctx.request().body().onComplete(read ->
        ctx.response().setStatusCode(Integer.parseInt(ctx.pathParam("code"))).putHeader("location", ctx.queryParams().get("to")).end()));
    // encoded bodies: the bytes as given, with their Content-Encoding
    router.get("/encoded/:name").handler(ctx -> {
      Encoded encoded = Encoded.BODIES.get(ctx.pathParam("name"));
      ctx.response().putHeader("content-type", encoded.contentType()).putHeader("content-encoding", encoded.encoding())
          .end(Buffer.buffer(encoded.bytes()));
    });
    // any method: the first ?fails= requests for a key are 503 (with ?retryAfter= seconds, if given), then 200
    router.route("/flaky/:key").handler(ctx -> {
      int seen = origin.flaky.merge(ctx.pathParam("key"), 1, Integer::sum);
      String fails = ctx.queryParams().get("fails");
      if (seen <= Integer.parseInt(fails == null ? "0" : fails)) {
        String after = ctx.queryParams().get("retryAfter");
        if (after != null) {
          ctx.response().putHeader("retry-after", after);
        }
        ctx.response().setStatusCode(503).end("busy " + seen);
      } else {
        ctx.response().end("answered on try " + seen);
      }
    });
    router.get("/link").handler(ctx -> ctx.json(new JsonObject().put("next", ctx.queryParams().get("to"))));
    router.get("/redirect-to").handler(ctx -> ctx.response().setStatusCode(302).putHeader("location", ctx.queryParams().get("url")).end());
    router.get("/chain/:i").handler(ctx -> {
      int i = Integer.parseInt(ctx.pathParam("i"));
      int n = Integer.parseInt(ctx.queryParams().get("n"));
      String next = i + 1 < n ? "/chain/" + (i + 1) + "?n=" + n : null;
      ctx.json(new JsonObject().put("i", i).put("next", next).put("links", new JsonObject().put("next", next)));
    });
    router.get("/cycle/:i").handler(ctx -> ctx.json(new JsonObject().put("next", "/cycle/" + (1 - Integer.parseInt(ctx.pathParam("i"))))));
    router.get("/latin1").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; charset=ISO-8859-1")
        .end(Buffer.buffer("café".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))));
    HttpServer server = vertx.createHttpServer()
        .connectionHandler(connection -> {
          origin.connections.incrementAndGet();
          connection.closeHandler(closed -> origin.closedConnections.add("closed"));
        })
        .requestHandler(router);
    origin.port = server.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
    HttpServer ipv6 = vertx.createHttpServer().requestHandler(router);
    origin.ipv6Port = ipv6.listen(0, "::1").await(5, TimeUnit.SECONDS).actualPort();
    // a "server" that answers every request with bytes that are not HTTP
    NetServer garbage = vertx.createNetServer().connectHandler(socket ->
        socket.handler(request -> socket.write("this is not HTTP\r\n\r\n").onComplete(written -> socket.close())));
    origin.garbagePort = garbage.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
    return origin;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  int port() {
    return port;
  }

  /** The same routes on [::1]. */
  String ipv6Url(String path) {
    return "http://[::1]:" + ipv6Port + path;
  }

  String garbageUrl() {
    return "http://127.0.0.1:" + garbagePort + "/";
  }

  /** The most requests it has had in flight at once since the start or the last reset. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  public void resetMaxInFlight() {
    maxInFlight.set(inFlight.get());
  }

  /** Every request it has had. */
  public int requestCount() {
    return requested.size();
  }

  /** Forgets the requests that arrived so far, for {@link #awaitRequests} to wait for new ones. */
  public void clearArrivals() {
    arrivals.clear();
  }

  /** Waits until {@code n} more requests have arrived. */
  public void awaitRequests(int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      assertNotNull(arrivals.poll(20, TimeUnit.SECONDS), "request " + (i + 1) + " of " + n + " never arrived");
    }
  }

  /** Waits for the next connection to close. */
  void awaitClosedConnection() throws InterruptedException {
    awaitClosedConnection(20);
  }

  public void awaitClosedConnection(int seconds) throws InterruptedException {
    assertNotNull(closedConnections.poll(seconds, TimeUnit.SECONDS), "no connection closed within " + seconds + " s");
  }

  private void track(RoutingContext ctx) {
    lastUserAgent = ctx.request().getHeader("user-agent");
    lastHost = ctx.request().getHeader("host");
    requested.add(ctx.request().uri());
    arrivals.add(ctx.request().uri());
    arrivedAt.add(System.nanoTime());
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    ctx.addEndHandler(ended -> inFlight.decrementAndGet());
    ctx.next();
  }

  /** Sends {@code total} deterministic bytes in chunks, as fast as the client takes them. */
  private void stream(HttpServerResponse response, long total, boolean withLength) {
    if (withLength) {
      response.putHeader("content-length", Long.toString(total));
    } else {
      response.setChunked(true);
    }
    response.putHeader("content-type", "application/octet-stream");
    long[] sent = {0};
    boolean[] closed = {false};
    response.closeHandler(gone -> closed[0] = true);
    Runnable pump = new Runnable() {
      @Override
      public void run() {
        while (sent[0] < total && !response.writeQueueFull() && !closed[0]) {
          int n = (int) Math.min(CHUNK, total - sent[0]);
          int offset = (int) (sent[0] % 251);
          if (response.write(PATTERN.slice(offset, offset + n)).failed()) {
            // the client is gone (a closed channel fails the write at once)
            closed[0] = true;
            return;
          }
          sent[0] += n;
          bytesSent.addAndGet(n);
        }
        if (sent[0] >= total) {
          response.end();
        } else if (!closed[0]) {
          response.drainHandler(drained -> run());
        }
      }
    };
    pump.run();
  }

  /** The bytes {@code /bytes/n} sends, for comparing. */
  static byte[] expectedBytes(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }
}
