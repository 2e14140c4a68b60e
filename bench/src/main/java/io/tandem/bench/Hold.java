package io.tandem.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * Opens many connections to the echo server, proves each is served (one line echoed back), then
 * holds them idle until its standard input closes, so the harness can read the server's memory.
 */
final class Hold {

  /** Held for the whole run: Vert.x 5 closes an unreachable {@code NetClient}, and its connections with it. */
  private static NetClient client;

  static void run(Args args) throws Exception {
    String host = args.text("host", "127.0.0.1");
    int port = args.integer("port", 8080);
    int conns = args.integer("conns", 10_000);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(60_000));
    Buffer hello = Buffer.buffer("hold\n");
    // a few hundred at a time: a burst of 10,000 SYNs overflows the accept queue and then costs
    // seconds of SYN retries, which would measure the kernel, not the server
    connectInWaves(client, host, port, conns, hello, 0)
        .onFailure(err -> LoadRun.fail("hold: " + err.getMessage()))
        .onSuccess(all -> {
          System.out.println("{\"held\":" + conns + "}");
          System.out.flush();
        });
    while (System.in.read() >= 0) {
      // idle until the harness closes our stdin
    }
    Runtime.getRuntime().halt(0);
  }

  private static Future<?> connectInWaves(NetClient client, String host, int port, int conns, Buffer hello, int from) {
    if (from >= conns) {
      return Future.succeededFuture();
    }
    int to = Math.min(conns, from + 500);
    List<Future<?>> wave = new ArrayList<>();
    for (int i = from; i < to; i++) {
      wave.add(client.connect(port, host).compose(socket -> echoOnce(socket, hello)));
    }
    return Future.all(wave).compose(done -> connectInWaves(client, host, port, conns, hello, to));
  }

  private static Future<Void> echoOnce(NetSocket socket, Buffer hello) {
    Promise<Void> back = Promise.promise();
    Buffer got = Buffer.buffer();
    socket.handler(data -> {
      got.appendBuffer(data);
      if (got.length() >= hello.length()) {
        if (got.equals(hello)) {
          back.tryComplete();
        } else {
          back.tryFail("echo differs: " + got);
        }
        socket.handler(null);
      }
    });
    socket.closeHandler(closed -> back.tryFail("closed by the server"));
    socket.write(hello);
    return back.future();
  }
}
