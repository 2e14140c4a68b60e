package io.tandem.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A running Tandem's event bus from outside, through its TCP bridge, as another language's client
 * uses it (frames: a 4-byte big-endian length, then JSON). Two kinds of client, either or both:
 * <ul>
 *   <li>{@code --conns} clients that stay connected and together send {@code --rate} requests a
 *   second to {@code tandem.echo}, each with at most {@code --window} unanswered;</li>
 *   <li>{@code --churn} new clients a second, each subscribing to {@code tandem.tcp.connections}
 *   (and waiting for the subscription's ack), sending {@code --churn-requests} requests at once,
 *   and disconnecting once all are answered.</li>
 * </ul>
 * Every reply must carry the body its request sent; an error frame, a reply nobody asked for or a
 * connection the server closes ends the run with status 1. Counted operations are requests
 * answered; the report adds the clients that came and went, and {@code behind}: turns of the rate
 * not taken because a client's window (or the churn's 100 clients at once) was full.
 */
final class BridgeLoad {

  private static final String ECHO = "tandem.echo";
  /** Published by the TCP echo on every connection: a churning client has something to unsubscribe from. */
  private static final String SUBSCRIBED = "tandem.tcp.connections";
  private static final int MAX_CHURNING = 100;

  private final LoadRun run;
  private final NetClient client;
  private final int port;
  private final int window;
  private final int churnRequests;
  private final List<Client> steady = new ArrayList<>();
  private int next;
  private int churning;
  private int clientsId;
  private long churned;
  private long behind;

  private BridgeLoad(Args args) {
    run = new LoadRun(args);
    client = run.vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(30_000));
    port = args.integer("port", 7000);
    window = args.integer("window", 64);
    churnRequests = args.integer("churn-requests", 5);
  }

  static void run(Args args) {
    BridgeLoad load = new BridgeLoad(args);
    int conns = args.integer("conns", 4);
    double rate = args.decimal("rate", 1000);
    double churn = args.decimal("churn", 0);
    load.run.connect("127.0.0.1", load.port, conns).onSuccess(sockets -> {
      for (NetSocket socket : sockets) {
        load.steady.add(load.new Client(socket, false));
      }
      if (conns > 0 && rate > 0) {
        Ticker.start(load.run.vertx, rate, load::requests);
      }
      if (churn > 0) {
        Ticker.start(load.run.vertx, churn, load::churn);
      }
      load.run.begin(report -> report.put("conns", conns).put("rate", rate).put("churn", churn)
          .put("churnRequests", load.churnRequests).put("churned", load.churned).put("behind", load.behind));
    });
  }

  private void requests(int turns) {
    for (int t = 0; t < turns; t++) {
      Client c = steady.get(next++ % steady.size());
      if (c.pending.size() < window) {
        c.request();
      } else {
        behind++;
      }
    }
  }

  private void churn(int turns) {
    for (int t = 0; t < turns; t++) {
      if (churning >= MAX_CHURNING) {
        behind++;
        continue;
      }
      churning++;
      client.connect(port, "127.0.0.1")
          .onFailure(err -> LoadRun.fail("bridge connect: " + err))
          .onSuccess(socket -> new Client(socket, true).subscribe());
    }
  }

  /** One bridge connection: its frames in, its requests waiting for replies (by reply address). */
  private final class Client {
    private final NetSocket socket;
    private final boolean churns;
    private final String name = "bench.soak." + clientsId++;
    private final Map<String, Long> pending = new HashMap<>();
    private final RecordParser frames = RecordParser.newFixed(4);
    private final long opened = System.nanoTime();
    private boolean inHeader = true;
    private long seq;
    private long sentBytes;
    private boolean leaving;
    private Throwable failure;

    Client(NetSocket socket, boolean churns) {
      this.socket = socket;
      this.churns = churns;
      frames.handler(this::part);
      socket.handler(frames);
      socket.exceptionHandler(err -> failure = err);
      socket.closeHandler(closed -> {
        if (!leaving && !run.over()) {
          LoadRun.fail("bridge client " + name + "'s connection closed" + (failure == null ? "" : " (" + failure + ")")
              + " after " + (System.nanoTime() - opened) / 1_000_000 + " ms, " + seq + " requests and " + sentBytes
              + " bytes sent, " + pending.size() + " unanswered");
        }
      });
    }

    void subscribe() {
      write(new JsonObject().put("type", "register").put("address", SUBSCRIBED).put("ack", true));
    }

    void request() {
      long n = seq++;
      String replyAddress = name + "." + n;
      pending.put(replyAddress, System.nanoTime());
      write(new JsonObject().put("type", "send").put("address", ECHO).put("replyAddress", replyAddress)
          .put("body", new JsonObject().put("client", name).put("seq", n)));
    }

    private void write(JsonObject frame) {
      byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
      sentBytes += 4 + json.length;
      socket.write(Buffer.buffer(4 + json.length).appendInt(json.length).appendBytes(json));
    }

    private void part(Buffer part) {
      if (inHeader) {
        frames.fixedSizeMode(part.getInt(0));
        inHeader = false;
      } else {
        frames.fixedSizeMode(4);
        inHeader = true;
        frame(new JsonObject(part));
      }
    }

    private void frame(JsonObject frame) {
      String type = frame.getString("type");
      String address = frame.getString("address");
      if ("registered".equals(type) && churns) {
        for (int i = 0; i < churnRequests; i++) {
          request();
        }
      } else if ("message".equals(type) && SUBSCRIBED.equals(address)) {
        // a connection the echo announced: heard, nothing to answer
      } else if ("message".equals(type) && pending.containsKey(address)) {
        long sentAt = pending.remove(address);
        JsonObject body = frame.getJsonObject("body");
        if (body == null || !name.equals(body.getString("client")) || !address.equals(name + "." + body.getLong("seq"))) {
          LoadRun.fail("bridge reply to " + address + " carries " + frame.encode());
        }
        run.latency(sentAt);
        run.count(1);
        if (churns && pending.isEmpty()) {
          leaving = true;
          socket.close();
          churning--;
          churned++;
        }
      } else {
        LoadRun.fail("bridge client " + name + " got " + frame.encode());
      }
    }
  }
}
